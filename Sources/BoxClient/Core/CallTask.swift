/// One call's life: mutation hook, token, send, classify, then refresh, wait-and-retry or complete.
import JSON

final class CallTask {
    enum Kind {
        case api
        case token([(String, String)])
    }

    private let client: BoxClient
    private let request: BoxRequest
    private let kind: Kind
    private let completion: (Result<BoxResponse, BoxError>) -> Void
    private var state = RetryState()
    private var refreshed = false
    private var token: String?
    private var sent = false
    private var lastFailure: TransportError?

    init(
        client: BoxClient, request: BoxRequest, kind: Kind,
        completion: @escaping (Result<BoxResponse, BoxError>) -> Void
    ) {
        self.client = client
        self.request = request
        self.kind = kind
        self.completion = completion
    }

    private var isAPIMutation: Bool {
        if case .api = kind { return request.isMutation }
        return false
    }

    /// Where the request goes, userinfo included.
    private var requestURL: String { client.url(for: request) }
    /// The URL as errors and the trace show it: without userinfo.
    private var url: String { displayURL(requestURL) }

    func begin() {
        guard isAPIMutation, let hook = client.mutationHook else { return authorize() }
        hook(request) { decision in
            switch decision {
            case .send: self.authorize()
            case .respond(let response): self.completion(.success(response))
            case .refuse(let error): self.completion(.failure(error))
            }
        }
    }

    private func authorize() {
        guard case .api = kind else { return attempt() }
        client.tokens.token { result in
            switch result {
            case .success(let t):
                self.token = t
                self.attempt()
            case .failure(let e):
                self.finish(.failure(e))
            }
        }
    }

    private func attempt() {
        sent = true
        client.engine.submit(httpRequest()) { self.handle($0) }
    }

    private func httpRequest() -> HTTPRequest {
        var headers: [(String, String)] = [("Accept", "application/json")]
        var body: [UInt8]?
        switch kind {
        case .api:
            if let token { headers.append(("Authorization", "Bearer \(token)")) }
            if let asUser = request.asUser, !asUser.isEmpty { headers.append(("As-User", asUser)) }
            if let json = request.body {
                headers.append(("Content-Type", "application/json"))
                body = json.serializedBytes()
            }
        case .token(let form):
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            body = Array(formEncode(form).utf8)
        }
        // The client owns auth and identity; a caller's Content-Type counts only without a body of ours.
        let owned: Set<String> =
            body == nil ? ["authorization", "as-user"] : ["authorization", "as-user", "content-type"]
        headers += request.headers.filter { !owned.contains($0.0.lowercased()) }
        if token != nil || body != nil, case .token = kind { client.warnIfPlainHTTP(requestURL) }
        if token != nil, case .api = kind { client.warnIfPlainHTTP(requestURL) }
        return HTTPRequest(
            method: request.method, url: requestURL, headers: headers, body: body, timeout: request.timeout)
    }

    private func handle(_ result: Result<HTTPResponse, TransportError>) {
        let outcome: AttemptOutcome
        switch result {
        case .success(let r):
            state.attempts += 1
            if r.status == 429 {
                state.rateLimited += 1
                client.rateLimitedResponses += 1
            }
            outcome = .response(status: r.status, retryAfter: r.header("retry-after"))
        case .failure(let e):
            state.networkFailures += 1
            lastFailure = e
            outcome = .transportFailure(retriable: e.retriable, mayHaveArrived: e.mayHaveArrived)
        }
        let decision = RetryPolicy.decide(
            outcome, state: state, settings: client.settings.retry, canRefresh: canRefresh,
            changesBox: isAPIMutation, canCheck: client.changeChecker != nil, jitter: client.random(),
            wallNow: client.wallClock())
        traceAttempt(result, decision)
        act(on: decision, result)
    }

    private var canRefresh: Bool {
        guard case .api = kind else { return false }
        return !refreshed && client.tokens.canRefresh
    }

    private func act(on decision: RetryDecision, _ result: Result<HTTPResponse, TransportError>) {
        switch decision {
        case .finish:
            finish(deliverable(result, note: nil))
        case .giveUp(let reason):
            finish(deliverable(result, note: reason))
        case .refreshToken:
            refreshed = true
            if let token { client.tokens.invalidate(token) }
            authorize()
        case .retry(let delay, let pauseAll, _):
            state.waited += delay
            if pauseAll { client.engine.pause(until: client.engine.clock.now + delay) }
            client.engine.schedule(after: delay) { self.attempt() }
        case .checkThenRetry(let delay, _):
            guard let checker = client.changeChecker else {
                return finish(deliverable(result, note: RetryPolicy.unsureChangeReason))
            }
            checker(request) { check in self.act(on: check, after: result, delay: delay) }
        }
    }

