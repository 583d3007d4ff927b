/// A parsed CSV file: header, rectangular rows, and the line where each row starts.

/// The header and records of a CSV file.
///
/// Every row has exactly `header.count` fields (short records are padded with empty strings).
/// `lines[i]` is the 1-based physical line of the file where `rows[i]` starts, so later
/// errors about a row ("no such user") can point at the file.
public struct CSVTable: Equatable, Sendable {
    public let header: [String]
    public let rows: [[String]]
    public let lines: [Int]
    /// The physical line of the header (2 after PowerShell's `#TYPE` line); 0 when the file has none.
    public let headerLine: Int

    public init(header: [String], rows: [[String]], lines: [Int], headerLine: Int) {
        precondition(rows.count == lines.count, "one line number per row")
        self.header = header
        self.rows = rows
        self.lines = lines
        self.headerLine = headerLine
    }

    /// The position of the column named `name` (exact match).
    public func column(_ name: String) -> Int? {
        header.firstIndex(of: name)
    }

    /// Row `index` keyed by header name.
    public func record(_ index: Int) -> [String: String] {
        var keyed: [String: String] = [:]
        keyed.reserveCapacity(header.count)
        for (name, value) in zip(header, rows[index]) { keyed[name] = value }
        return keyed
    }

    /// Every row keyed by header name, in file order.
    public var records: [[String: String]] {
        rows.indices.map(record)
    }
}
