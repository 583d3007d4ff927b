/// Timestamps for plans, journals and the audit log: `2026-11-28T10:00:00Z`.
#if canImport(Glibc)
    import Glibc
#endif

public enum UTCTime {
    public static func now() -> String { format(time(nil)) }

    public static func format(_ t: time_t) -> String {
        var tt = t
        var parts = tm()
        gmtime_r(&tt, &parts)
        var buf = [CChar](repeating: 0, count: 32)
        let n = strftime(&buf, buf.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buf.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
