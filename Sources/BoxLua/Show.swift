/// `show(rows, {columns..., format=})`: rows as an aligned table for people, or as CSV or
/// JSON Lines for the next program in a pipeline, always on stdout.
import CLua
import CSV
import JSON
import LuaHost

/// How `show` prints: `table` for a terminal, `csv` and `json` (JSON Lines) for pipelines.
enum ShowFormat: String, CaseIterable {
    case table, csv, json
}

/// The second argument of `show`: column names in its array part (or `columns={...}`), and `format`.
struct ShowOptions {
    var columns: [String] = []
    var format = ShowFormat.table

    static let keys = ["columns", "format"]

    init() {}

    /// Reads argument `n`; an unknown key, a bad column name or format is an argument error.
    init(_ call: LuaCall, _ n: Int32) throws {
        guard let table = try call.optionalTable(n) else { return }
        let s = call.stack
        let count = s.rawLength(at: table)
        try Self.checkKeys(call, n, table: table, arrayCount: count)
        if count > 0 {
            for i in 1...count {
                defer { s.pop() }
                guard s.rawGet(at: table, index: i) == .string, let name = s.pullString(at: -1) else {
                    throw call.argumentError(n, "column names must be strings")
                }
                columns.append(name)
            }
        }
        if s.rawGet(at: table, key: "columns") != .nil {
            defer { s.pop() }
            guard count == 0 else { throw call.argumentError(n, "columns given twice (as the array and as 'columns')") }
            guard case .array(let names)? = try? s.pullValue(at: -1), !names.isEmpty else {
                throw call.argumentError(n, "'columns' must be an array of names")
            }
            columns = try names.map { name throws -> String in
                guard case .string(let text) = name else { throw call.argumentError(n, "column names must be strings") }
                return text
            }
        } else {
            s.pop()
        }
        defer { s.pop() }
        switch s.rawGet(at: table, key: "format") {
        case .nil: break
        case .string:
            let name = s.pullString(at: -1) ?? ""
            guard let format = ShowFormat(rawValue: name) else {
                let known = ShowFormat.allCases.map(\.rawValue).joined(separator: ", ")
                throw call.argumentError(n, "unknown format '\(name)' (known: \(known))")
            }
            self.format = format
        default: throw call.argumentError(n, "'format' must be a string")
        }
    }

    /// Keys 1...arrayCount are column names; the only other keys are `columns` and `format`.
    private static func checkKeys(_ call: LuaCall, _ n: Int32, table: Int32, arrayCount: Int64) throws {
        let s = call.stack
        lua_pushnil(s.L)
        while lua_next(s.L, table) != 0 {
            s.pop()  // the value; the key stays at -1 for lua_next
            if arrayCount > 0, s.isInteger(-1), let i = s.pullInteger(at: -1), (1...arrayCount).contains(i) {
                continue
            }
            let key: String? = s.type(at: -1) == .string ? s.pullString(at: -1) : nil
            guard let key, keys.contains(key) else {
                let shown = key.map { "'\($0)'" } ?? "of type \(s.typeName(at: -1))"
                s.pop()
                throw call.argumentError(n, "unknown option \(shown) (known: \(keys.joined(separator: ", ")))")
            }
        }
    }
}

extension BoxRuntime {
    func show(_ call: LuaCall) throws -> LuaResult {
        let rows = try call.value(1)
        var options = try ShowOptions(call, 2)
        switch (rows, options.format) {
        case (.object(let record), .table):
            // One record on a terminal: a field per line.
            let keys = options.columns.isEmpty ? record.keys.sorted() : options.columns
            try write(
                TextTable.format(columns: ["field", "value"], rows: keys.map { [$0, cellText(record[$0])] }),
                call.stack)
            return .none
        case (.object(let record), _):
            try write(Self.render([record], &options), call.stack)
        case (.array(let items), _):
            let records = try items.enumerated().map { i, item throws -> [String: LuaValue] in
                guard case .object(let record) = item else {
                    if item == .null || item == .array([]) { return [:] }
                    throw call.argumentError(1, "rows[\(i + 1)] is not a table of fields")
                }
                return record
            }
            try write(Self.render(records, &options), call.stack)
        default:
            throw call.typeError(1, expected: "table")
        }
        return .none
    }

    /// The text of `records` in `options.format`; the columns default to the first record's sorted keys.
    static func render(_ records: [[String: LuaValue]], _ options: inout ShowOptions) -> String {
        if options.columns.isEmpty { options.columns = records.first.map { $0.keys.sorted() } ?? [] }
        let columns = options.columns
        switch options.format {
        case .table:
            return TextTable.format(columns: columns, rows: records.map { r in columns.map { cellText(r[$0]) } })
        case .csv:
            // The bytes csv.write("-", rows, {columns=}) writes: RFC 4180, CRLF.
            guard !columns.isEmpty else { return "" }
            return CSV.write(header: columns, rows: records.map { r in columns.map { cellText(r[$0]) } })
        case .json:
            // JSON Lines: one object a row with every column, in column order; an absent value is null.
            return records.map { r in
                JSON.object(JSONObject(columns.map { ($0, r[$0].map(luaValueJSON) ?? .null) })).serialized() + "\n"
            }.joined()
        }
    }
}
