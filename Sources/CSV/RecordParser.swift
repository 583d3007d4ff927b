/// The byte-level scanner: records, quoted fields, line breaks and physical line numbers.

/// Splits UTF-8 bytes into records of fields, tracking the physical line.
///
/// Works on bytes, never on `Character`s: only separators, quotes, CR and LF matter, and all
/// are ASCII, so they can never be part of a multi-byte UTF-8 sequence.
struct RecordParser {
    private let b: UnsafeBufferPointer<UInt8>
    private let separator: CSV.Separator
    private let sep: UInt8
    private let name: String
    private var i = 0
    /// The physical line of byte `i`.
    private(set) var line = 1
    /// Holds a quoted field whose doubled quotes must be collapsed.
    private var scratch: [UInt8] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>, separator: CSV.Separator, name: String) {
        b = bytes
        self.separator = separator
        sep = separator.byte
        self.name = name
    }

    /// Skips PowerShell's `#TYPE System.Management.Automation.PSCustomObject` first line.
    mutating func skipTypeLine() {
        guard i == 0, b.starts(with: "#TYPE".utf8) else { return }
        while i < b.count, b[i] != Byte.lf, b[i] != Byte.cr { i += 1 }
        if i < b.count { consumeLineBreak() }
    }

    /// The next record and the line it starts on, skipping empty lines; `nil` at the end.
    mutating func nextRecord(capacity: Int) throws(CSVError) -> (fields: [String], line: Int)? {
        while i < b.count, b[i] == Byte.lf || b[i] == Byte.cr { consumeLineBreak() }
        guard i < b.count else { return nil }
        let start = line
        var fields: [String] = []
        fields.reserveCapacity(capacity)
        while true {
            // At the end of the file after a separator, `unquoted` gives the empty last field.
            fields.append(i < b.count && b[i] == Byte.quote ? try quoted() : try unquoted())
            guard i < b.count else { break }
            if b[i] == sep {
                i += 1
                continue
            }
            consumeLineBreak()
            break
        }
        return (fields, start)
    }

    private mutating func consumeLineBreak() {
        i += b[i] == Byte.cr && i + 1 < b.count && b[i + 1] == Byte.lf ? 2 : 1
        line += 1
    }

    /// A field with no quotes: runs to the next separator or line break.
    private mutating func unquoted() throws(CSVError) -> String {
        let start = i
        var bits: UInt8 = 0
        while i < b.count {
            let c = b[i]
            bits |= c
            if c == sep || c == Byte.lf || c == Byte.cr { break }
            if c == Byte.quote {
                throw fail(line, "a quote inside an unquoted field: quote the whole field and double the quote (\"\")")
            }
            i += 1
        }
        return try text(UnsafeBufferPointer(rebasing: b[start..<i]), field: start..<i, ascii: bits < 0x80)
    }

    /// A field opened by a quote: `""` is one quote; line breaks are kept as in the file.
    private mutating func quoted() throws(CSVError) -> String {
        let startLine = line
        i += 1
        let first = i
        var segment = i
        var collapsed = false
        var bits: UInt8 = 0
        while i < b.count {
            switch b[i] {
            case Byte.quote where i + 1 < b.count && b[i + 1] == Byte.quote:
                if !collapsed { scratch.removeAll(keepingCapacity: true) }
                collapsed = true
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[segment...i]))
                i += 2
                segment = i
            case Byte.quote:
                return try closeQuoted(first: first, segment: segment, collapsed: collapsed, ascii: bits < 0x80)
            case Byte.lf:
                line += 1
                i += 1
            case Byte.cr:
                if i + 1 >= b.count || b[i + 1] != Byte.lf { line += 1 }
                i += 1
            default:
                bits |= b[i]
                i += 1
            }
        }
        throw fail(startLine, "a quoted field starting on this line has no closing quote")
    }

    /// Checks what follows the closing quote at `i` and returns the field's text.
    private mutating func closeQuoted(
        first: Int, segment: Int, collapsed: Bool, ascii: Bool
    ) throws(CSVError) -> String {
        let end = i
        i += 1
        if i < b.count, b[i] != sep, b[i] != Byte.lf, b[i] != Byte.cr {
            throw fail(
                line,
                "text after the closing quote of a field: expected the separator (\(separator)) or the end of the line")
        }
        guard collapsed else {
            return try text(UnsafeBufferPointer(rebasing: b[segment..<end]), field: first..<end, ascii: ascii)
        }
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[segment..<end]))
        let bytes = scratch
        return try bytes.withUnsafeBufferPointer { buffer throws(CSVError) in
            try text(buffer, field: first..<end, ascii: ascii)
        }
    }

    /// Validates and decodes UTF-8; `field` is where the bytes sit in the file, for the error.
    ///
    /// `ascii` (every byte below 0x80, seen while scanning) skips validation: most fields are ASCII.
    private func text(
        _ bytes: UnsafeBufferPointer<UInt8>, field: Range<Int>, ascii: Bool
    ) throws(CSVError) -> String {
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        throw invalidUTF8(in: field)
    }

    private func invalidUTF8(in field: Range<Int>) -> CSVError {
        var offset = field.lowerBound
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = UnsafeBufferPointer(rebasing: b[field]).makeIterator()
        while case .valid(let scalar) = parser.parseScalar(from: &bytes) { offset += scalar.count }
        let byte = offset < b.count ? b[offset] : 0
        let hex = String(byte, radix: 16, uppercase: true)
        return fail(
            lineNumber(of: offset, in: b),
            "not UTF-8 (byte 0x\(hex)): save the file as UTF-8 (Excel: \"CSV UTF-8\"; PowerShell: -Encoding UTF8)")
    }

    private func fail(_ line: Int, _ message: String) -> CSVError {
        CSVError(file: name, line: line, message: message)
    }
}
