/// Box's timestamps: written as `2024-05-01T09:30:00-08:00` (Pacific standard offset, no
/// fractions); read in any RFC 3339 form (`Z`, `±hh:mm`, fractional seconds) or a bare date.
import Foundation

public enum BoxTime {
    /// The offset Box writes, in seconds east of UTC.
    static let offset: Int64 = -8 * 3600

    public static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// `seconds` since the epoch as Box writes it.
    public static func format(_ seconds: Int64) -> String {
        let local = seconds + offset
        let days = floorDiv(local, 86400)
        let secs = local - days * 86400
        let (y, m, d) = civil(days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))-08:00"
    }

    /// Appends `"` + `format(seconds)` + `"` to `out` without building a String (user pages).
    static func appendQuoted(_ seconds: Int64, to out: inout [UInt8]) {
        let local = seconds + offset
        let days = floorDiv(local, 86400)
        let secs = local - days * 86400
        let (y, m, d) = civil(days)
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
        let day = days(y, mo, d)
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

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719468
        let era = floorDiv(z, 146097)
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
