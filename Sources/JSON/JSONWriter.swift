/// Serialises `JSON` compactly (or indented), escaping only what RFC 8259 requires.
extension JSON {
    public func serialized(pretty: Bool = false, sortedKeys: Bool = false) -> String {
        serialized(indentWidth: pretty ? 2 : 0, sortedKeys: sortedKeys)
    }

    /// One line when `indentWidth` is 0; else one value a line, nested `indentWidth` spaces deeper.
    public func serialized(indentWidth: Int, sortedKeys: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out, width: max(0, indentWidth), sorted: sortedKeys, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    public func serializedBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out, width: 0, sorted: false, indent: 0)
        return out
    }

    func write(to out: inout [UInt8], width: Int, sorted: Bool, indent: Int) {
        let pretty = width > 0
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let v): out.append(contentsOf: (v ? "true" : "false").utf8)
        case .int(let v): out.append(contentsOf: String(v).utf8)
        case .double(let v): out.append(contentsOf: JSON.format(v).utf8)
        case .string(let s): JSON.writeString(s, to: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (n, e) in a.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { newline(&out, (indent + 1) * width) }
                e.write(to: &out, width: width, sorted: sorted, indent: indent + 1)
            }
            if pretty && !a.isEmpty { newline(&out, indent * width) }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            let keys = sorted ? o.keys.sorted() : o.keys
            for (n, k) in keys.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { newline(&out, (indent + 1) * width) }
                JSON.writeString(k, to: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                (o[k] ?? .null).write(to: &out, width: width, sorted: sorted, indent: indent + 1)
            }
            if pretty && !o.isEmpty { newline(&out, indent * width) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private func newline(_ out: inout [UInt8], _ spaces: Int) {
        out.append(0x0A)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: spaces))
    }

    /// Doubles as the shortest text that reads back the same; non-finite values have no
    /// JSON form and become null.
    static func format(_ v: Double) -> String {
        guard v.isFinite else { return "null" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) + ".0" }
        return "\(v)"
    }

    public static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape: copied whole (the sandbox writes millions of them).
        let plain = s.utf8.withContiguousStorageIfAvailable { text -> Bool in
            guard !text.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
            out.append(contentsOf: text)
            return true
        }
        if plain == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        for c in s.utf8 {
            switch c {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
