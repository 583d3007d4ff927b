/// The RFC 4180 writer: exact output, round trips of awkward values, atomic file writes.
import CSV
import Testing

@Suite struct Writing {
    @Test func quotesOnlyWhatMustBeQuoted() {
        let text = CSV.write(
            header: ["login", "note"],
            rows: [
                ["plain", "a,b"],
                ["say \"hi\"", "two\nlines"],
                [" lead", "trail "],
                ["cr\r", ""],
                ["#TYPE not a type line", "é"],
            ])
        #expect(
            text == """
                login,note\r
                plain,"a,b"\r
                "say ""hi""\","two
                lines"\r
                " lead","trail "\r
                "cr\r",\r
                "#TYPE not a type line",é\r

                """)
    }

    @Test func separatorDecidesWhatIsQuoted() {
        #expect(
            CSV.write(header: ["a", "b"], rows: [["x,y", "p;q"]], separator: .semicolon)
                == "a;b\r\nx,y;\"p;q\"\r\n")
        #expect(
            CSV.write(header: ["a", "b"], rows: [["x y", "p\tq"]], separator: .tab)
                == "a\tb\r\nx y\t\"p\tq\"\r\n")
    }

    @Test func aLoneEmptyFieldIsQuotedSoItIsNotABlankLine() throws {
        let text = CSV.write(header: ["login"], rows: [[""], ["x"]])
        #expect(text == "login\r\n\"\"\r\nx\r\n")
        #expect(try CSV.parse(text: text, name: "t").rows == [[""], ["x"]])
    }

    @Test func emptyHeaderWritesNoHeaderLine() {
        #expect(CSV.write(header: [], rows: [["a", "b"]]) == "a,b\r\n")
    }

    static let awkward: [String] = [
        "", " ", "\"", "\"\"", ",", "a,b", "line\nbreak", "crlf\r\nbreak", "lone\rcr", " leading",
        "trailing ", "\ttab", "#hash", "Zoë Åström", "日本語", "😀 emoji", "=SUM(A1)", "O'Brien", ";", "|",
    ]

    @Test(arguments: [CSV.Separator.comma, .semicolon, .tab, .pipe])
    func roundTripsAwkwardValues(_ separator: CSV.Separator) throws {
        let header = ["value", "other", "last"]
        let rows = Self.awkward.map { [$0, "x\($0)", $0] } + [Self.awkward.prefix(3).map { $0 }]
        let text = CSV.write(header: header, rows: rows, separator: separator)
        let table = try CSV.parse(text: text, name: "round.csv", separator: separator)
        #expect(table.header == header)
        #expect(table.rows == rows)
    }

    @Test func roundTripsOneColumnOfAwkwardValues() throws {
        let rows = Self.awkward.map { [$0] }
        let table = try CSV.parse(text: CSV.write(header: ["only"], rows: rows), name: "one.csv")
        #expect(table.rows == rows)
    }

    @Test func writeFileReplacesAtomicallyAndReadsBack() throws {
        let directory = try Fixture.temporaryDirectory()
        let path = "\(directory)/report.csv"
        try CSV.writeFile(path: path, header: ["login"], rows: [["old"]])
        try CSV.writeFile(path: path, header: ["login", "name"], rows: [["a@x", "Zoë, \"Z\""]], byteOrderMark: true)
        let bytes = try Fixture.bytes(atPath: path)
        #expect(bytes == [0xEF, 0xBB, 0xBF] + Array("login,name\r\na@x,\"Zoë, \"\"Z\"\"\"\r\n".utf8))
        let table = try CSV.read(path: path)
        #expect(table.rows == [["a@x", "Zoë, \"Z\""]])
        #expect(try Fixture.list(directory) == ["report.csv"])
    }

    @Test func writeFileIntoAMissingDirectoryFails() {
        let error = csvError { try CSV.writeFile(path: "/nonexistent/dir/r.csv", header: ["a"], rows: []) }
        #expect(error?.description == "/nonexistent/dir/r.csv: cannot write: No such file or directory")
    }
}
