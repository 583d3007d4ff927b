/// The table of Box operations as Lua data (`box._operations`): box.lua makes one function
/// per row from it, with the row's argument checks, so that every check raises Lua's own
/// argument error at the script's line and every call can yield inside `box.parallel`.
import BoxClient
import JSON

enum OperationRows {
    /// Every row of `BoxOperations.all`, in order.
    static let json: JSON = .array(BoxOperations.all.map(row))

    static func row(_ op: BoxOperation) -> JSON {
        var o = JSONObject([
            ("name", .string(op.name)), ("returns", .string(op.returns.rawValue)), ("paged", .bool(op.paging != nil)),
            ("args", .array(op.arguments.map(argument))), ("options", .array(op.options.map(option))),
        ])
        for rule in op.rules {
            switch rule {
            case .differentIDs(let message): o["different_ids"] = .string(message)
            case .atLeastOne(let keys): o["at_least_one"] = .array(keys.map { .string($0) })
            }
        }
        return .object(o)
    }

    static func argument(_ a: BoxOperation.Argument) -> JSON {
        switch a {
        case .id(let kind, let place):
            var o = JSONObject([("kind", "id"), ("of", .string(kind.rawValue))])
            place.put(into: &o)
            return .object(o)
        case .body(let required):
            let keys = required.map { k -> JSON in
                var o = JSONObject([("key", .string(k.key))])
                if let unless = k.unless { o["unless"] = .string(unless) }
                return .object(o)
            }
            return .object(JSONObject([("kind", "body"), ("required", .array(keys))]))
        case .options(let required):
            return .object(JSONObject([("kind", "options"), ("required", .bool(required))]))
        case .text(let place):
            var o = JSONObject([("kind", "string")])
            place.put(into: &o)
            return .object(o)
        }
    }

    static func option(_ opt: BoxOperation.Option) -> JSON {
        var o = JSONObject([
            ("key", .string(opt.key)), ("kind", .string(opt.kind.rawValue)), ("required", .bool(opt.required)),
        ])
        opt.to.put(into: &o)
        if let absent = opt.absent { o["absent"] = absent }
        if let max = opt.max { o["max"] = .int(Int64(max)) }
        return .object(o)
    }
}

extension BoxOperation.Place {
    /// `param = "user_id"`, `query = "limit"` or `body = {"owned_by", "id"}`.
    fileprivate func put(into o: inout JSONObject) {
        switch self {
        case .path(let name): o["param"] = .string(name)
        case .query(let name): o["query"] = .string(name)
        case .body(let keys): o["body"] = .array(keys.map { .string($0) })
        }
    }
}
