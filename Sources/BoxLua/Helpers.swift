/// The non-Box globals of the API: csv, json, show and help (log is Lua, in log.lua).
import CSV
import JSON
import LuaHost

extension BoxRuntime {
    /// `show`, the one global of the API that needs nothing else: installed at start-up.
    func installShow(into state: LuaState) throws {
        try state.register("show") { [unowned self] call in try self.show(call) }
    }

    func installHelpers(into state: LuaState) throws {
        try state.register("read", in: "csv") { call in try csvRead(call) }
        try state.register("write", in: "csv") { call in try csvWrite(call) }
        try state.register("encode", in: "json") { call in
            let value = try call.json(1)
            var width = 0
            if let opts = try call.options(2, known: ["indent"]) {
                defer { call.stack.pop() }
                switch call.stack.rawGet(at: opts, key: "indent") {
                case .nil: break
                case .number:
                    guard let n = call.stack.pullInteger(at: -1), (0...16).contains(n) else {
                        throw call.argumentError(2, "'indent' must be a whole number from 0 to 16")
                    }
                    width = Int(n)
                default: throw call.argumentError(2, "'indent' must be a number")
                }
            }
            // Indented output is for people: keys sorted so that two runs compare line by line.
            call.stack.pushString(
                width > 0 ? value.serialized(indentWidth: width, sortedKeys: true) : value.serialized())
            return .results(1)
        }
        try state.register("decode", in: "json") { call in
            var text = try call.string(1)
            do {
                try text.withUTF8 { try call.stack.pushJSON(text: $0) }
            } catch {
                throw LuaMessage("json.decode: \(error)")
            }
            return .results(1)
        }
        try state.register("empty_object", in: "json") { call in
            call.stack.pushEmptyObject()
            return .results(1)
        }
        try state.pushTable(path: "json")
        state.stack.pushNull()
        state.stack.rawSet(at: -2, key: "null")
        state.stack.pop()
        try state.register("_help") { [unowned self] call in
            if call.isNone(1) {
                try self.write(APIReference.overview(), call.stack)
            } else {
                let name = try call.string(1)
                guard let entry = APIReference.entry(named: name) else {
                    throw call.argumentError(1, "no reference entry named '\(name)'; help() lists the API")
                }
                try self.write(APIReference.describe(entry), call.stack)
            }
            return .none
        }
        try state.pushTable(path: "log")
        state.stack.pushBoolean(options.quiet)
        state.stack.rawSet(at: -2, key: "_quiet")
        state.stack.pop()
        try EmbeddedLua.log.run(in: state)
    }

    /// Writes to stdout through Lua's `io.write`, so output keeps its order with print().
    func write(_ text: String, _ stack: LuaStack) throws {
        stack.pushGlobals()
        guard stack.rawGet(at: -1, key: "io") == .table, stack.rawGet(at: -1, key: "write") == .function else {
            stack.pop(3)
            throw LuaMessage("io.write is not available")
        }
        stack.remove(at: -2)
        stack.remove(at: -2)
        stack.pushString(text)
        try stack.protectedCall(arguments: 1, results: 0)
    }
}

func cellText(_ v: LuaValue?) -> String {
    switch v {
    case nil, .nil?, .null?: return ""
    case .boolean(let b)?: return b ? "true" : "false"
    case .integer(let i)?: return String(i)
    case .number(let d)?: return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) + ".0" : String(d)
    case .string(let s)?: return s
    case .bytes(let b)?: return String(decoding: b, as: UTF8.self)
    case .array?, .object?: return luaValueJSON(v!).serialized()
    }
}

func luaValueJSON(_ v: LuaValue) -> JSON {
    switch v {
    case .nil, .null: return .null
    case .boolean(let b): return .bool(b)
    case .integer(let i): return .int(i)
    case .number(let d): return .double(d)
    case .string(let s): return .string(s)
    case .bytes(let b): return .string(String(decoding: b, as: UTF8.self))
    case .array(let a): return .array(a.map(luaValueJSON))
    case .object(let o): return .object(JSONObject(o.keys.sorted().map { ($0, luaValueJSON(o[$0]!)) }))
    }
}

private func separator(_ call: LuaCall, _ n: Int32, options opts: Int32?) throws -> CSV.Separator {
    guard let opts else { return .comma }
    defer { call.stack.pop() }
    switch call.stack.rawGet(at: opts, key: "sep") {
    case .nil: return .comma
    case .string:
        let text = call.stack.pullString(at: -1) ?? ""
        guard let sep = CSV.Separator(text == "\\t" ? "\t" : text) else {
            throw call.argumentError(n, "'sep' must be one character other than a quote or a line end")
        }
        return sep
    default: throw call.argumentError(n, "'sep' must be a string")
    }
}

