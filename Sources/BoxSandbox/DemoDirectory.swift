/// The Active Directory export of the demo enterprise (scripts/examples/ad-export.csv), as
/// PowerShell's `Export-Csv` writes it: a `#TYPE` line, every field quoted, CRLF.
import FoundationEssentials
import HTTPServer
import JSON

extension DemoEnterprise {
    static let adColumns = [
        "DisplayName", "SamAccountName", "UserPrincipalName", "mail", "Enabled", "Department", "Title", "whenChanged",
    ]

    /// Accounts that exist only in the directory: no Box login.
    static let directoryOnly = [
        ["Backup Service", "svc-backup", "svc-backup@\(domain)", "", "True", "IT", "Service Account"],
        ["Printer Kiosk", "kiosk-lobby", "kiosk-lobby@\(domain)", "", "True", "Facilities", "Kiosk"],
        [
            "Rosa Delgado", "rdelgado", "rosa.delgado@\(domain)", "rosa.delgado@\(domain)", "True", "Sales",
            "Account Executive",
        ],
        ["Henrik Lund", "hlund", "henrik.lund@\(domain)", "henrik.lund@\(domain)", "False", "Finance", "Controller"],
        ["Test, Account \"QA\"", "qa-test", "qa-test@\(domain)", "", "False", "Engineering", "Test Account"],
    ]

    /// The export's text, byte for byte.
    public static func adExportCSV() -> String {
        var r = SeededRandom(seed: 0xAD_E1)
        var lines = ["#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser", row(adColumns)]
        for (n, p) in people().enumerated() where !p.samAccountName.isEmpty {
            // Some directories keep mixed-case addresses; Box logins are lower case.
            let mail = n % 11 == 3 ? mixedCase(p.user.login) : p.user.login
            lines.append(
                row([
                    p.user.name, p.samAccountName, p.user.login, mail, p.leaver ? "False" : "True", p.department,
                    p.user.jobTitle, whenChanged(&r),
                ]))
        }
        for d in directoryOnly { lines.append(row(d + [whenChanged(&r)])) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func row(_ fields: [String]) -> String {
        fields.map { "\"" + $0.replacing("\"", with: "\"\"") + "\"" }.joined(separator: ",")
    }

    /// PowerShell's US date style, e.g. `3/14/2025 10:22:31 AM`, fixed dates (not relative to today).
    private static func whenChanged(_ r: inout SeededRandom) -> String {
        let (y, m, d) = CivilDate.civil(days: Int64(20_000 + r.int(0...400)))
        let h = r.int(0...23)
        let mi = String(format2(r.int(0...59))), s = String(format2(r.int(0...59)))
        let h12 = h % 12 == 0 ? 12 : h % 12
        return "\(m)/\(d)/\(y) \(h12):\(mi):\(s) \(h < 12 ? "AM" : "PM")"
    }

    private static func format2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    private static func mixedCase(_ login: String) -> String {
        let parts = login.split(separator: "@")
        let local = parts[0].split(separator: ".").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(
            separator: ".")
        return local + "@" + parts[1].prefix(1).uppercased() + parts[1].dropFirst()
    }
}