    /// What the change checker found decides: done, sent again, or failed as unknown.
    private func act(on check: ChangeCheck, after result: Result<HTTPResponse, TransportError>, delay: Double) {
        switch check {
        case .made(let record):
            finish(.success(.foundMade(by: request, record: record, attempts: state.attempts + state.networkFailures)))
        case .notMade:
            state.waited += delay
            client.engine.schedule(after: delay) { self.attempt() }
        case .unknown(let why):
            var status = 0
            if case .success(let http) = result { status = http.status }
            finish(
                .failure(
                    BoxError(
                        status: status, code: "outcome_unknown",
                        message: "the change may or may not have been made on Box and was not resent: \(why)",
                        method: request.method, url: url)))
        }
    }

    /// The response as the caller sees it: a success, or a BoxError for anything else.
    private func deliverable(_ result: Result<HTTPResponse, TransportError>, note: String?) -> Result<
        BoxResponse, BoxError
    > {
        switch result {
        case .failure(let e) where e.curlCode == HTTPEngine.interruptedCode:
            let unknown = sent && request.isMutation ? "; it may or may not have reached Box" : ""
            return .failure(
                BoxError(
                    status: 0, code: "interrupted", message: "interrupted\(unknown)",
                    method: request.method, url: url))
        case .failure(let e):
            var err = BoxError.network(e, method: request.method, url: url)
            if let note, e.retriable { err.message += " (\(note))" }
            return .failure(err)
        case .success(let http):
            let response = BoxResponse(
                status: http.status, headers: http.headers, body: http.body,
                attempts: state.attempts + state.networkFailures)
            guard http.status >= 400 else { return .success(response) }
            var err = BoxError.from(response: response, method: request.method, url: url)
            if case .token = kind, (try? response.json()) == nil { err.message = tokenBodySummary(response) }
            if let note { err.message += " (\(note))" }
            if http.status == 401, case .accessToken = client.tokens.signIn {
                err.message +=
                    " (the access token was rejected: it expired or was revoked; developer tokens"
                    + " last 60 minutes and are never refreshed, so set a new BOX_ACCESS_TOKEN)"
            }
            return .failure(err)
        }
    }

    private func finish(_ result: Result<BoxResponse, BoxError>) {
        if isAPIMutation && sent { client.sentObserver?(request, result, state.attempts + state.networkFailures) }
        completion(result)
    }

    private func traceAttempt(_ result: Result<HTTPResponse, TransportError>, _ decision: RetryDecision) {
        guard let trace = client.trace else { return }
        var record = TraceRecord(
            method: request.method, url: url, status: nil, failure: nil, duration: 0,
            attempt: state.attempts + state.networkFailures, requestID: nil, next: nil)
        switch result {
        case .success(let r):
            record.status = r.status
            record.duration = r.duration
            record.requestID = r.header("box-request-id")
        case .failure(let e):
            record.failure = e.message
            record.duration = e.duration
        }
        switch decision {
        case .retry(let delay, let pauseAll, let reason):
            record.next = "retry in \(formatSeconds(delay)) (\(reason)\(pauseAll ? ", all calls paused" : ""))"
        case .refreshToken: record.next = "getting a new token"
        case .giveUp(let reason): record.next = reason
        case .checkThenRetry(let delay, let reason):
            record.next =
                "checking on Box whether the change was made; if not, retry in \(formatSeconds(delay)) (\(reason))"
        case .finish: break
        }
        trace(record)
    }
}

/// What an error shows of a token endpoint's answer that is not JSON: its size, never its
/// text. That request carried client_secret, an assertion or a refresh token, and a proxy or
/// a misrouted server may echo it back; a filter for secret-looking words could miss one
/// encoding of them (URL-encoded, quoted, split), so no byte of the body is shown.
func tokenBodySummary(_ response: BoxResponse) -> String {
    "the token endpoint answered HTTP \(response.status) with a non-JSON body of \(response.body.count) bytes (not shown: it may echo credentials)"
}
