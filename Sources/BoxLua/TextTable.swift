/// Aligned plain-text tables for `show()`: one header line, a rule, one line per row.
///
/// Widths count Unicode characters, cells are cut at `maxCellWidth` with an ellipsis so one
/// long value cannot push every other column off the screen, and newlines become spaces.
public enum TextTable {
    public static let maxCellWidth = 60

    public static func format(columns: [String], rows: [[String]]) -> String {
        let clean = rows.map { row in (0..<columns.count).map { i in cell(i < row.count ? row[i] : "") } }
        let header = columns.map(cell)
        var widths = header.map(\.count)
        for row in clean {
            for (i, v) in row.enumerated() { widths[i] = max(widths[i], v.count) }
        }
        func line(_ cells: [String]) -> String {
            var s = ""
            for (i, v) in cells.enumerated() {
                if i > 0 { s += "  " }
                s += i == cells.count - 1 ? v : v + String(repeating: " ", count: widths[i] - v.count)
            }
            return s
        }
        var out = line(header) + "\n"
        out += line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in clean { out += line(row) + "\n" }
        out += "(\(rows.count) row\(rows.count == 1 ? "" : "s"))\n"
        return out
    }

    static func cell(_ s: String) -> String {
        var v = s.replacingNewlines()
        if v.count > maxCellWidth { v = String(v.prefix(maxCellWidth - 1)) + "…" }
        return v
    }
}

extension String {
    func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" || $0 == "\t" ? " " : $0 })
    }
}
