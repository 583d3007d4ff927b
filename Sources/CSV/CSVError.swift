/// The one error the CSV reader and writer throw: which file, which physical line, what is wrong.

/// A CSV failure an admin can act on: `FILE:LINE: message`.
///
/// `line` is the 1-based physical line of the file (the line where a record or quoted field
/// began, when the error concerns a whole record or field). It is 0 when the error concerns
/// the file as a whole (cannot open, cannot write); the description then reads `FILE: message`.
public struct CSVError: Error, Equatable, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
    }
}
