/// Writes RFC 4180 CSV: CRLF line ends, fields quoted only when they must be, quotes doubled.

extension CSV {
    /// The CSV text of `header` then `rows`, each line ended by CRLF.
    ///
    /// A field is quoted when it holds the separator, a quote, CR or LF, starts or ends with a
    /// space or tab, starts with `#` (so it cannot pass for PowerShell's `#TYPE` line), or is the
    /// only field of its line and empty (so the line is not read back as blank and skipped).
    /// An empty `header` writes no header line. Rows are written as given, not padded.
    public static func write(header: [String], rows: [[String]], separator: Separator = .comma) -> String {
        String(decoding: encode(header: header, rows: rows, separator: separator), as: UTF8.self)
    }

    /// Writes the CSV of `header` and `rows` to `path` (see `FileIO.write`: atomic for a regular file).
    ///
    /// `byteOrderMark` prefixes a UTF-8 BOM, which Excel needs to read non-ASCII names right.
    public static func writeFile(
        path: String, header: [String], rows: [[String]], separator: Separator = .comma,
        byteOrderMark: Bool = false
    ) throws(CSVError) {
        var bytes: [UInt8] = byteOrderMark ? [0xEF, 0xBB, 0xBF] : []
        bytes += encode(header: header, rows: rows, separator: separator)
        try FileIO.write(bytes, to: path)
    }

    static func encode(header: [String], rows: [[String]], separator: Separator) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 * (rows.count + 1))
        if !header.isEmpty { appendLine(header, to: &out, separator: separator.byte) }
        for row in rows { appendLine(row, to: &out, separator: separator.byte) }
        return out
    }

    private static func appendLine(_ fields: [String], to out: inout [UInt8], separator: UInt8) {
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(separator) }
            let alone = fields.count == 1
            if needsQuotes(field.utf8, separator: separator, alone: alone) {
                out.append(Byte.quote)
                for byte in field.utf8 {
                    if byte == Byte.quote { out.append(Byte.quote) }
                    out.append(byte)
                }
                out.append(Byte.quote)
            } else {
                out.append(contentsOf: field.utf8)
            }
        }
        out.append(Byte.cr)
        out.append(Byte.lf)
    }

    private static func needsQuotes(_ field: String.UTF8View, separator: UInt8, alone: Bool) -> Bool {
        guard let first = field.first, let last = field.last else { return alone }
        if first == Byte.space || first == Byte.tab || first == Byte.hash { return true }
        if last == Byte.space || last == Byte.tab { return true }
        return field.contains { $0 == separator || $0 == Byte.quote || $0 == Byte.cr || $0 == Byte.lf }
    }
}
