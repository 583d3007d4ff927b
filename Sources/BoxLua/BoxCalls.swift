/// The Swift primitives under the Lua API: `box._operations` (the table of Box operations as
/// data, from which box.lua makes the functions), `box._call`, `box._pages`, `box._request`.
///
/// Each call starts its request through the client; inside a `box.parallel` worker the calling
/// coroutine yields until the reply is in, elsewhere the engine runs until it is.
import BoxClient
import CLua
import JSON
import LuaHost

/// What a yielded call waits for.
enum CallOutcome {
    case response(BoxResponse)
    case page(BoxPage?)
    /// A page of which only some fields of each entry are wanted (`_pages`' `fields`).
    case columns(BoxPage?, paths: [[String]])
}

extension BoxRuntime {
    func installBoxPrimitives(into state: LuaState) throws {
        try state.register("_call", in: "box") { [unowned self] call in try self.boxCall(call) }
        try state.register("_request", in: "box") { [unowned self] call in try self.rawRequest(call) }
        try state.register("_pages", in: "box") { [unowned self] call in try self.pages(call) }
        try state.register("_clean_path", in: "box") { call in try Self.cleanPath(call) }
        try state.register("parallel", in: "box") { [unowned self] call in try self.parallel(call) }
        try state.pushTable(path: "box")
        try state.stack.pushJSON(OperationRows.json)
        state.stack.rawSet(at: -2, key: "_operations")
        state.stack.pushBoolean(options.isDryRun)
        state.stack.rawSet(at: -2, key: "dry_run")
        state.stack.pop()
        installErrorMetatable(state.stack)
    }

    /// `_call(name, parameters, query, body, as_user, notes)`: the decoded reply of the
    /// operation `name`, its path filled from `parameters`; `notes` are the {id, login} of
    /// records the script passed (for readable dry-run lines and audit subjects).
    func boxCall(_ call: LuaCall) throws -> LuaResult {
        if call.stage > 0 { return try resumeCall(call) }
        let operation = try self.operation(call, 1)
        var request = operation.request(
            try parameters(call, 2), query: try queryPairs(call, 3), body: try body(call, 4))
        request.asUser = try call.optionalString(5)
        let (client, control) = try client()
        if let notes = try call.optionalTable(6) {
            for record in try notesList(call, notes) { control.note(record: record) }
        }
        return try perform(call) { done in client.start(request) { done($0.map(CallOutcome.response)) } }
    }

    /// `_request(method, path, query, body, headers, as_user)` for `box.request`.
    func rawRequest(_ call: LuaCall) throws -> LuaResult {
        if call.stage > 0 { return try resumeCall(call) }
        let method = try call.string(1)
        // box.lua passes the path `_clean_path` gave: what the guards classify is sent.
        let path = try call.string(2)
        var request = BoxRequest(method, path, query: try queryPairs(call, 3), body: try body(call, 4))
        if let headers = try call.optionalTable(5) {
            guard case .object(let fields) = try call.json(headers) else {
                throw call.argumentError(3, "'headers' must map names to strings")
            }
            for (k, v) in fields {
                guard let text = v.stringValue else { throw call.argumentError(3, "header '\(k)' must be a string") }
                if ["authorization", "as-user"].contains(k.lowercased()) {
                    throw call.argumentError(3, "header '\(k)' is set by boxlua (use box.as_user for As-User)")
                }
                request.headers.append((k, text))
            }
        }
        request.asUser = try call.optionalString(6)
        let (client, _) = try client()
        return try perform(call) { done in client.start(request) { done($0.map(CallOutcome.response)) } }
    }

    /// `_clean_path(path)`: the path in its one clean form (`/2.0/users/./42` is
    /// `/2.0/users/42`), or nil and why it has none, for `box.request`'s argument check.
    static func cleanPath(_ call: LuaCall) throws -> LuaResult {
        do {
            call.stack.pushString(try BoxOperation.normalizedPath(try call.string(1)))
            return .results(1)
        } catch let e as BoxOperation.PathError {
            call.stack.pushNil()
            call.stack.pushString("path \(e)")
            return .results(2)
        }
    }

