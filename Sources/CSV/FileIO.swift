/// The CSV reader's and writer's file access, through the shared rules of `Files`.
import Files

enum FileIO {
    /// Every byte of the file at `path`.
    static func readAll(path: String) throws(CSVError) -> [UInt8] {
        do { return try Files.readAll(path) } catch {
            throw CSVError(file: path, line: 0, message: "\(error.action): \(error.reason)")
        }
    }

    /// Writes `bytes` to `path`: a regular file is replaced atomically keeping its mode, a link is
    /// kept, a pipe or device is written in place, `-` is standard output.
    static func write(_ bytes: [UInt8], to path: String) throws(CSVError) {
        do { try Files.write(bytes, to: path) } catch {
            throw CSVError(file: path, line: 0, message: "\(error.action): \(error.reason)")
        }
    }
}
