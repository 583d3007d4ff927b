/// Reads directory exports (Active Directory, PowerShell, Excel) and writes RFC 4180 CSV.

/// The CSV reader and writer: pure Swift over bytes, no Foundation.
///
/// Choices, made so that a script deleting users never acts on a misread file:
/// - Encodings: UTF-8 with or without a byte-order mark; UTF-16 LE or BE with a byte-order mark
///   (converted). Bytes that are not UTF-8 (such as Windows-1252 from Excel's plain
///   "CSV (Comma delimited)") are an error naming the file and line, never a guessed code page:
///   a wrong guess would silently change names and logins. UTF-32 and BOM-less UTF-16 are errors.
/// - Line ends: CRLF, LF and lone CR, mixed freely. A line break inside a quoted field is kept
///   exactly as in the file (CRLF stays CRLF).
/// - Separator: explicit only, `,` by default; never guessed from the data.
/// - A first line starting with `#TYPE` (PowerShell's `Export-Csv` without
///   `-NoTypeInformation`) is skipped. Empty lines are skipped anywhere, so a trailing empty
///   line is fine; a line holding only separators is a record of empty fields.
/// - The first record is the header, unless the caller says the file has none (`Header.none`,
///   as Box's bulk files) or names the columns itself. Every name must be non-empty and unique
///   (exact, case-sensitive). Names and fields are never trimmed: spaces are data (RFC 4180).
/// - A record with fewer fields than the header is padded with empty strings (Excel drops
///   trailing empty cells; PowerShell never does). A record with more fields is an error.
///   A trailing separator makes an empty last field.
/// - A quote may only open a field; inside a quoted field `""` is one quote; the closing quote
///   must be followed by a separator, a line end or the end of the file.
public enum CSV {
    /// Where the column names come from.
    public enum Header: Equatable, Sendable {
        /// The first record names the columns (the default).
        case firstRecord
        /// No names: every record is data (Box's bulk files: `546781,100001`). Rows are padded
        /// to the widest record; the table's header is empty.
        case none
        /// These names, in order; every record is data and may not have more fields.
        case names([String])
    }

    /// Reads and parses the file at `path`; errors name `path` and the physical line.
    public static func read(
        path: String, separator: Separator = .comma, header: Header = .firstRecord
    ) throws(CSVError) -> CSVTable {
        let bytes = try FileIO.readAll(path: path)
        return try parse(bytes: bytes, name: path, separator: separator, header: header)
    }

    /// Parses a file's raw bytes (any supported encoding); `name` is what errors call the file.
    public static func parse(
        bytes: [UInt8], name: String, separator: Separator = .comma, header: Header = .firstRecord
    ) throws(CSVError) -> CSVTable {
        let utf8 = try TextDecoding.utf8(bytes, name: name)
        let result: Result<CSVTable, CSVError> = utf8.withUnsafeBufferPointer { buffer in
            var parser = RecordParser(buffer, separator: separator, name: name)
            return Result { () throws(CSVError) in try TableReader.read(&parser, name: name, header: header) }
        }
        return try result.get()
    }

    /// Parses text already in memory (a Swift `String` is UTF-8).
    public static func parse(
        text: String, name: String, separator: Separator = .comma, header: Header = .firstRecord
    ) throws(CSVError) -> CSVTable {
        try parse(bytes: Array(text.utf8), name: name, separator: separator, header: header)
    }
}

extension CSV {
    /// The byte between fields: one ASCII character other than a quote, CR or LF.
    public struct Separator: Equatable, Hashable, Sendable, CustomStringConvertible {
        public let byte: UInt8

        public static let comma = Separator(ascii: ",")
        public static let semicolon = Separator(ascii: ";")
        public static let tab = Separator(ascii: "\t")
        public static let pipe = Separator(ascii: "|")

        private init(ascii: Unicode.Scalar) { byte = UInt8(ascii: ascii) }

        /// `nil` unless `text` is exactly one ASCII character other than `"`, CR or LF.
        public init?(_ text: String) {
            guard text.utf8.count == 1, let b = text.utf8.first, b < 0x80,
                b != Byte.quote, b != Byte.cr, b != Byte.lf
            else { return nil }
            byte = b
        }

        public var description: String { byte == Byte.tab ? "\\t" : String(UnicodeScalar(byte)) }
    }
}

/// The ASCII bytes the reader and writer look at (computed, so no lazy-global access in loops).
enum Byte {
    static var quote: UInt8 { 0x22 }
    static var cr: UInt8 { 0x0D }
    static var lf: UInt8 { 0x0A }
    static var tab: UInt8 { 0x09 }
    static var space: UInt8 { 0x20 }
    static var hash: UInt8 { 0x23 }
}