/// `csv.read(path, {sep=, header=true, columns=})`.
private func csvRead(_ call: LuaCall) throws -> LuaResult {
    let path = try call.string(1)
    let opts = try call.options(2, known: ["sep", "header", "columns"])
    let sep = try separator(call, 2, options: opts)
    let header = try headerMode(call, 2, options: opts)
    let table: CSVTable
    do { table = try CSV.read(path: path, separator: sep, header: header) } catch {
        throw LuaError(kind: .runtime, message: error.description)
    }
    let s = call.stack
    s.newTable(arrayCount: Int32(clamping: table.rows.count), fieldCount: 1)
    for (i, row) in table.rows.enumerated() {
        if table.header.isEmpty {
            // header=false: each row is an array of its fields.
            s.newTable(arrayCount: Int32(clamping: row.count))
            for (k, field) in row.enumerated() {
                s.pushString(field)
                s.rawSet(at: -2, index: Int64(k + 1))
            }
        } else {
            s.newTable(fieldCount: Int32(clamping: table.header.count))
            for (k, name) in table.header.enumerated() {
                s.pushString(row[k])
                s.rawSet(at: -2, key: name)
            }
        }
        s.rawSet(at: -2, index: Int64(i + 1))
    }
    guard !table.header.isEmpty else { return .results(1) }
    s.newTable(arrayCount: Int32(clamping: table.header.count))
    for (k, name) in table.header.enumerated() {
        s.pushString(name)
        s.rawSet(at: -2, index: Int64(k + 1))
    }
    s.rawSet(at: -2, key: "header")
    return .results(1)
}

/// `header=false` (no names: rows are arrays) or `columns={...}` (these names; implies no header line).
private func headerMode(_ call: LuaCall, _ n: Int32, options opts: Int32?) throws -> CSV.Header {
    guard let opts else { return .firstRecord }
    let s = call.stack
    let header: Bool?
    switch s.rawGet(at: opts, key: "header") {
    case .nil: header = nil
    case .boolean: header = s.isTruthy(-1)
    default:
        s.pop()
        throw call.argumentError(n, "'header' must be a boolean")
    }
    s.pop()
    if let names = try columnNames(call, n, options: opts) {
        if header == true {
            throw call.argumentError(
                n, "'columns' names the columns of a file without a header line: drop 'header=true'")
        }
        return .names(names)
    }
    return header == false ? .none : .firstRecord
}

/// The `columns` option: an array of strings, or nil when absent.
private func columnNames(_ call: LuaCall, _ n: Int32, options opts: Int32) throws -> [String]? {
    let s = call.stack
    guard s.rawGet(at: opts, key: "columns") != .nil else {
        s.pop()
        return nil
    }
    defer { s.pop() }
    guard case .array(let cols) = try s.pullValue(at: -1), !cols.isEmpty else {
        throw call.argumentError(n, "'columns' must be an array of names")
    }
    return try cols.map { c throws -> String in
        guard case .string(let name) = c else { throw call.argumentError(n, "'columns' must be an array of names") }
        return name
    }
}

/// `csv.write(path, rows, {columns=, sep=})`; path `-` is stdout.
private func csvWrite(_ call: LuaCall) throws -> LuaResult {
    let path = try call.string(1)
    let rowsIndex = try call.table(2)
    let s = call.stack
    var columns: [String] = []
    let opts = try call.options(3, known: ["columns", "sep"])
    let sep = try separator(call, 3, options: opts)
    if let opts { columns = try columnNames(call, 3, options: opts) ?? [] }
    if columns.isEmpty, s.rawGet(at: rowsIndex, key: "header") == .table, case .array(let h) = try s.pullValue(at: -1) {
        columns = h.compactMap { if case .string(let c) = $0 { return c } else { return nil } }
    }
    s.pop()
    var rows: [[String]] = []
    let count = s.rawLength(at: rowsIndex)
    if count > 0 {
        for i in 1...count {
            _ = s.rawGet(at: rowsIndex, index: i)
            defer { s.pop() }
            let row: LuaValue
            do { row = try s.pullValue(at: -1) } catch { throw call.argumentError(2, "rows[\(i)]: \(error)") }
            guard case .object(let o) = row else {
                if row == .array([]) { rows.append(columns.map { _ in "" }); continue }
                throw call.argumentError(2, "rows[\(i)] is not a table of fields")
            }
            if columns.isEmpty { columns = o.keys.sorted() }
            rows.append(columns.map { cellText(o[$0]) })
        }
    }
    do { try CSV.writeFile(path: path, header: columns, rows: rows, separator: sep) } catch {
        throw LuaError(kind: .runtime, message: error.description)
    }
    return .none
}
