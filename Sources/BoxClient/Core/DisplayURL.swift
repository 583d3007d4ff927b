/// URLs as they may be shown, and whether a URL would carry credentials in the clear.

/// `url` without its userinfo: `http://u:p@host/x` shows as `http://host/x`. Every URL
/// boxlua prints, traces, or writes to a plan or an error goes through this, since a
/// password in `BOX_BASE_URL` must never reach a terminal or a file.
public func displayURL(_ url: String) -> String {
    guard let schemeEnd = url.firstRange(of: "://") else { return url }
    let rest = url[schemeEnd.upperBound...]
    let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
    guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
    return String(url[..<schemeEnd.upperBound]) + rest[rest.index(after: at)...]
}

/// The host of `url` without port, brackets or userinfo, lower-cased.
func hostOf(_ url: String) -> String {
    let hostPort = hostAndPort(of: displayURL(url))
    if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
        return String(hostPort[hostPort.index(after: hostPort.startIndex)..<close]).lowercased()
    }
    return String(hostPort[..<(hostPort.lastIndex(of: ":") ?? hostPort.endIndex)]).lowercased()
}

/// Loopback hosts, where plain http never leaves the machine: 127.0.0.0/8, ::1, localhost.
func isLoopbackHost(_ host: String) -> Bool {
    if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
    let octets = host.split(separator: ".", omittingEmptySubsequences: false)
    return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
}

/// The one-line warning for credentials about to travel over plain http to another machine;
/// nil for https and for loopback.
public func plainHTTPWarning(_ url: String) -> String? {
    guard url.lowercased().hasPrefix("http://") else { return nil }
    let host = hostOf(url)
    guard !isLoopbackHost(host) else { return nil }
    return
        "boxlua: warning: credentials go to \(host) over plain http (BOX_BASE_URL is not https): anyone on the network can read them"
}
