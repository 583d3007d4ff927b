/// Malformed files: each raises one `CSVError` naming the file and the exact physical line.
import CSV
import Testing

/// The error `body` throws, or `nil` (and a test failure) when it throws none or another kind.
func csvError(_ body: () throws -> Void) -> CSVError? {
    do {
        try body()
        Issue.record("expected a CSVError, nothing was thrown")
    } catch let error as CSVError {
        return error
    } catch {
        Issue.record("expected a CSVError, got \(error)")
    }
    return nil
}

@Suite struct MalformedFixtures {
    @Test(arguments: [
        ("unterminated-quote.csv", 3, "a quoted field starting on this line has no closing quote"),
        ("stray-quote.csv", 3, "a quote inside an unquoted field: quote the whole field and double the quote (\"\")"),
        (
            "garbage-after-quote.csv", 3,
            "text after the closing quote of a field: expected the separator (,) or the end of the line"
        ),
        ("too-many-fields.csv", 3, "record has 3 fields, the header has 2 (an unquoted separator in a value?)"),
        ("duplicate-header.csv", 1, "header name \"login\" appears twice (columns 1 and 3)"),
        ("empty-header.csv", 1, "header column 2 has no name"),
        ("trailing-separator-header.csv", 1, "header column 3 has no name (a trailing separator?)"),
        (
            "invalid-utf8.csv", 3,
            "not UTF-8 (byte 0xE9): save the file as UTF-8 (Excel: \"CSV UTF-8\"; PowerShell: -Encoding UTF8)"
        ),
        ("empty.csv", 1, "no header line: the file is empty"),
        (
            "utf16le-no-bom.csv", 1,
            "NUL bytes: UTF-16 without a byte-order mark? Save the file as UTF-8 or as UTF-16 with a BOM"
        ),
    ])
    func namesFileAndLine(_ name: String, _ line: Int, _ message: String) {
        let path = Fixture.path(name)
        let error = csvError { _ = try CSV.read(path: path) }
        #expect(error == CSVError(file: path, line: line, message: message))
        #expect(error?.description == "\(path):\(line): \(message)")
    }
}

@Suite struct MalformedBytes {
    func parse(_ bytes: [UInt8]) -> CSVError? {
        csvError { _ = try CSV.parse(bytes: bytes, name: "in.csv") }
    }

    func parse(_ text: String) -> CSVError? {
        parse(Array(text.utf8))
    }

    @Test func textAfterAQuoteNamesTheLineOfTheClosingQuote() {
        #expect(parse("a,b\r\n1,\"two\r\nlines\"x\r\n")?.line == 3)
        #expect(parse("a,b\n\"x\" ,2\n")?.line == 2)
    }

    @Test func unterminatedQuoteNamesTheLineWhereTheFieldStarted() {
        #expect(
            parse("a,b\n1,2\n3,\"open\nmore\nand more\n")?.description
                == "in.csv:3: a quoted field starting on this line has no closing quote")
        #expect(parse("a,b\n1,\"")?.line == 2)
    }

    @Test func linesCountFromThePowerShellTypeLine() {
        #expect(
            parse("#TYPE X\r\n\"a\",\"b\"\r\n\"1\",\"2\",\"3\"\r\n")?.description
                == "in.csv:3: record has 3 fields, the header has 2 (an unquoted separator in a value?)")
        #expect(parse("#TYPE X\r\n")?.description == "in.csv:2: no header line: the file is empty")
    }

    @Test func blankLinesOnlyIsEmpty() {
        #expect(parse("\r\n\n\r\n")?.message == "no header line: the file is empty")
    }

    @Test func aTrailingSeparatorCanMakeTooManyFields() {
        #expect(
            parse("a,b\n1,2,\n")?.description
                == "in.csv:2: record has 3 fields, the header has 2 (an unquoted separator in a value?)")
    }

    @Test func invalidUTF8NamesItsOwnLine() {
        // Inside a quoted field spanning lines, in a field with doubled quotes, and in the header.
        #expect(parse([UInt8]("a\r\n\"x\r\ny".utf8) + [0xFF] + [UInt8]("\"\r\n".utf8))?.line == 3)
        #expect(parse([UInt8]("a\n\"q\"\"".utf8) + [0xC3, 0x28] + [UInt8]("\"\n".utf8))?.line == 2)
        #expect(parse([UInt8]("na".utf8) + [0x80] + [UInt8]("me\n1\n".utf8))?.line == 1)
        #expect(
            parse([UInt8]("a,b\n1,".utf8) + [0xE2, 0x82] + [UInt8]("\n".utf8))?.message
                == "not UTF-8 (byte 0xE2): save the file as UTF-8 (Excel: \"CSV UTF-8\"; PowerShell: -Encoding UTF8)")
    }

    @Test func badUTF16() {
        let lone: [UInt8] = [0xFF, 0xFE, 0x61, 0, 0x0D, 0, 0x0A, 0, 0x00, 0xD8, 0x62, 0]
        #expect(parse(lone)?.description == "in.csv:2: invalid UTF-16: an unpaired surrogate")
        let odd: [UInt8] = [0xFE, 0xFF, 0, 0x61, 0, 0x0A, 0]
        #expect(parse(odd)?.description == "in.csv:2: UTF-16 file ends in half a character (truncated?)")
    }

    @Test func utf32IsRefused() {
        let bytes: [UInt8] = [0xFF, 0xFE, 0, 0, 0x61, 0, 0, 0]
        #expect(parse(bytes)?.description == "in.csv:1: UTF-32 is not supported: save the file as UTF-8 or UTF-16")
    }

    @Test func unreadableFiles() {
        let missing = csvError { _ = try CSV.read(path: "/nonexistent/users.csv") }
        #expect(missing?.description == "/nonexistent/users.csv: cannot open: No such file or directory")
        #expect(missing?.line == 0)
        let directory = csvError { _ = try CSV.read(path: "/tmp") }
        #expect(directory?.description == "/tmp: cannot read: Is a directory")
    }
}
