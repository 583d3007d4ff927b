/// Foundation's `trimmingCharacters(in: .whitespaces)` without Foundation (the sandbox links
/// only FoundationEssentials, which lacks it): spaces of every kind (Unicode Zs) and tabs.
extension StringProtocol {
    func trimmingWhitespace() -> String {
        func blank(_ c: Character) -> Bool {
            c == "\t" || c.unicodeScalars.allSatisfy { $0.properties.generalCategory == .spaceSeparator }
        }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
