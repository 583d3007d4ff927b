/// The error thrown when Lua code fails: message, traceback and the original value.
import CLua
import LuaShim

/// A failure inside Lua: a syntax error, a runtime error, an unreadable file.
///
/// ``message`` is what lua.c would print: the error string, or the `__tostring` of
/// a table error value (else "(error object is a table value)"). When the error value
/// is a table, ``value`` holds a reference to the very table (metatable included), so
/// it can be raised again unchanged, and ``data`` its contents when convertible.
public struct LuaError: Error, CustomStringConvertible, @unchecked Sendable {
    public enum Kind: Sendable, Equatable {
        /// The chunk does not compile.
        case syntax
        /// A runtime error.
        case runtime
        /// Ctrl-C (``LuaState/interrupt()``) stopped the code: the error raised while an
        /// interrupt was pending, whatever its text (lua.c's "interrupted!").
        case interrupted
        /// Out of memory.
        case memory
        /// An error while handling an error.
        case handler
        /// The file cannot be opened or read.
        case file
    }

    public let kind: Kind
    /// One line (or more, when the message has several), without the traceback.
    public let message: String
    /// "stack traceback:\n\t..." when known.
    public let traceback: String?
    /// The original error value when it was a table (or userdata); keeps it alive.
    public let value: LuaReference?
    /// The table's contents as data, when ``value`` is a convertible table.
    public let data: LuaValue?

    public init(
        kind: Kind, message: String, traceback: String? = nil, value: LuaReference? = nil,
        data: LuaValue? = nil
    ) {
        self.kind = kind
        self.message = message
        self.traceback = traceback
        self.value = value
        self.data = data
    }

    public var description: String { message }

    /// The message followed by the traceback, as lua.c prints it.
    public var messageWithTraceback: String {
        guard let traceback else { return message }
        return message + "\n" + traceback
    }

    /// Builds the error from the value on top of `stack` (left there) after a failed
    /// call or resume returned `status`.
    static func fromStack(_ stack: LuaStack, status: Int32, traceback: String?) -> LuaError {
        var kind: Kind =
            switch status {
            case LUA_ERRSYNTAX: .syntax
            case LUA_ERRMEM: .memory
            case LUA_ERRERR: .handler
            default: .runtime
            }
        // The interrupt stays pending until the interrupted chunk has returned (clearInterrupt),
        // so a runtime error seen meanwhile is the interruption unwinding.
        if kind == .runtime && stack.reserve(1), LuaState.owning(stack.L)?.interruptRequested == true {
            kind = .interrupted
        }
        let type = stack.type(at: -1)
        let message = stack.describeError(at: -1)
        guard type == .table || type == .userdata else {
            return LuaError(kind: kind, message: message, traceback: traceback)
        }
        let reference = stack.reference(at: -1)
        let data = type == .table ? try? stack.pullValue(at: -1) : nil
        return LuaError(
            kind: kind, message: message, traceback: traceback, value: reference, data: data)
    }
}

extension LuaStack {
    /// What lua.c prints for an error value: a string or number as text, else its
    /// `__tostring` (run protected), else "(error object is a T value)".
    public func describeError(at index: Int32) -> String {
        switch type(at: index) {
        case .string: return pullString(at: index) ?? ""
        case .number: return (try? tostring(at: index)) ?? "?"
        default:
            if hasMetafield(at: index, "__tostring"), let text = try? tostring(at: index) {
                return text
            }
            return "(error object is a \(typeName(at: index)) value)"
        }
    }
}

/// What a Swift function raises when it gives up because of Ctrl-C: Lua sees the caller's
/// position and the text lua.c's interrupt hook raises (see lb_arm_interrupt in LuaShim), and
/// the error comes back to Swift as a ``LuaError`` of kind ``LuaError/Kind/interrupted``.
public struct LuaInterruption: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "interrupted!" }
}