    /// `_pages(name, parameters, query, as_user, fields)`: a function returning the next page's
    /// entries of the listing `name`, or nil. With `fields` (an array of dotted paths such as
    /// "created_by.id"), a page is instead `{n = entries, [k] = column}`: column k holds field
    /// k of each entry (a string, numbers as their text, false when absent), and no entry is
    /// built as a table: what box.last_logins reads of millions of events.
    func pages(_ call: LuaCall) throws -> LuaResult {
        let operation = try self.operation(call, 1)
        guard let paging = operation.paging else { throw call.argumentError(1, "'\(operation.name)' is not a listing") }
        var query = try queryPairs(call, 3)
        let limit = query.last { $0.0 == "limit" }.flatMap { Int($0.1) }
        query.removeAll { $0.0 == "limit" }
        let request = operation.request(try parameters(call, 2), query: query, asUser: try call.optionalString(4))
        var columns: [[String]]?
        if let fields = try call.optionalTable(5) {
            guard case .array(let names) = try call.json(fields), !names.isEmpty, names.count <= 64 else {
                throw call.argumentError(5, "fields must be an array of 1 to 64 dotted paths")
            }
            columns = try names.map { name in
                guard let text = name.stringValue, !text.isEmpty else {
                    throw call.argumentError(5, "fields must be strings")
                }
                return text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            }
        }
        let (client, _) = try client()
        let mode: BoxPager.Mode
        switch paging {
        case .marker(let maxLimit): mode = .marker(limit: limit ?? maxLimit)
        case .offset(let pageLimit): mode = .offset(limit: limit ?? pageLimit)
        case .stream(let pageLimit): mode = .stream(position: "0", limit: limit ?? pageLimit)
        }
        // An event window is read as slices in parallel; other listings one page ahead.
        let pager: PageSource
        if case .stream = paging, let sliced = SlicedEventPager.forWindow(client: client, request: request) {
            pager = sliced
        } else {
            let single = BoxPager(client: client, request: request, mode: mode)
            single.prefetch = true
            pager = single
        }
        call.stack.pushFunction(named: "next_page") { [unowned self] next in
            if next.stage > 0 { return try self.resumeCall(next) }
            return try self.perform(next) { done in
                pager.next { result in
                    done(result.map { page in columns.map { .columns(page, paths: $0) } ?? .page(page) })
                }
            }
        }
        // Called when the loop over the listing ends (box.lua closes it): its progress ends.
        call.stack.pushFunction(named: "end_listing") { [unowned self] _ in
            self.listingProgress?.ended(pager)
            return .none
        }
        return .results(2)
    }

    // MARK: waiting

    /// Starts an operation and returns its result: by yielding when the caller is a
    /// `box.parallel` worker, else by driving the engine until it completes.
    func perform(_ call: LuaCall, _ start: (@escaping (Result<CallOutcome, BoxError>) -> Void) -> Void) throws
        -> LuaResult
    {
        if call.isYieldable, let worker = scheduler.worker(for: call.stack.L) {
            worker.waiting = true
            start { result in worker.deliver(result) }
            if worker.outcome == nil {
                call.stack.top = 0
                return .yield(0)
            }
            worker.waiting = false
            return try push(call, worker.take())
        }
        var result: Result<CallOutcome, BoxError>?
        start { result = $0 }
        let (client, _) = try client()
        client.engine.run { result != nil }
        guard let result else { throw LuaInterruption() }
        return try push(call, result)
    }

    func resumeCall(_ call: LuaCall) throws -> LuaResult {
        guard let worker = scheduler.worker(for: call.stack.L), worker.outcome != nil else {
            throw LuaMessage("box call resumed without a reply (was coroutine.resume used on a box.parallel worker?)")
        }
        worker.waiting = false
        return try push(call, worker.take())
    }

