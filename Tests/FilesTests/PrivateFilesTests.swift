@testable import Files
import Glibc
import Testing

private func scratch() -> String {
    var template = Array("/tmp/boxlua-private-XXXXXX".utf8CString)
    let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    return String(cString: p!)
}

@Suite struct PrivateFiles {
    /// Moved from BoxClient's CredentialSafetyTests with the exclusive open that tokens use:
    /// O_EXCL refuses an existing name, symlink or not; O_NOFOLLOW guards it too.
    @Test func aPlantedSymlinkIsNeverWrittenThrough() throws {
        let root = scratch()
        let target = root + "/target"
        let link = root + "/link"
        #expect(symlink(target, link) == 0)
        #expect(Files.openExclusively(link) == -1)
        #expect(access(target, F_OK) != 0)
    }

    @Test func replacingPrivatelyReplacesALinkAndSetsTheMode() throws {
        let root = scratch()
        try Files.write(Array("other".utf8), to: root + "/other", mode: 0o644)
        #expect(symlink(root + "/other", root + "/tokens.json") == 0)
        try Files.replacePrivately(root + "/tokens.json", with: Array("secret".utf8))
        #expect(String(decoding: try Files.readAll(root + "/other"), as: UTF8.self) == "other")
        #expect(String(decoding: try Files.readAll(root + "/tokens.json"), as: UTF8.self) == "secret")
        var st = stat()
        #expect(lstat(root + "/tokens.json", &st) == 0)
        #expect(st.st_mode & S_IFMT == S_IFREG)
        #expect(st.st_mode & 0o777 == 0o600)
    }
}

@Suite struct BoxluaFolders {
    @Test func anAbsoluteXDGStateHomeWins() {
        #expect(Files.boxluaStateFolder(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/boxlua")
    }

    @Test func aRelativeXDGFolderIsIgnored() {
        #expect(
            Files.boxluaStateFolder(environment: ["XDG_STATE_HOME": "s", "HOME": "/h"]) == "/h/.local/state/boxlua")
        #expect(Files.boxluaConfigFolder(environment: ["XDG_CONFIG_HOME": "c", "HOME": "/h"]) == "/h/.config/boxlua")
    }

    /// HOME unset or empty: the account's home from the password database, as `~` in a shell.
    @Test func anUnsetOrEmptyHomeMeansTheAccountsHome() {
        let home = Files.accountHome() ?? ""
        #expect(Files.boxluaStateFolder(environment: [:]) == home + "/.local/state/boxlua")
        #expect(Files.boxluaStateFolder(environment: ["HOME": ""]) == home + "/.local/state/boxlua")
        #expect(Files.boxluaConfigFolder(environment: [:]) == home + "/.config/boxlua")
    }

    @Test func theEnvironmentIsReadFromEnviron() {
        let env = ProcessEnvironment.current()
        #expect(env["PATH"] == getenv("PATH").map { String(cString: $0) })
    }
}
