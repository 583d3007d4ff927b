/// Issue 13, items 8-10: files a user names are written safely, headerless CSV, unknown options.
import Foundation
import Glibc
import JSON
import LuaHost
import TestSupport
import Testing

@testable import BoxLua

@Suite struct FileOptions {
    let h: BoxHarness
    init() throws { h = try BoxHarness() }

    @Test func csvWriteThroughALinkKeepsTheLinkAndTheTargetsMode() throws {
        let dir = temporaryDirectory().path
        let target = "\(dir)/report-target.csv", link = "\(dir)/report.csv"
        FileManager.default.createFile(atPath: target, contents: Data("old\n".utf8))
        chmod(target, 0o640)
        symlink(target, link)
        try h.run("csv.write('\(link)', {{login = 'a@x'}})")
        var st = stat()
        lstat(link, &st)
        #expect(st.st_mode & S_IFMT == S_IFLNK, "the link was replaced by a regular file")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "login\r\na@x\r\n")
        stat(target, &st)
        #expect(st.st_mode & 0o777 == 0o640)
    }

    @Test func csvWriteToAPipeWritesInPlace() throws {
        let fifo = temporaryDirectory().appendingPathComponent("out.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        try h.run("csv.write('\(fifo)', {{a = '1'}})")
        var buf = [UInt8](repeating: 0, count: 64)
        let n = read(reader, &buf, buf.count)
        #expect(String(decoding: buf[0..<max(n, 0)], as: UTF8.self) == "a\r\n1\r\n")
        var st = stat()
        lstat(fifo, &st)
        #expect(st.st_mode & S_IFMT == S_IFIFO)
    }

    @Test func boxBulkFilesWithoutAHeaderKeepTheirFirstRow() throws {
        let path = temporaryDirectory().appendingPathComponent("transfers.csv").path
        try "546781,100001\n546782,100001\n546783\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = try h.run(
            """
            local plain = csv.read('\(path)', {header = false})
            local named = csv.read('\(path)', {columns = {'from', 'to'}})
            return {n = #plain, first = plain[1][1], to = plain[1][2], pad = plain[3][2], noHeader = plain.header == nil,
                    nn = #named, from = named[1].from, nto = named[2].to, h = table.concat(named.header, ',')}
            """)
        #expect(r["n"]?.int == 3 && r["first"]?.string == "546781" && r["to"]?.string == "100001")
        #expect(r["pad"]?.string == "" && r["noHeader"] == .boolean(true))
        #expect(r["nn"]?.int == 3 && r["from"]?.string == "546781" && r["nto"]?.string == "100001")
        #expect(r["h"]?.string == "from,to")
        let tooWide = h.failure("csv.read('\(path)', {columns = {'from'}})")
        #expect(
            tooWide?.message.contains("\(path):1: record has 2 fields, the header has 1") == true,
            "\(tooWide?.message ?? "")")
        let both = h.failure("csv.read('\(path)', {header = true, columns = {'a', 'b'}})")
        #expect(
            both?.message
                == "test:1: bad argument #2 to 'read' ('columns' names the columns of a file without a header line: drop 'header=true')"
        )
    }

    @Test func unknownOptionKeysAreArgumentErrors() throws {
        let read = h.failure("csv.read('x.csv', {heder = false})")
        #expect(
            read?.message == "test:1: bad argument #2 to 'read' (unknown option 'heder' (known: sep, header, columns))")
        let write = h.failure("csv.write('x.csv', {}, {colums = {'a'}})")
        #expect(write?.message == "test:1: bad argument #3 to 'write' (unknown option 'colums' (known: columns, sep))")
        let encode = h.failure("json.encode({}, {indnet = 2})")
        #expect(encode?.message == "test:1: bad argument #2 to 'encode' (unknown option 'indnet' (known: indent))")
        let numeric = h.failure("json.encode({}, {2})")
        #expect(
            numeric?.message == "test:1: bad argument #2 to 'encode' (unknown option of type number (known: indent))")
    }

    @Test func jsonEncodeIndents() throws {
        let r = try h.run("return json.encode({b = {1, 2}, a = 'x'}, {indent = 2})")
        #expect(r.string == "{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    2\n  ]\n}")
        let four = try h.run("return json.encode({a = {}}, {indent = 4})")
        #expect(four.string == "{\n    \"a\": {}\n}" || four.string == "{\n    \"a\": []\n}")
        #expect(try h.run("return json.encode({1, 2})").string == "[1,2]")
    }
}

@Suite struct BoxOptionKeys {
    let h: BoxHarness
    init() throws { h = try BoxHarness(dryRun: true) }

    /// `{forse = true}` once deleted without force, silently: every box function names the bad key.
    @Test func everyBoxFunctionRejectsAnOptionKeyItDoesNotKnow() throws {
        let cases: [(String, String)] = [
            (
                "box.users.delete('42', {forse = true})",
                "bad argument #2 to 'delete' (unknown option 'forse' (known: force, notify))"
            ),
            (
                "box.users.list{filter = 'x'}",
                "bad argument #1 to 'list' (unknown option 'filter' (known: filter_term, user_type, external_app_user_id, fields, page_size))"
            ),
            (
                "box.users.get('42', {feilds = 'x'})",
                "bad argument #2 to 'get' (unknown option 'feilds' (known: fields))"
            ),
            (
                "box.users.transfer_content('42', '43', {notfy = true})",
                "bad argument #3 to 'transfer_content' (unknown option 'notfy' (known: notify))"
            ),
            (
                "box.deprovision('42', {transfer = '7'})",
                "bad argument #2 to 'deprovision' (unknown option 'transfer' (known: transfer_to, delete, downgrade, groups, force, notify))"
            ),
            ("box.last_logins{day = 3}", "bad argument #1 to 'last_logins' (unknown option 'day' (known: days))"),
            (
                "box.events.admin_logs{type = 'LOGIN'}",
                "bad argument #1 to 'admin_logs' (unknown option 'type' (known: event_type, created_after, created_before))"
            ),
            (
                "box.request('GET', '/2.0/users', {params = {}})",
                "bad argument #3 to 'request' (unknown option 'params' (known: query, body, headers))"
            ),
            (
                "box.parallel({}, print, {worker = 2})",
                "bad argument #3 to 'parallel' (unknown option 'worker' (known: workers))"
            ),
            (
                "box.users.terminate_sessions{user_id = {'42'}}",
                "bad argument #1 to 'terminate_sessions' (unknown option 'user_id' (known: user_ids, user_logins))"
            ),
            (
                "box.invites.create{email = 'a@x'}",
                "bad argument #1 to 'create' (unknown option 'email' (known: enterprise_id, login))"
            ),
        ]
        for (code, message) in cases {
            let e = h.failure(code)
            #expect(e?.message == "test:1: \(message)", "\(code): \(e?.message ?? "no error")")
        }
        #expect(h.demo.changes.isEmpty)
    }
}