    private func push(_ call: LuaCall, _ result: Result<CallOutcome, BoxError>) throws -> LuaResult {
        switch result {
        case .failure(let error):
            throw BoxErrorValue(error: error, position: scriptPosition(call.stack.L))
        case .success(.response(let response)):
            guard !response.body.isEmpty else {
                call.stack.pushBoolean(true)
                return .results(1)
            }
            try pushBody(response, call)
            noteUsers(call.stack, at: -1)
            if call.stack.rawGet(at: -1, key: "entries") == .table { noteUsers(call.stack, at: -1) }
            call.stack.pop()
            noteGroupRecords(call, at: -1, response)
            return .results(1)
        case .success(.page(nil)), .success(.columns(nil, _)):
            call.stack.pushNil()
            return .results(1)
        case .success(.columns(let page?, let paths)):
            try pushColumns(page.response, paths: paths, call)
            return .results(1)
        case .success(.page(let page?)):
            try pushBody(page.response, call)
            if call.stack.rawGet(at: -1, key: "entries") != .table {
                call.stack.pop()
                call.stack.newTable()
            }
            call.stack.remove(at: -2)
            noteUsers(call.stack, at: -1)
            noteGroupRecords(call, at: -1, page.response)
            return .results(1)
        }
    }

    /// Pushes `{n = entries, [k] = column k}` for the fields at `paths` of each entry.
    private func pushColumns(_ response: BoxResponse, paths: [[String]], _ call: LuaCall) throws {
        let stack = call.stack
        do {
            try response.body.withUnsafeBufferPointer { text in
                let (count, columns) = try JSON.columns(of: text, arrayField: "entries", paths: paths)
                stack.newTable(arrayCount: Int32(columns.count), fieldCount: 1)
                for (k, column) in columns.enumerated() {
                    stack.newTable(arrayCount: Int32(count))
                    for (n, value) in column.enumerated() {
                        switch value {
                        case .missing: stack.pushBoolean(false)
                        case .text(let range): stack.pushBytes(UnsafeBufferPointer(rebasing: text[range]))
                        case .decoded(let string): stack.pushString(string)
                        }
                        stack.rawSet(at: -2, index: Int64(n + 1))
                    }
                    stack.rawSet(at: -2, index: Int64(k + 1))
                }
                stack.pushInteger(Int64(count))
                stack.rawSet(at: -2, key: "n")
            }
        } catch {
            let e = BoxError(
                status: response.status, code: "invalid_response",
                message: "Box answered with a body that is not JSON (\(error))", requestID: response.requestID)
            throw BoxErrorValue(error: e, position: scriptPosition(call.stack.L))
        }
    }

    /// Decodes a reply's JSON body straight onto the stack.
    private func pushBody(_ response: BoxResponse, _ call: LuaCall) throws {
        do {
            try response.body.withUnsafeBufferPointer { try call.stack.pushJSON(text: $0) }
        } catch {
            let e = BoxError(
                status: response.status, code: "invalid_response",
                message: "Box answered with a body that is not JSON (\(error))", requestID: response.requestID)
            throw BoxErrorValue(error: e, position: scriptPosition(call.stack.L))
        }
    }

    /// Remembers id -> login for the user table at `index`, or for each user of the array
    /// there (for readable dry-run lines and audit subjects).
    private func noteUsers(_ s: LuaStack, at index: Int32) {
        guard let control = session?.control, s.type(at: index) == .table else { return }
        let t = s.absolute(index)
        func note(_ user: Int32) {
            guard s.rawGet(at: user, key: "type") == .string, s.pullString(at: -1) == "user" else { return s.pop() }
            s.pop()
            _ = s.rawGet(at: user, key: "id")
            _ = s.rawGet(at: user, key: "login")
            if let id = s.pullString(at: -2) { control.note(userID: id, login: s.pullString(at: -1)) }
            s.pop(2)
        }
        note(t)
        let n = s.rawLength(at: t)
        guard n > 0 else { return }
        for k in 1...n {
            if s.rawGet(at: t, index: k) == .table { note(s.absolute(-1)) }
            s.pop()
        }
    }

