/// One fixture per quirk of real directory exports, read through `CSV.read`, exact values.
import CSV
import Testing

@Suite struct Encodings {
    static let header = ["login", "name"]
    static let rows = [["anna@example.com", "Anna Åström"], ["zoe@example.com", "Zoë 😀"]]

    @Test(arguments: ["utf8-bom.csv", "utf8-no-bom.csv", "utf16le-bom.csv", "utf16be-bom.csv"])
    func decodes(_ name: String) throws {
        let table = try Fixture.read(name)
        #expect(table.header == Self.header)
        #expect(table.rows == Self.rows)
        #expect(table.lines == [2, 3])
        #expect(table.headerLine == 1)
    }

    /// Guards against git or an editor rewriting the fixtures: each must start as named.
    @Test func fixturesHoldTheirByteOrderMarks() throws {
        #expect(try Array(Fixture.bytes("utf8-bom.csv").prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(try Array(Fixture.bytes("utf8-no-bom.csv").prefix(5)) == Array("login".utf8))
        #expect(try Array(Fixture.bytes("utf16le-bom.csv").prefix(4)) == [0xFF, 0xFE, 0x6C, 0x00])
        #expect(try Array(Fixture.bytes("utf16be-bom.csv").prefix(4)) == [0xFE, 0xFF, 0x00, 0x6C])
    }

    @Test func headerKeyedRecords() throws {
        let table = try Fixture.read("utf8-bom.csv")
        // A BOM must not leak into the first header name.
        #expect(table.record(0) == ["login": "anna@example.com", "name": "Anna Åström"])
        #expect(table.records.map { $0["login"] } == ["anna@example.com", "zoe@example.com"])
        #expect(table.column("name") == 1)
        #expect(table.column("\u{FEFF}login") == nil)
    }
}

@Suite struct LineEnds {
    @Test(arguments: ["crlf.csv", "lf.csv", "cr.csv"])
    func everyLineEndWorks(_ name: String) throws {
        let table = try Fixture.read(name)
        #expect(table.header == ["a", "b"])
        #expect(table.rows == [["1", "2"], ["3", "4"]])
        #expect(table.lines == [2, 3])
    }

    @Test func fixturesHoldTheirLineEnds() throws {
        #expect(try Fixture.bytes("crlf.csv") == Array("a,b\r\n1,2\r\n3,4\r\n".utf8))
        #expect(try Fixture.bytes("lf.csv") == Array("a,b\n1,2\n3,4\n".utf8))
        #expect(try Fixture.bytes("cr.csv") == Array("a,b\r1,2\r3,4\r".utf8))
    }

    @Test func trailingEmptyLineIsIgnored() throws {
        let table = try Fixture.read("trailing-empty-line.csv")
        #expect(table.rows == [["1", "2"]])
    }

    @Test func lastLineNeedsNoLineEnd() throws {
        let table = try Fixture.read("no-final-line-end.csv")
        #expect(table.rows == [["1", "2"]])
    }

    @Test func blankLinesAreSkippedAndLinesStillCount() throws {
        let table = try Fixture.read("blank-lines.csv")
        #expect(table.rows == [["1", "2"], ["3", "4"]])
        #expect(table.lines == [3, 6])
    }
}

@Suite struct QuotedFields {
    @Test func separatorsInsideQuotes() throws {
        let table = try Fixture.read("quoted-commas.csv")
        #expect(table.rows == [["Doe, Jane", "CN=Doe\\, Jane,OU=Staff,DC=corp"]])
    }

    @Test func doubledQuotesAreOneQuote() throws {
        let table = try Fixture.read("doubled-quotes.csv")
        #expect(table.rows == [["Jane \"JJ\" Doe", "\"quoted\""], ["", "\""]])
    }

    @Test func lineBreaksInsideQuotesAreKeptAsInTheFile() throws {
        let table = try Fixture.read("newlines-in-quotes.csv")
        #expect(table.rows == [["jane", "line one\r\nline two"], ["bob", "a\nb"], ["carl", "plain"]])
        #expect(table.lines == [2, 4, 6])
    }

    /// Old Mac line ends: a lone CR inside quotes is kept and still counts as a line.
    @Test func loneCRInsideQuotes() throws {
        let table = try Fixture.read("cr-in-quotes.csv")
        #expect(table.rows == [["jane", "x\ry"], ["bob", "plain"]])
        #expect(table.lines == [2, 4])
    }
}

@Suite struct ExportQuirks {
    @Test func powerShellTypeLineIsSkipped() throws {
        let table = try Fixture.read("powershell-type.csv")
        #expect(table.headerLine == 2)
        #expect(table.header == ["SamAccountName", "UserPrincipalName", "Enabled", "DisplayName"])
        #expect(
            table.rows == [
                ["jdoe", "jdoe@corp.example.com", "False", "Doe, John"],
                ["asmith", "asmith@corp.example.com", "True", ""],
            ])
        #expect(table.lines == [3, 4])
    }

    @Test func semicolonSeparator() throws {
        let table = try Fixture.read("semicolon.csv", separator: .semicolon)
        #expect(table.header == ["login", "name", "dept"])
        #expect(table.rows == [["jane@example.com", "Doe; Jane", "Sales, EMEA"]])
    }

    @Test func tabSeparator() throws {
        let table = try Fixture.read("tab.csv", separator: .tab)
        #expect(table.header == ["login", "name"])
        #expect(table.rows == [["jane@example.com", "Jane Doe"], ["bob@example.com", "Bob\tTab"]])
    }

    /// The separator is never guessed: a semicolon file read with commas is one column,
    /// and here its quoted field then stands mid-field, so the read fails loudly.
    @Test func separatorIsNotDetected() throws {
        let table = try CSV.parse(text: "login;name\njane;Jane\n", name: "s.csv")
        #expect(table.header == ["login;name"])
        #expect(table.rows == [["jane;Jane"]])
        let error = csvError { _ = try Fixture.read("semicolon.csv") }
        #expect(error?.line == 2)
    }

    @Test func trailingSeparatorIsAnEmptyLastField() throws {
        let table = try Fixture.read("trailing-separator.csv")
        #expect(table.rows == [["1", "2", ""], ["", "", ""]])
    }

    @Test func shortRecordsArePadded() throws {
        let table = try Fixture.read("short-records.csv")
        #expect(table.rows == [["1", "", ""], ["1", "2", ""]])
        #expect(table.record(0) == ["a": "1", "b": "", "c": ""])
    }

    @Test func separatorFromText() {
        #expect(CSV.Separator(";") == .semicolon)
        #expect(CSV.Separator("\t") == .tab)
        #expect(CSV.Separator("|") == .pipe)
        #expect(CSV.Separator("\"") == nil)
        #expect(CSV.Separator("\n") == nil)
        #expect(CSV.Separator(",,") == nil)
        #expect(CSV.Separator("") == nil)
        #expect(CSV.Separator("é") == nil)
        #expect(CSV.Separator.tab.description == "\\t")
    }
}
