/// A Lua state with the box API installed, signed in to a fresh demo sandbox.
import BoxLua
import BoxSandbox
import Foundation
import JSON
import LuaHost
import TestSupport

final class BoxHarness {
    let demo: DemoSandbox
    let state = LuaState()
    let runtime: BoxRuntime
    let box = LineBox()
    var sandbox: Sandbox { demo.sandbox }
    var home: URL { demo.home }

    init(
        dryRun: Bool = false, plan: String? = nil, maxDeletes: Int? = 100, faults: Faults = Faults(),
        seed: SandboxSeed = .demo(), configure: (inout BoxRunOptions) -> Void = { _ in }
    ) throws {
        demo = try DemoSandbox(seed: seed, faults: faults)
        var options = BoxRunOptions()
        options.dryRun = dryRun
        options.planPath = plan
        options.maxDeletes = maxDeletes
        options.environment = demo.environment
        if ProcessInfo.processInfo.environment["BOXLUA_TEST_TRACE"] != nil { options.verbose = true }
        configure(&options)
        let sink = box
        runtime = BoxRuntime(options: options) { sink.lines.append($0) }
        try runtime.install(into: state)
    }

    deinit { state.close() }

    var said: [String] { box.lines }

    /// Runs a chunk and returns its first result as data (nil when none).
    @discardableResult
    func run(_ code: String) throws -> LuaValue {
        let n = try state.run(code, chunkName: "=test", results: 1)
        defer { state.stack.pop(Int32(n)) }
        return n > 0 ? try state.stack.pullValue(at: -1) : .nil
    }

    /// Runs a chunk expected to fail; returns the error.
    func failure(_ code: String) -> LuaError? {
        do {
            try run(code)
            return nil
        } catch let e as LuaError {
            return e
        } catch {
            return LuaError(kind: .runtime, message: "\(error)")
        }
    }

    var requests: [String] { demo.requests }
    var changesSent: [String] { demo.changes }
}

final class LineBox: @unchecked Sendable {
    var lines: [String] = []
}

extension LuaValue {
    subscript(_ key: String) -> LuaValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    subscript(_ i: Int) -> LuaValue? {
        if case .array(let a) = self, i >= 1, i <= a.count { return a[i - 1] }
        return nil
    }
    var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }
    var int: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }
    var count: Int {
        switch self {
        case .array(let a): return a.count
        case .object(let o): return o.count
        default: return 0
        }
    }
}
