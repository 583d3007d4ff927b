/// A change is never sent twice by the transport: not by libcurl's silent resend on a reused
/// connection that died, not by the retry policy after a 5xx. Counted on the server's side.
import Foundation
import JSON
import Testing
@testable import BoxClient

@Suite(.serialized)
struct ChangeResendTests {
    static let changes: [BoxRequest] = [
        UsersAPI.update("5", ["status": "inactive"]),
        UsersAPI.create(["login": "new@example.com", "name": "New"]),
        UsersAPI.delete("5"),
    ]

    func client(_ server: CannedServer) -> BoxClient {
        var s = ClientSettings(baseURL: server.baseURL)
        s.retry.baseInterval = 0.01
        return BoxClient(settings: s, signIn: .accessToken("tok-123"))
    }

    func count(_ server: CannedServer, _ request: BoxRequest) -> Int {
        server.received.filter { $0.method == request.method }.count
    }

    /// A GET leaves a kept-alive connection; the change's connection is then dropped after the
    /// server read it. libcurl would resend it on a fresh connection ("Connection died,
    /// retrying a fresh connect"), and the server would do it twice.
    @Test(arguments: changes)
    func aChangeCutOffAfterArrivingIsNotResent(_ change: BoxRequest) throws {
        let server = CannedServer([.json(200, #"{"id":"1"}"#), .cutOff, .json(200, #"{"id":"5"}"#), .json(200, "{}")])
        defer { server.stop() }
        let c = client(server)
        _ = try c.me(fields: "id")
        do {
            _ = try c.send(change)
            Issue.record("a cut-off \(change.method) succeeded")
        } catch {
            #expect(error.status == 0)
            #expect(error.code == "network_error")
            #expect(error.message.contains("the change may have reached Box"))
        }
        #expect(count(server, change) == 1)
    }

    @Test func aReadCutOffIsStillRetried() throws {
        let server = CannedServer([.json(200, #"{"id":"1"}"#), .cutOff, .json(200, #"{"id":"2"}"#)])
        defer { server.stop() }
        let c = client(server)
        _ = try c.me(fields: "id")
        #expect(try c.me(fields: "id")["id"]?.stringValue == "2")
        #expect(server.received.count == 3)
    }

    /// The server did the change, then a gateway answered 502: retrying would do it again.
    @Test(arguments: changes)
    func aChangeAnswered502IsNotResentWithoutAChecker(_ change: BoxRequest) throws {
        let server = CannedServer([.json(502, #"{"code":"bad_gateway","message":"upstream"}"#), .json(200, "{}")])
        defer { server.stop() }
        do {
            _ = try client(server).send(change)
            Issue.record("a 502 change succeeded")
        } catch {
            #expect(error.status == 502)
            #expect(error.message.contains("the change may have reached Box"))
        }
        #expect(count(server, change) == 1)
    }

    @Test func a503ReadIsStillRetried() throws {
        let server = CannedServer([.json(503, "{}"), .json(200, #"{"id":"1"}"#)])
        defer { server.stop() }
        #expect(try client(server).me(fields: "id")["id"]?.stringValue == "1")
        #expect(server.received.count == 2)
    }
}
