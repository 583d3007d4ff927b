/// The token file: private modes, atomic replacement, and what it holds.
import Foundation
import Testing
import TestSupport
@testable import BoxClient

struct TokenStoreTests {
    func mode(_ path: String) -> Int {
        var st = stat()
        stat(path, &st)
        return Int(st.st_mode & 0o777)
    }

    @Test func savesWithPrivateModesAndReloads() throws {
        let root = temporaryDirectory()
        let store = TokenStore(profile: "work", environment: ["XDG_STATE_HOME": root.path, "HOME": "/nonexistent"])
        #expect(store.path == root.path + "/boxlua/tokens/work.json")
        #expect(try store.load() == nil)
        let first = StoredTokens(accessToken: "A1", refreshToken: "R1", expiresAt: 1_900_000_000)
        try store.save(first)
        #expect(try store.load() == first)
        #expect(mode(store.path) == 0o600)
        #expect(mode(root.path + "/boxlua/tokens") == 0o700)
        let second = StoredTokens(accessToken: "A2", refreshToken: "R2", expiresAt: 1_900_003_600)
        try store.save(second)
        #expect(try store.load() == second)
        // Nothing but the store is left behind (no temporary files).
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path + "/boxlua/tokens") == ["work.json"])
    }

    @Test func fallsBackToLocalState() {
        let store = TokenStore(profile: "default", environment: ["HOME": "/home/ann"])
        #expect(store.path == "/home/ann/.local/state/boxlua/tokens/default.json")
    }

    @Test func rejectsAForeignFile() throws {
        let root = temporaryDirectory()
        let path = root.path + "/t.json"
        try "not json".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError("\(path): not a boxlua token file (run `boxlua login` again)")) {
            try TokenStore(path: path).load()
        }
    }
}
