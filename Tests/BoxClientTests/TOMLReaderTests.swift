/// The config-file reader: the subset it accepts, and errors that name file and line.
import Testing
@testable import BoxClient

struct TOMLReaderTests {
    @Test func readsTablesStringsIntegersBooleans() throws {
        let doc = try TOMLDocument.parse(
            """
            # boxlua profiles
            top = "level"

            [profiles.default]
            client_id = "abc" # trailing comment
            client_secret = 'lit\\eral'
            max_attempts = 1_0
            verbose = true

            [profiles."acme prod"]
            base_url = "https://api.box.com"
            note = "tab\\there \\"quoted\\" \\u00e9 \\\\"
            off = false
            """, file: "c.toml")
        #expect(doc.tables[""]?["top"] == .string("level"))
        #expect(doc.tables["profiles.default"]?["client_id"] == .string("abc"))
        #expect(doc.tables["profiles.default"]?["client_secret"] == .string("lit\\eral"))
        #expect(doc.tables["profiles.default"]?["max_attempts"] == .integer(10))
        #expect(doc.tables["profiles.default"]?["verbose"] == .boolean(true))
        #expect(doc.tables["profiles.acme prod"]?["note"] == .string("tab\there \"quoted\" é \\"))
        #expect(doc.tables["profiles.acme prod"]?["off"] == .boolean(false))
    }

    @Test(arguments: [
        ("[profiles.a]\nkey value", "c.toml:2: expected '=' after key 'key'"),
        ("a = \"open", "c.toml:1: unterminated string"),
        ("\n\na = 1.5", "c.toml:3: unsupported value '1.5' (use a \"quoted string\", an integer or true/false)"),
        ("a = \"x\" junk", "c.toml:1: unexpected text after the value"),
        ("[p]\na = 1\na = 2", "c.toml:3: key 'a' is set twice"),
        ("[p]\n[p]", "c.toml:2: table [p] is defined twice"),
        ("[p\na=1", "c.toml:1: expected ']' to close the table name"),
        ("a = \"\\q\"", "c.toml:1: invalid escape '\\q' in string"),
        ("a.b = 1", "c.toml:1: dotted keys are not supported; use a [table]"),
        ("[[p]]", "c.toml:1: arrays of tables ([[...]]) are not supported"),
    ])
    func errorsNameFileAndLine(_ text: String, _ message: String) {
        #expect(throws: ConfigError(message)) { try TOMLDocument.parse(text, file: "c.toml") }
    }
}

@Suite struct TOMLStringArrays {
    @Test func oneLineArraysOfStrings() throws {
        let doc = try TOMLDocument.parse("[p]\nprotect = [\"a@x.example\", '42' ] # why\nnone = []\n")
        #expect(doc.tables["p"]?["protect"] == .strings(["a@x.example", "42"]))
        #expect(doc.tables["p"]?["protect"]?.text == "a@x.example,42")
        #expect(doc.tables["p"]?["none"] == .strings([]))
        #expect(throws: ConfigError("c.toml:1: expected ',' or ']' in the array")) {
            try TOMLDocument.parse("a = [\"x\" \"y\"]", file: "c.toml")
        }
        #expect(throws: ConfigError("c.toml:1: an array holds \"quoted strings\" on one line, closed by ']'")) {
            try TOMLDocument.parse("a = [1]", file: "c.toml")
        }
    }
}
