/// help() has an entry for every function CONTRACT.md names (issue 13, item 7).
import Foundation
import TestSupport
import Testing

@testable import BoxLua

/// CONTRACT.md: `$BOXLUA_CONTRACT`, else `shared/CONTRACT.md` beside the checkout (where CI puts it).
private let contractPath: String? = {
    let candidates =
        [ProcessInfo.processInfo.environment["BOXLUA_CONTRACT"]].compactMap { $0 }
        + [packageRoot().deletingLastPathComponent().appendingPathComponent("shared/CONTRACT.md").path]
    return candidates.first { FileManager.default.fileExists(atPath: $0) }
}()

/// Functions CONTRACT.md names that later issues build; each leaves this list when it lands.
private let notYetBuilt: [String: String] = [:]

@Suite struct ContractReference {
    /// The names in the code block of CONTRACT.md's "The Lua API" section.
    static func contractNames(_ text: String) -> Set<String> {
        guard let section = text.range(of: "## The Lua API") else { return [] }
        let rest = text[section.upperBound...]
        guard let open = rest.range(of: "```"), let close = rest[open.upperBound...].range(of: "```") else { return [] }
        let block = String(rest[open.upperBound..<close.lowerBound])
        let regex = try! NSRegularExpression(pattern: #"\b(box|csv|json|log)(\.[a-z_]+)+"#)
        let ns = block as NSString
        var names = Set(
            regex.matches(in: block, range: NSRange(location: 0, length: ns.length)).map {
                ns.substring(with: $0.range)
            })
        for plain in ["show", "help"] where block.contains("\n\(plain)(") { names.insert(plain) }
        return names
    }

    @Test(.enabled(if: contractPath != nil, "CONTRACT.md not found beside the checkout (set BOXLUA_CONTRACT)"))
    func everyContractFunctionHasAHelpEntry() throws {
        let text = try String(contentsOfFile: contractPath!, encoding: .utf8)
        let names = Self.contractNames(text)
        #expect(names.count > 40, "the Lua API block of CONTRACT.md was not found or read")
        let missing = names.filter { APIReference.entry(named: $0) == nil && notYetBuilt[$0] == nil }.sorted()
        #expect(missing.isEmpty, "CONTRACT.md names functions help() does not know: \(missing)")
        let built = notYetBuilt.keys.filter { APIReference.entry(named: $0) != nil }.sorted()
        #expect(built.isEmpty, "built now, take them off notYetBuilt: \(built)")
        #expect(APIReference.entry(named: "log.warn") != nil && APIReference.entry(named: "log.error") != nil)
    }
}
