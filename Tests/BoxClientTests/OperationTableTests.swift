/// The table of Box operations: each row against Box's OpenAPI description, and the request
/// matching that `box.request` and `apply` use to find a row from method and path.
import Foundation
import JSON
import TestSupport
import Testing

@testable import BoxClient

@Suite struct OperationTable {
    /// Box's OpenAPI description, the unmodified copy the fidelity run validates against.
    static let spec: JSON = {
        let path = packageRoot().appendingPathComponent("Tests/fidelity/box-openapi/openapi.json").path
        let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        return (try? JSON.parse(bytes)) ?? .null
    }()

    /// `#/components/...` references followed, `allOf` parts merged into one object's properties.
    static func resolved(_ node: JSON?) -> JSON? {
        guard var node else { return nil }
        while let ref = node["$ref"]?.stringValue, ref.hasPrefix("#/") {
            var target: JSON? = spec
            for key in ref.dropFirst(2).split(separator: "/") { target = target?[String(key)] }
            guard let t = target else { return nil }
            node = t
        }
        if let parts = node["allOf"]?.arrayValue {
            var properties = JSONObject()
            for part in parts {
                for (k, v) in resolved(part)?["properties"]?.objectValue ?? JSONObject() { properties[k] = v }
            }
            return .object(JSONObject([("type", "object"), ("properties", .object(properties))]))
        }
        return node
    }

    static func specOperation(_ row: BoxOperation) -> (path: JSON, operation: JSON)? {
        let specPath = String(row.path.dropFirst("/2.0".count))
        guard let path = spec["paths"]?[specPath], let op = path[row.method.lowercased()] else { return nil }
        return (path, op)
    }

    /// The names Box takes in the query of `row`'s operation (its own parameters and its path's).
    static func queryNames(_ row: BoxOperation) -> Set<String> {
        guard let (path, op) = specOperation(row) else { return [] }
        let parameters = (path["parameters"]?.arrayValue ?? []) + (op["parameters"]?.arrayValue ?? [])
        return Set(
            parameters.compactMap { p in resolved(p).flatMap { $0["in"] == "query" ? $0["name"]?.stringValue : nil } })
    }

    /// Whether `keys` is a property path of the JSON body schema of `row`'s operation.
    static func bodyHas(_ row: BoxOperation, _ keys: [String]) -> Bool {
        guard let (_, op) = specOperation(row) else { return false }
        var schema = resolved(resolved(op["requestBody"])?["content"]?["application/json"]?["schema"])
        for key in keys {
            guard let property = schema?["properties"]?[key] else { return false }
            schema = resolved(property)
        }
        return true
    }

    /// What one row sends: query names and body key paths, from its arguments, options and paging.
    static func sent(_ row: BoxOperation) -> (query: [String], body: [[String]]) {
        var query = row.fixedQuery.map(\.0), body: [[String]] = []
        func add(_ place: BoxOperation.Place) {
            switch place {
            case .path: break
            case .query(let name): query.append(name)
            case .body(let keys): body.append(keys)
            }
        }
        for a in row.arguments {
            switch a {
            case .id(_, let place), .text(let place): add(place)
            case .body(let required):
                for k in required {
                    body.append([k.key])
                    if let unless = k.unless { body.append([unless]) }
                }
            case .options: break
            }
        }
        row.options.forEach { add($0.to) }
        switch row.paging {
        case .marker?: query += ["usemarker", "marker", "limit"]
        case .offset?: query += ["offset", "limit"]
        case .stream?: query += ["stream_position", "limit"]
        case nil: break
        }
        return (query, body)
    }

    @Test func specIsRead() {
        #expect((Self.spec["paths"]?.objectValue?.count ?? 0) > 100)
    }

    @Test(arguments: BoxOperations.all.map(\.name))
    func rowMatchesBoxsOpenAPIDescription(_ name: String) throws {
        let row = try #require(BoxOperations.named(name))
        #expect(row.path.hasPrefix("/2.0/"))
        #expect(Self.specOperation(row) != nil, "\(row.method) \(row.path) is not in Box's OpenAPI description")
        let (query, body) = Self.sent(row)
        let known = Self.queryNames(row)
        for q in query { #expect(known.contains(q), "\(name): query parameter '\(q)' is not one of \(known.sorted())") }
        for keys in body {
            #expect(Self.bodyHas(row, keys), "\(name): body key \(keys.joined(separator: ".")) is not in its schema")
        }
        if case .path(let p)? = row.subject?.at { #expect(row.pathParameters.contains(p)) }
        for a in row.arguments {
            if case .id(_, .path(let p)) = a { #expect(row.pathParameters.contains(p)) }
        }
    }

    @Test func namesAreUniqueAndEachRowIsFoundFromItsOwnRequest() {
        #expect(Set(BoxOperations.all.map(\.name)).count == BoxOperations.all.count)
        for row in BoxOperations.all {
            let request = row.request(Dictionary(uniqueKeysWithValues: row.pathParameters.map { ($0, "42") }))
            let match = request.operation
            #expect(match?.operation.name == row.name, "\(row.method) \(request.path)")
            #expect(match?.parameters == Dictionary(uniqueKeysWithValues: row.pathParameters.map { ($0, "42") }))
        }
    }

    @Test func pathParametersArePercentEncoded() {
        let r = BoxOperations.usersTransferContent.request("4/../2 x", body: ["owned_by": ["id": "7"]])
        #expect(r.path == "/2.0/users/4%2F..%2F2%20x/folders/0")
        #expect(r.timeout == 900)
        #expect(
            BoxOperations.eventsAdminLogs.request(query: [("limit", "5")]).pathAndQuery
                == "/2.0/events?stream_type=admin_logs&limit=5")
    }

    @Test func fixedSegmentsWinAndSubjectsComeFromTheRow() {
        #expect(BoxRequest("GET", "/2.0/users/me").op == "users.me")
        #expect(BoxRequest("GET", "/2.0/users/me").subject == nil)
        #expect(BoxRequest("POST", "/2.0/users/terminate_sessions").op == "users.terminate_sessions")
        #expect(BoxRequest("DELETE", "/2.0/users/42?force=true").subject == OperationSubject(kind: .user, id: "42"))
        #expect(BoxRequest("GET", "/2.0/invites/5").subject == OperationSubject(kind: .invite, id: "5"))
        // A path no row has: the subject of the template it starts with, if any.
        #expect(BoxRequest("POST", "/2.0/users/42/avatar").op == "request")
        #expect(BoxRequest("POST", "/2.0/users/42/avatar").subjectID == "42")
        #expect(BoxRequest("POST", "/2.0/users/me/avatar").subjectID == nil)
        #expect(BoxRequest("DELETE", "/2.0/folders/5").subject == nil)
    }
}
