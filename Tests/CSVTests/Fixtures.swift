/// Finds the fixture files next to this source file and reads their raw bytes.
import CSV

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum Fixture {
    /// The absolute path of `Fixtures/name`, found from this file's own path.
    static func path(_ name: String) -> String {
        let here = #filePath
        let directory = here[..<(here.lastIndex(of: "/") ?? here.startIndex)]
        return "\(directory)/Fixtures/\(name)"
    }

    /// The fixture's bytes exactly as stored.
    static func bytes(_ name: String) throws -> [UInt8] {
        try bytes(atPath: path(name))
    }

    /// The bytes of any file, read with C stdio rather than the code under test.
    static func bytes(atPath path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw CSVError(file: path, line: 0, message: "cannot open") }
        defer { fclose(file) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n == 0 { return out }
            out += chunk[0..<n]
        }
    }

    /// Reads a fixture through the public file API.
    static func read(_ name: String, separator: CSV.Separator = .comma) throws -> CSVTable {
        try CSV.read(path: path(name), separator: separator)
    }

    /// The names in `directory`, sorted, without `.` and `..`.
    static func list(_ directory: String) throws -> [String] {
        guard let dir = opendir(directory) else { throw CSVError(file: directory, line: 0, message: "cannot list") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// A fresh empty directory under /tmp for files a test writes.
    static func temporaryDirectory() throws -> String {
        var template = Array("/tmp/csvtests-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap(mkdtemp).map { String(cString: $0) }
        }
        guard let made else { throw CSVError(file: "/tmp", line: 0, message: "mkdtemp failed") }
        return made
    }
}