    /// Remembers the names in a reply of groups or memberships (one record or a page), for
    /// readable subjects of the changes that follow; other replies are left alone.
    private func noteGroupRecords(_ call: LuaCall, at index: Int32, _ response: BoxResponse) {
        guard let control = session?.control, call.stack.type(at: index) == .table else { return }
        let s = call.stack, t = s.absolute(index)
        var type: String?
        if s.rawGet(at: t, key: "type") == .string { type = s.pullString(at: -1) }
        s.pop()
        if type == nil {
            if s.rawGet(at: t, index: 1) == .table {
                if s.rawGet(at: -1, key: "type") == .string { type = s.pullString(at: -1) }
                s.pop()
            }
            s.pop()
        }
        guard type == "group" || type == "group_membership", let json = try? response.json() else { return }
        for record in json["entries"]?.arrayValue ?? [json] { control.note(record: record) }
    }

    // MARK: arguments

    /// A query table as sorted pairs; booleans become true/false, numbers their text.
    private func queryPairs(_ call: LuaCall, _ n: Int32) throws -> [(String, String)] {
        guard !call.isNone(n) else { return [] }
        guard case .object(let fields) = try call.json(n) else {
            if try call.json(n) == .array([]) { return [] }
            throw call.argumentError(n, "query must map names to values")
        }
        return fields.keys.sorted().compactMap { k -> (String, String)? in
            switch fields[k]! {
            case .string(let s): return (k, s)
            case .int(let i): return (k, String(i))
            case .double(let d): return (k, String(d))
            case .bool(let b): return (k, b ? "true" : "false")
            default: return nil
            }
        }
    }

    private func operation(_ call: LuaCall, _ n: Int32) throws -> BoxOperation {
        let name = try call.string(n)
        guard let operation = BoxOperations.named(name) else {
            throw call.argumentError(n, "unknown operation '\(name)'")
        }
        return operation
    }

    /// A table of path parameter names to values (ids box.lua checked).
    private func parameters(_ call: LuaCall, _ n: Int32) throws -> [String: String] {
        guard !call.isNone(n), case .object(let fields) = try call.json(n) else { return [:] }
        return fields.keys.reduce(into: [:]) { out, k in out[k] = fields[k]?.stringValue }
    }

    /// The records box.lua noted, each typed by the kind of id it was passed as.
    private func notesList(_ call: LuaCall, _ n: Int32) throws -> [JSON] {
        guard case .array(let items) = try call.json(n) else { return [] }
        let types = ["user": "user", "group": "group", "membership": "group_membership"]
        return items.compactMap { item -> JSON? in
            guard case .object(var o) = item, let type = types[o["of"]?.stringValue ?? "user"] else { return nil }
            o["of"] = nil
            o["type"] = .string(type)
            return .object(o)
        }
    }

    /// The body argument of `_call` and `_request`: an empty table (array or object, Lua cannot
    /// tell) is sent as `{}`, since Box's bodies are objects.
    private func body(_ call: LuaCall, _ n: Int32) throws -> JSON? {
        guard !call.isNone(n) else { return nil }
        let json = try call.json(n)
        return json == .array([]) ? .object(JSONObject()) : json
    }
}

/// The script line that made the call: the first frame outside box.lua.
func scriptPosition(_ L: OpaquePointer) -> String? {
    var ar = lua_Debug()
    var level: Int32 = 1
    while lua_getstack(L, level, &ar) != 0 {
        lua_getinfo(L, "Sl", &ar)
        let source = ar.source.map { String(cString: $0) } ?? ""
        if ar.currentline > 0 && source != EmbeddedLua.box.chunkName {
            let short = withUnsafePointer(to: &ar.short_src) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            return "\(short):\(ar.currentline)"
        }
        level += 1
    }
    return nil
}
