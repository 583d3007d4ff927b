/// Builds a `CSVTable` from records: checks the header, pads short records, refuses long ones.

enum TableReader {
    static func read(_ parser: inout RecordParser, name: String, header mode: CSV.Header) throws(CSVError) -> CSVTable {
        parser.skipTypeLine()
        let header: [String]
        let headerLine: Int
        switch mode {
        case .firstRecord:
            guard let (names, line) = try parser.nextRecord(capacity: 16) else {
                throw CSVError(file: name, line: parser.line, message: "no header line: the file is empty")
            }
            header = names
            headerLine = line
        case .names(let names):
            header = names
            headerLine = 0
        case .none:
            return try readWithoutHeader(&parser)
        }
        try checkHeader(header, line: headerLine, name: name)
        var rows: [[String]] = []
        var lines: [Int] = []
        while let (record, line) = try parser.nextRecord(capacity: header.count) {
            var fields = record
            guard fields.count <= header.count else {
                throw CSVError(
                    file: name, line: line,
                    message:
                        "record has \(fields.count) fields, the header has \(header.count) (an unquoted separator in a value?)"
                )
            }
            while fields.count < header.count { fields.append("") }
            rows.append(fields)
            lines.append(line)
        }
        return CSVTable(header: header, rows: rows, lines: lines, headerLine: headerLine)
    }

    /// Every record is data; rows are padded to the widest record so the table stays rectangular.
    private static func readWithoutHeader(_ parser: inout RecordParser) throws(CSVError) -> CSVTable {
        var rows: [[String]] = []
        var lines: [Int] = []
        var width = 0
        while let (record, line) = try parser.nextRecord(capacity: max(width, 4)) {
            width = max(width, record.count)
            rows.append(record)
            lines.append(line)
        }
        for i in rows.indices where rows[i].count < width {
            rows[i] += repeatElement("", count: width - rows[i].count)
        }
        return CSVTable(header: [], rows: rows, lines: lines, headerLine: 0)
    }

    /// Header names must be non-empty and unique, or keyed rows would lose values.
    private static func checkHeader(_ header: [String], line: Int, name: String) throws(CSVError) {
        var seen: [String: Int] = [:]
        for (index, column) in header.enumerated() {
            if column.isEmpty {
                let hint =
                    line == 0
                    ? " (in 'columns')" : index == header.count - 1 && index > 0 ? " (a trailing separator?)" : ""
                throw CSVError(file: name, line: line, message: "header column \(index + 1) has no name\(hint)")
            }
            if let earlier = seen[column] {
                throw CSVError(
                    file: name, line: line,
                    message: "header name \"\(column)\" appears twice (columns \(earlier + 1) and \(index + 1))")
            }
            seen[column] = index
        }
    }
}
