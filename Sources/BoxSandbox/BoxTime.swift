/// Box's timestamps: written as `2024-05-01T09:30:00-08:00` (Pacific standard offset, no
/// fractions); read in any RFC 3339 form (`Z`, `±hh:mm`, fractional seconds) or a bare date.
import FoundationEssentials
import HTTPServer

public enum BoxTime {
    /// The offset Box writes, in seconds east of UTC.
    static let offset: Int64 = -8 * 3600

    public static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// `seconds` since the epoch as Box writes it.
    public static func format(_ seconds: Int64) -> String {
        let local = seconds + offset
        let days = floorDiv(local, 86400)
        let secs = local - days * 86400
        let (y, m, d) = CivilDate.civil(days: days)
        return
            "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))-08:00"
    }

    /// Appends `"` + `format(seconds)` + `"` to `out` without building a String (user pages).
    static func appendQuoted(_ seconds: Int64, to out: inout [UInt8]) {
        let local = seconds + offset
        let days = floorDiv(local, 86400)
        let secs = local - days * 86400
        let (y, m, d) = CivilDate.civil(days: days)
        out.append(0x22)
        digits(y, 4, &out)
        out.append(0x2D)
        digits(m, 2, &out)
        out.append(0x2D)
        digits(d, 2, &out)
        out.append(0x54)
        digits(secs / 3600, 2, &out)
        out.append(0x3A)
        digits(secs / 60 % 60, 2, &out)
        out.append(0x3A)
        digits(secs % 60, 2, &out)
        out.append(contentsOf: [0x2D, 0x30, 0x38, 0x3A, 0x30, 0x30, 0x22])  // -08:00"
    }

    /// Appends `v` as exactly `n` decimal digits (zero-padded).
    static func digits(_ v: Int64, _ n: Int, _ out: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<n { divisor *= 10 }
        var x = v
        while divisor > 0 {
            out.append(0x30 + UInt8(truncatingIfNeeded: (x / divisor) % 10))
            x %= divisor
            divisor /= 10
        }
    }

    /// Seconds since the epoch for an RFC 3339 date-time or a `YYYY-MM-DD` date (midnight UTC).
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 10, let y = num(b, 0, 4), b[4] == 0x2D, let mo = num(b, 5, 2), b[7] == 0x2D,
            let d = num(b, 8, 2), (1...12).contains(mo), (1...31).contains(d)
        else { return nil }
        let day = CivilDate.days(year: y, month: mo, day: d)
        if b.count == 10 { return day * 86400 }
        guard b.count >= 19, b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20, let h = num(b, 11, 2), b[13] == 0x3A,
            let mi = num(b, 14, 2), b[16] == 0x3A, let s = num(b, 17, 2), h < 24, mi < 60, s < 61
        else { return nil }
        var i = 19
        if i < b.count, b[i] == 0x2E {
            i += 1
            while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
        }
        var zone: Int64 = 0
        if i < b.count {
            if b[i] == 0x5A || b[i] == 0x7A, i + 1 == b.count {
                zone = 0
            } else if b[i] == 0x2B || b[i] == 0x2D {
                let sign: Int64 = b[i] == 0x2D ? -1 : 1
                guard let zh = num(b, i + 1, 2) else { return nil }
                var j = i + 3
                if j < b.count, b[j] == 0x3A { j += 1 }
                guard let zm = num(b, j, 2), j + 2 == b.count else { return nil }
                zone = sign * (zh * 3600 + zm * 60)
            } else {
                return nil
            }
        }
        return day * 86400 + h * 3600 + mi * 60 + s - zone
    }

    private static func num(_ b: [UInt8], _ at: Int, _ n: Int) -> Int64? {
        guard at + n <= b.count else { return nil }
        var v: Int64 = 0
        for i in at..<at + n {
            guard (0x30...0x39).contains(b[i]) else { return nil }
            v = v * 10 + Int64(b[i] - 0x30)
        }
        return v
    }

    private static func pad(_ v: Int64, _ n: Int) -> String {
        let s = String(v)
        return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
