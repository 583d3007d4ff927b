/// A 10,000-user Active Directory export written byte by byte as PowerShell's Export-Csv does.
import CSV
import Testing

@Suite struct PowerShellExport {
    static let count = 10_000
    static let header = [
        "DistinguishedName", "Enabled", "GivenName", "Surname", "SamAccountName",
        "UserPrincipalName", "mail", "Description", "ObjectGUID",
    ]

    /// User `n`: commas in DNs, quotes and line breaks in descriptions, accents, empty fields.
    static func user(_ n: Int) -> [String] {
        let given = ["Anna", "Jörg", "Zoë", "Li", "O'Brien"][n % 5]
        let surname = ["Åström", "Müller", "Doe, Jr.", "Wang", "Smith"][n % 5]
        let description: String
        switch n % 4 {
        case 0: description = ""
        case 1: description = "Left \(n % 12 + 1)/2024; said \"bye\""
        case 2: description = "Contractor\r\nEnds Q3, see ticket #\(n)"
        default: description = "Plain"
        }
        return [
            "CN=\(surname)\\, \(given) \(n),OU=Staff,DC=corp,DC=example,DC=com",
            n % 7 == 0 ? "False" : "True", given, surname, "user\(n)",
            "user\(n)@corp.example.com", n % 9 == 0 ? "" : "user\(n)@example.com", description,
            "3f2a\(n)-0000-4000-8000-00000000abcd",
        ]
    }

    /// Export-Csv's line: every field quoted, quotes doubled, nothing else escaped.
    static func exportLine(_ fields: [String]) -> String {
        fields.map {
            "\"" + $0.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
        }
        .joined(separator: ",") + "\r\n"
    }

    static func exportText() -> String {
        var text = "#TYPE Microsoft.ActiveDirectory.Management.ADUser\r\n" + exportLine(header)
        for n in 0..<count { text += exportLine(user(n)) }
        return text
    }

    static func encoded(_ text: String, as encoding: String) -> [UInt8] {
        switch encoding {
        case "utf8": return Array(text.utf8)
        case "utf8-bom": return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        case "utf16le": return [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        default: return [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        }
    }

    @Test(arguments: ["utf8", "utf8-bom", "utf16le", "utf16be"])
    func everyRowIsRight(_ encoding: String) throws {
        let table = try CSV.parse(bytes: Self.encoded(Self.exportText(), as: encoding), name: "ad.csv")
        #expect(table.header == Self.header)
        #expect(table.headerLine == 2)
        try #require(table.rows.count == Self.count)
        var line = 3
        for n in 0..<Self.count {
            let expected = Self.user(n)
            if table.rows[n] != expected || table.lines[n] != line {
                Issue.record("row \(n): \(table.rows[n]) at line \(table.lines[n]); expected \(expected) at \(line)")
                return
            }
            line += n % 4 == 2 ? 2 : 1
        }
        #expect(table.record(7)["Surname"] == "Doe, Jr.")
        #expect(table.record(7)["Enabled"] == "False")
        #expect(table.records.filter { $0["Enabled"] == "False" }.count == (Self.count + 6) / 7)
    }

    @Test func writerOutputOfTheExportReadsBackTheSame() throws {
        let table = try CSV.parse(text: Self.exportText(), name: "ad.csv")
        let again = try CSV.parse(text: CSV.write(header: table.header, rows: table.rows), name: "again.csv")
        #expect(again.header == table.header)
        #expect(again.rows == table.rows)
    }
}
