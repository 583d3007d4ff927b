/// The non-Box globals of the API: csv, json, show and help (log is Lua, in the prelude).
import CSV
import JSON
import LuaHost

extension BoxRuntime {
    func installHelpers(into state: LuaState) throws {
        try state.register("read", in: "csv") { call in try csvRead(call) }
        try state.register("write", in: "csv") { call in try csvWrite(call) }
        try state.register("encode", in: "json") { call in
            let value = try call.json(1)
            call.stack.pushString(value.serialized())
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
        try state.register("show") { [unowned self] call in try self.show(call) }
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
        try state.run(Prelude.helpersSource, chunkName: Prelude.chunkName)
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

    func show(_ call: LuaCall) throws -> LuaResult {
        let rows = try call.value(1)
        var columns: [String] = []
        if !call.isNone(2) {
            guard case .array(let cols) = try call.value(2) else { throw call.typeError(2, expected: "array of column names") }
            columns = try cols.map { c throws -> String in
                guard case .string(let s) = c else { throw call.argumentError(2, "column names must be strings") }
                return s
            }
        }
        switch rows {
        case .array(let items):
            var records: [[String: LuaValue]] = []
            for (i, item) in items.enumerated() {
                guard case .object(let o) = item else {
                    if item == .null || item == .array([]) { records.append([:]); continue }
                    throw call.argumentError(1, "rows[\(i + 1)] is not a table of fields")
                }
                records.append(o)
            }
            if columns.isEmpty { columns = records.first.map { $0.keys.sorted() } ?? [] }
            let cells = records.map { r in columns.map { cellText(r[$0]) } }
            try write(TextTable.format(columns: columns, rows: cells), call.stack)
        case .object(let o):
            let keys = columns.isEmpty ? o.keys.sorted() : columns
            try write(TextTable.format(columns: ["field", "value"], rows: keys.map { [$0, cellText(o[$0])] }), call.stack)
        default:
            throw call.typeError(1, expected: "table")
        }
        return .none
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

private func separator(_ call: LuaCall, _ n: Int32) throws -> CSV.Separator {
    guard let opts = try call.optionalTable(n) else { return .comma }
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

private func csvRead(_ call: LuaCall) throws -> LuaResult {
    let path = try call.string(1)
    let sep = try separator(call, 2)
    let table: CSVTable
    do { table = try CSV.read(path: path, separator: sep) } catch {
        throw LuaError(kind: .runtime, message: error.description)
    }
    let s = call.stack
    s.newTable(arrayCount: Int32(clamping: table.rows.count), fieldCount: 1)
    for (i, row) in table.rows.enumerated() {
        s.newTable(fieldCount: Int32(clamping: table.header.count))
        for (k, name) in table.header.enumerated() {
            s.pushString(row[k])
            s.rawSet(at: -2, key: name)
        }
        s.rawSet(at: -2, index: Int64(i + 1))
    }
    s.newTable(arrayCount: Int32(clamping: table.header.count))
    for (k, name) in table.header.enumerated() {
        s.pushString(name)
        s.rawSet(at: -2, index: Int64(k + 1))
    }
    s.rawSet(at: -2, key: "header")
    return .results(1)
}

private func csvWrite(_ call: LuaCall) throws -> LuaResult {
    let path = try call.string(1)
    let rowsIndex = try call.table(2)
    let s = call.stack
    var columns: [String] = []
    if let opts = try call.optionalTable(3) {
        if s.rawGet(at: opts, key: "columns") != .nil {
            guard case .array(let cols) = try s.pullValue(at: -1) else {
                s.pop()
                throw call.argumentError(3, "'columns' must be an array of names")
            }
            columns = cols.compactMap { if case .string(let c) = $0 { return c } else { return nil } }
        }
        s.pop()
    }
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
    do { try CSV.writeFile(path: path, header: columns, rows: rows) } catch {
        throw LuaError(kind: .runtime, message: error.description)
    }
    return .none
}
