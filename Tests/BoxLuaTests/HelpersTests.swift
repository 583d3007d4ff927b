import Testing
import Foundation
import JSON
import LuaHost
import TestSupport
@testable import BoxLua

let csvFixtures = packageRoot().appendingPathComponent("Tests/CSVTests/Fixtures").path

@Suite struct LuaHelpers {
    let h: BoxHarness
    init() throws { h = try BoxHarness() }

    @Test func csvReadsRealExportsIntoRowsKeyedByHeader() throws {
        let r = try h.run(
            """
            local ps = csv.read('\(csvFixtures)/powershell-type.csv')
            local u16 = csv.read('\(csvFixtures)/utf16le-bom.csv')
            local semi = csv.read('\(csvFixtures)/semicolon.csv', {sep = ';'})
            return {header = ps.header[1], n = #ps, name = u16[2].name, dept = semi[1].dept, sname = semi[1].name}
            """)
        #expect(r["header"]?.string == "SamAccountName")
        #expect((r["n"]?.int ?? 0) >= 1)
        #expect(r["name"]?.string == "Zoë 😀")
        #expect(r["dept"]?.string == "Sales, EMEA" && r["sname"]?.string == "Doe; Jane")
    }

    @Test func malformedCSVNamesFileAndLine() throws {
        let e = h.failure("csv.read('\(csvFixtures)/unterminated-quote.csv')")
        #expect(e?.message.hasPrefix("\(csvFixtures)/unterminated-quote.csv:3: ") == true, "\(e?.message ?? "")")
        let missing = h.failure("csv.read('/nonexistent/ad.csv')")
        #expect(missing?.message.contains("/nonexistent/ad.csv") == true)
        let sep = h.failure("csv.read('x.csv', {sep = ';;'})")
        #expect(
            sep?.message
                == "test:1: bad argument #2 to 'read' ('sep' must be one character other than a quote or a line end)")
    }

    @Test func csvWriteRoundTrips() throws {
        let path = temporaryDirectory().appendingPathComponent("out.csv").path
        let r = try h.run(
            """
            local rows = {{login = 'a@x', note = 'has, comma'}, {login = 'b@x', note = 'say "hi"\\nbye', n = 3}}
            csv.write('\(path)', rows, {columns = {'login', 'note', 'n'}})
            local back = csv.read('\(path)')
            return {h = table.concat(back.header, ','), note = back[2].note, n = back[2].n, empty = back[1].n}
            """)
        #expect(r["h"]?.string == "login,note,n")
        #expect(r["note"]?.string == "say \"hi\"\nbye")
        #expect(r["n"]?.string == "3" && r["empty"]?.string == "")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("login,note,n\r\na@x,\"has, comma\",\r\n"))
    }

    @Test func jsonKeepsIntegersAndNulls() throws {
        let r = try h.run(
            """
            local v = json.decode('{"a":1,"b":2.5,"c":null,"d":[1,null,3],"big":5368709120}')
            local e = json.encode({list = {1, 2}, obj = json.empty_object(), n = json.null})
            local ok, err = pcall(json.decode, '{bad')
            return {a = math.type(v.a), b = math.type(v.b), c = v.c == nil, d2 = v.d[2] == json.null, big = v.big, e = e, err = err}
            """)
        #expect(r["a"]?.string == "integer" && r["b"]?.string == "float")
        #expect(r["c"] == .boolean(true) && r["d2"] == .boolean(true))
        #expect(r["big"]?.int == 5_368_709_120)
        #expect(r["e"]?.string == #"{"list":[1,2],"n":null,"obj":{}}"#)
        #expect(r["err"]?.string?.contains("json.decode: invalid JSON at byte 1") == true, "\(r["err"] ?? .nil)")
    }

    @Test func readmeReferenceMatchesHelp() throws {
        let readme = try String(contentsOf: packageRoot().appendingPathComponent("README.md"), encoding: .utf8)
        let start = "<!-- lua-reference:start (generated from Sources/BoxLua/Reference.swift; a test checks it) -->\n"
        let end = "<!-- lua-reference:end -->"
        guard let a = readme.range(of: start), let b = readme.range(of: end) else {
            Issue.record("README.md has no generated Lua reference section")
            return
        }
        let section = String(readme[a.upperBound..<b.lowerBound])
        if ProcessInfo.processInfo.environment["BOXLUA_REGENERATE_README"] != nil {
            let updated = readme.replacingCharacters(in: a.upperBound..<b.lowerBound, with: APIReference.markdown())
            try updated.write(to: packageRoot().appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
            return
        }
        #expect(
            section == APIReference.markdown(), "run BOXLUA_REGENERATE_README=1 swift test --filter readmeReference")
        // Every function the API installs has an entry, and every entry names a function.
        let names = try h.run(
            """
            local out = {}
            local function walk(prefix, t)
              for k, v in pairs(t) do
                if type(v) == 'function' and not k:match('^_') then out[#out + 1] = prefix .. k
                elseif type(v) == 'table' and prefix == 'box.' then walk(prefix .. k .. '.', v) end
              end
            end
            walk('box.', box) walk('csv.', csv) walk('json.', json) walk('log.', log)
            out[#out + 1] = 'show' out[#out + 1] = 'help'
            table.sort(out)
            return out
            """)
        guard case .array(let installed) = names else { return }
        let documented = Set(APIReference.entries.map(\.name))
        for case .string(let n) in installed where !["log.warn", "log.error"].contains(n) {
            #expect(documented.contains(n), "\(n) has no reference entry")
        }
        for name in documented where name != "box.dry_run" {
            #expect(installed.contains(.string(name)), "\(name) is documented but not installed")
        }
    }
}
