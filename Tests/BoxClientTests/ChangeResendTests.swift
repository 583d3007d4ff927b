/// A change is never sent twice by the transport: not by libcurl's silent resend on a reused
/// connection that died, not by the retry policy after a 5xx. Counted on the server's side.
import Foundation
import JSON
import Testing
@testable import BoxClient

@Suite(.serialized)
struct ChangeResendTests {
    static let changes: [BoxRequest] = [
        BoxOperations.usersUpdate.request("5", body: ["status": "inactive"]),
        BoxOperations.usersCreate.request(body: ["login": "new@example.com", "name": "New"]),
        BoxOperations.usersDelete.request("5", query: [("force", "false"), ("notify", "false")]),
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

    // The checker paths: asked once per unsure try, before anything is sent again.

    @Test func aChangeFoundMadeFinishesWithoutResending() throws {
        let server = CannedServer([.json(502, "{}"), .json(200, #"{"id":"5"}"#), .json(200, "{}")])
        defer { server.stop() }
        let c = client(server)
        var asked: [BoxRequest] = []
        var traced: [String] = []
        c.trace = { traced.append($0.line) }
        var sentOutcome: Result<BoxResponse, BoxError>?
        c.sentObserver = { _, result, _ in sentOutcome = result }
        c.changeChecker = { request, done in
            asked.append(request)
            // A real checker reads Box through the same client and engine.
            c.start(BoxOperations.usersGet.request("5")) { read in
                done(read.isSuccess ? .made(nil) : .unknown("read failed"))
            }
        }
        let response = try c.send(
            BoxOperations.usersDelete.request("5", query: [("force", "false"), ("notify", "false")]))
        #expect(response.status == 204)
        #expect(response.foundMadeByCheck)
        #expect(response.body.isEmpty)
        #expect(asked.map(\.method) == ["DELETE"])
        #expect(
            count(server, BoxOperations.usersDelete.request("5", query: [("force", "false"), ("notify", "false")])) == 1
        )
        #expect(server.received.map(\.method) == ["DELETE", "GET"])
        #expect((try? sentOutcome?.get())?.foundMadeByCheck == true)
        #expect(traced.first?.contains("-> 502") == true)
        #expect(traced.first?.contains("; checking on Box whether the change was made; if not, retry in ") == true)
    }

    @Test func aChangeCutOffAndFoundNotMadeIsSentAgain() throws {
        let server = CannedServer([.json(200, #"{"id":"1"}"#), .cutOff, .json(200, #"{"id":"5","status":"inactive"}"#)])
        defer { server.stop() }
        let c = client(server)
        var asked = 0
        c.changeChecker = { _, done in
            asked += 1
            done(.notMade)
        }
        _ = try c.me(fields: "id")
        let response = try c.send(BoxOperations.usersUpdate.request("5", body: ["status": "inactive"]))
        #expect(response.status == 200)
        #expect(!response.foundMadeByCheck)
        #expect(try response.json()["status"]?.stringValue == "inactive")
        #expect(asked == 1)
        #expect(server.received.map(\.method) == ["GET", "PUT", "PUT"])
    }

    @Test func anUnknownOutcomeIsNeverResent() throws {
        let server = CannedServer([.json(503, "{}"), .json(200, "{}")])
        defer { server.stop() }
        let c = client(server)
        c.changeChecker = { _, done in done(.unknown("the user cannot be read")) }
        do {
            _ = try c.send(BoxOperations.usersCreate.request(body: ["login": "x@example.com", "name": "X"]))
            Issue.record("an unknown outcome succeeded")
        } catch {
            #expect(error.status == 503)
            #expect(error.code == "outcome_unknown")
            #expect(
                error.message
                    == "the change may or may not have been made on Box and was not resent: the user cannot be read")
            #expect(error.method == "POST")
        }
        #expect(server.received.count == 1)
    }

    @Test func aRateLimitedChangeIsRetriedWithoutACheck() throws {
        let server = CannedServer([.json(429, "{}", [("Retry-After", "0")]), .json(200, #"{"id":"5"}"#)])
        defer { server.stop() }
        let c = client(server)
        var asked = 0
        c.changeChecker = { _, done in
            asked += 1
            done(.made(nil))
        }
        #expect(try c.send(BoxOperations.usersUpdate.request("5", body: ["status": "inactive"])).status == 200)
        #expect(asked == 0)
        #expect(server.received.count == 2)
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
