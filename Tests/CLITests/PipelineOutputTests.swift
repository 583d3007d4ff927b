/// Output for pipelines (issue 17, part 5): csv.write("-") and show's csv and json formats
/// put only the table on stdout, so `boxlua -e '...' > users.csv` feeds another tool.
import Foundation
import JSON
import TestSupport
import Testing

@Suite struct PipelineOutput {
    /// The demo enterprise, read with the sandbox in the process (its "listening" line must not reach stdout).
    private func sandboxRun(_ chunk: String) throws -> ProcessResult {
        try boxlua(
            ["--sandbox", "-e", chunk], environment: ["BOX_ACCESS_TOKEN": nil, "HOME": temporaryDirectory().path])
    }

    @Test func csvWriteDashPutsTheUsersOnStdout() throws {
        let r = try sandboxRun("csv.write('-', box.users.all{fields = 'status'})")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.components(separatedBy: "\r\n")
        #expect(lines.first == "id,login,name,status,type")
        #expect(lines.last == "")
        #expect(lines.count == 309 + 2, "\(lines.count)")
        #expect(lines[1] == "30000000001,alex.morgan@northwind.example,Alex Morgan,active,user")
    }

    @Test func showAsCSVIsWhatCSVWriteWrites() throws {
        let shown = try sandboxRun("show(box.users.all{fields = 'status'}, {format = 'csv'})")
        let written = try sandboxRun("csv.write('-', box.users.all{fields = 'status'})")
        #expect(shown.status == 0 && written.status == 0, "\(shown.stderr)\(written.stderr)")
        #expect(shown.stdout == written.stdout)
        #expect(shown.stdout.hasPrefix("id,login,name,status,type\r\n30000000001,"))
    }

    @Test func showAsCSVToAFileFeedsAnotherTool() throws {
        let dir = temporaryDirectory()
        let r = try run(
            "/bin/sh",
            [
                "-c", "\"$0\" --sandbox -e 'show(box.users.all{fields=\"status\"}, {format=\"csv\"})' > users.csv",
                boxluaBinary(),
            ], environment: ["BOX_ACCESS_TOKEN": nil, "HOME": dir.path], directory: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let back = try boxlua(
            ["-e", "local rows = csv.read('users.csv') print(#rows, rows.header[4], rows[1].login)"],
            directory: dir.path)
        #expect(back.stdout == "309\tstatus\talex.morgan@northwind.example\n", "\(back.stderr)")
    }

    @Test func showKeepsItsColumnsInEveryFormat() throws {
        let rows = "{{id = '1', login = 'a@x', n = 3}, {id = '22', login = 'b,c@x', ok = true}}"
        let csv = try boxlua(["-e", "show(\(rows), {'login', 'id', format = 'csv'})"])
        #expect(csv.stdout == "login,id\r\na@x,1\r\n\"b,c@x\",22\r\n", "\(csv.stderr)")
        let named = try boxlua(["-e", "show(\(rows), {columns = {'id', 'ok'}, format = 'csv'})"])
        #expect(named.stdout == "id,ok\r\n1,\r\n22,true\r\n", "\(named.stderr)")
        let json = try boxlua(["-e", "show(\(rows), {'login', 'n', 'ok', format = 'json'})"])
        #expect(
            json.stdout == #"{"login":"a@x","n":3,"ok":null}"# + "\n" + #"{"login":"b,c@x","n":null,"ok":true}"# + "\n",
            "\(json.stderr)")
        let table = try boxlua(["-e", "show(\(rows), {'id', format = 'table'})"])
        #expect(table.stdout == "id\n--\n1\n22\n(2 rows)\n", "\(table.stderr)")
    }

    @Test func showAsJSONLinesKeepsTypesAndNesting() throws {
        let r = try sandboxRun("show(box.users.all{fields = {'status', 'role', 'enterprise'}}, {format = 'json'})")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 309 + 1 && lines.last == "")
        let first = try JSON.parse(String(lines[0]))
        #expect(first.objectValue?.keys == ["enterprise", "id", "login", "name", "role", "status", "type"])
        #expect(first["login"] == "alex.morgan@northwind.example")
        #expect(first["enterprise"]?["id"] != nil, "\(lines[0])")
        // One record (not an array) is one row.
        let one = try boxlua(["-e", "show({login = 'a@x', n = 1.5}, {format = 'json'})"])
        #expect(one.stdout == #"{"login":"a@x","n":1.5}"# + "\n", "\(one.stderr)")
        let empty = try boxlua(["-e", "show({}, {format = 'json'}) show({}, {format = 'csv'}) io.write('end')"])
        #expect(empty.stdout == "end", "\(empty.stderr)")
    }

    @Test func badShowOptionsAreArgumentErrors() throws {
        let cases: [(String, String)] = [
            ("{format = 'xml'}", "unknown format 'xml' (known: table, csv, json)"),
            ("{format = 1}", "'format' must be a string"),
            ("{fromat = 'csv'}", "unknown option 'fromat' (known: columns, format)"),
            ("{'id', columns = {'id'}}", "columns given twice (as the array and as 'columns')"),
            ("{columns = 'id'}", "'columns' must be an array of names"),
            ("{'id', 2}", "column names must be strings"),
        ]
        for (options, detail) in cases {
            let r = try boxlua(["-e", "show({{id = '1'}}, \(options))"])
            #expect(r.status == 1)
            #expect(r.stdout == "")
            #expect(r.stderr == "boxlua: (command line):1: bad argument #2 to 'show' (\(detail))\n", "\(options)")
        }
    }
}
