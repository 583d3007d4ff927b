/// BoxOperation.normalizedPath: the one spelling of a path the guards classify and the client sends.
import Testing

@testable import BoxClient

@Suite struct PathNormalisation {
    @Test(arguments: [
        ("/2.0/users/42", "/2.0/users/42"), ("/2.0/users/./42", "/2.0/users/42"),
        ("/2.0/users/x/../42", "/2.0/users/42"),
        ("/2.0//users///42/", "/2.0/users/42"), ("/2.0/users/%34%32", "/2.0/users/42"),
        ("/2.0/users/%2E/42", "/2.0/users/42"),
        ("/2.0/users/x/%2e%2E/42", "/2.0/users/42"), ("/2.0/users/42?force=true", "/2.0/users/42?force=true"),
        ("/2.0/search/a%20b", "/2.0/search/a%20b"), ("/2.0/search/a%c3%a9", "/2.0/search/a%C3%A9"), ("/2.0", "/2.0"),
    ])
    func cleanForms(_ path: String, _ clean: String) throws {
        #expect(try BoxOperation.normalizedPath(path) == clean)
        #expect(
            BoxRequest("DELETE", clean).op
                == (clean.hasPrefix("/2.0/users/42") ? "users.delete" : "request"))
    }

    @Test(arguments: [
        ("/2.0/../users/42", "goes above /2.0 with '..'"), ("/..", "goes above / with '..'"),
        ("users", "must start with /"),
        ("/2.0/users/4%2F2", "has an encoded '/', '\\' or control character in '4%2F2'"),
        ("/2.0/users/4%5c2", "has an encoded '/', '\\' or control character in '4%5c2'"),
        ("/2.0/users/4%002", "has an encoded '/', '\\' or control character in '4%002'"),
        ("/2.0/users/%G1", "has a malformed percent-escape in '%G1'"),
        ("/2.0/users/42%", "has a malformed percent-escape in '42%'"),
        ("/2.0/users/42;v=1", "has a character no Box path holds in '42;v=1'"),
        ("/2.0/users/4 2", "has a character no Box path holds in '4 2'"),
    ])
    func noCleanForm(_ path: String, _ why: String) {
        #expect(throws: BoxOperation.PathError(description: why)) { try BoxOperation.normalizedPath(path) }
    }
}
