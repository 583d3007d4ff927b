/// Turns a file's bytes into UTF-8: drops a UTF-8 byte-order mark, converts UTF-16 with one.

enum TextDecoding {
    /// The file as UTF-8 bytes (without BOM); throws for encodings the reader refuses.
    static func utf8(_ bytes: [UInt8], name: String) throws(CSVError) -> ArraySlice<UInt8> {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return bytes[3...] }
        if bytes.starts(with: [0xFF, 0xFE, 0, 0]) || bytes.starts(with: [0, 0, 0xFE, 0xFF]) {
            throw CSVError(file: name, line: 1, message: "UTF-32 is not supported: save the file as UTF-8 or UTF-16")
        }
        if bytes.starts(with: [0xFF, 0xFE]) { return try fromUTF16(bytes, bigEndian: false, name: name) }
        if bytes.starts(with: [0xFE, 0xFF]) { return try fromUTF16(bytes, bigEndian: true, name: name) }
        if bytes.count >= 2, bytes[0] == 0 || bytes[1] == 0 {
            throw CSVError(
                file: name, line: 1,
                message: "NUL bytes: UTF-16 without a byte-order mark? Save the file as UTF-8 or as UTF-16 with a BOM")
        }
        return bytes[...]
    }

    /// Converts UTF-16 (after its 2-byte BOM) to UTF-8, counting lines for the error.
    private static func fromUTF16(
        _ bytes: [UInt8], bigEndian: Bool, name: String
    ) throws(CSVError) -> ArraySlice<UInt8> {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 2 + 16)
        var units = UTF16Units(bytes: bytes, bigEndian: bigEndian)
        var decoder = UTF16()
        var line = 1
        var afterCR = false
        while true {
            switch decoder.decode(&units) {
            case .scalarValue(let scalar):
                if scalar == "\r" || (scalar == "\n" && !afterCR) { line += 1 }
                afterCR = scalar == "\r"
                UTF8.encode(scalar) { out.append($0) }
            case .emptyInput:
                guard bytes.count % 2 == 0 else {
                    throw CSVError(file: name, line: line, message: "UTF-16 file ends in half a character (truncated?)")
                }
                return out[...]
            case .error:
                throw CSVError(file: name, line: line, message: "invalid UTF-16: an unpaired surrogate")
            }
        }
    }
}

/// The 16-bit code units of a UTF-16 byte array, after its byte-order mark.
private struct UTF16Units: IteratorProtocol {
    let bytes: [UInt8]
    let bigEndian: Bool
    var i = 2

    mutating func next() -> UInt16? {
        guard i + 1 < bytes.count else { return nil }
        let (a, b) = (UInt16(bytes[i]), UInt16(bytes[i + 1]))
        i += 2
        return bigEndian ? a << 8 | b : b << 8 | a
    }
}

/// The 1-based physical line holding byte `offset` (CRLF, LF and lone CR each end a line).
func lineNumber(of offset: Int, in b: UnsafeBufferPointer<UInt8>) -> Int {
    var line = 1
    var i = 0
    while i < offset {
        if b[i] == Byte.lf || (b[i] == Byte.cr && (i + 1 >= b.count || b[i + 1] != Byte.lf)) { line += 1 }
        i += 1
    }
    return line
}
