/// boxlua(1): the manual page, generated from what `--help`, the subcommands' `--help` and
/// `help()` print (``Usage/text``, ``applyHelp``, ``SandboxCommand/help``, ``APIReference``), so
/// that they never drift. `boxlua --man` prints it; scripts/install installs it.
import BoxLua

enum ManPage {
    static var text: String {
        var page = Roff()
        page.macro("TH", "BOXLUA", "1", "", "boxlua \(Usage.version)", "User Commands")
        page.macro("SH", "NAME")
        page.line("boxlua \\- Box user administration from Lua 5.4")
        let (synopsis, blocks) = splitUsage(Usage.text)
        page.macro("SH", "SYNOPSIS")
        page.macro("nf")
        for usage in synopsis { page.text(usage) }
        page.macro("fi")
        page.macro("SH", "DESCRIPTION")
        for block in blocks { render(block, into: &page) }
        page.macro("SH", "COMMANDS")
        page.macro("SS", "boxlua apply")
        page.preformatted(applyHelp)
        page.macro("SS", "boxlua sandbox")
        page.preformatted(SandboxCommand.help)
        page.macro("SH", "LUA API")
        page.text(
            "Records are plain tables with Box's JSON field names. In the REPL, help() lists these and help(fn) prints one."
        )
        for entry in APIReference.entries {
            page.macro("TP")
            page.bold(entry.signature)
            page.text(entry.summary + ".")
            let lines = entry.details.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var example: [String] = []
            func flushExample() {
                guard !example.isEmpty else { return }
                page.macro("nf")
                for l in example { page.text(l) }
                page.macro("fi")
                example = []
            }
            for l in lines where !l.isEmpty {
                if l.hasPrefix(" ") { example.append(l) } else { flushExample(); page.text(l) }
            }
            flushExample()
        }
        page.macro("SH", "SEE ALSO")
        page.line("\\fBlua\\fR(1)")
        return page.output
    }

    /// A block of the help: a heading (the lines up to one ending with ':') with its
    /// `  TERM   description` items, or a paragraph.
    enum Block {
        case paragraph([String])
        case list(heading: String, items: [(term: String, description: String)])
    }

    /// The usage lines (without `usage:`) and the blocks after them.
    static func splitUsage(_ text: String) -> (synopsis: [String], blocks: [Block]) {
        let groups = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .split(whereSeparator: { $0.allSatisfy { $0 == " " } }).map(Array.init)
        guard let first = groups.first else { return ([], []) }
        let synopsis = first.map { line -> String in
            var s = Substring(line)
            if s.hasPrefix("usage:") { s = s.dropFirst("usage:".count) }
            return String(s.drop { $0 == " " })
        }
        return (synopsis, groups.dropFirst().map(block))
    }

    static func block(_ lines: [String]) -> Block {
        guard let end = lines.firstIndex(where: { !$0.hasPrefix(" ") && $0.hasSuffix(":") }),
            lines[...end].allSatisfy({ !$0.hasPrefix(" ") }), end + 1 < lines.count
        else { return .paragraph(lines) }
        let heading = lines[...end].joined(separator: " ").dropLast()
        var items: [(term: String, description: String)] = []
        var column = 0
        for line in lines[(end + 1)...] {
            let indent = line.prefix { $0 == " " }.count
            var (left, right) = splitColumns(String(line.dropFirst(indent)))
            // A term as wide as its column leaves one space before the description
            // (`--audit-log FILE where ...`): split at the column of the items above.
            if right.isEmpty && indent <= 2 && column > indent + 1 && line.count > column {
                let characters = Array(line)
                if characters[column - 1] == " " {
                    left = String(String(characters[indent..<(column - 1)]).reversed().drop { $0 == " " }.reversed())
                    right = String(characters[column...])
                }
            }
            if indent <= 2 || items.isEmpty {
                items.append((left, right))
                column = right.isEmpty ? 0 : line.count - right.count
            } else if indent >= column && column > 0 {
                items[items.count - 1].description += " " + left + (right.isEmpty ? "" : "  " + right)
            } else {
                items[items.count - 1].term += " " + left
                if !right.isEmpty { items[items.count - 1].description += " " + right }
            }
        }
        return .list(heading: String(heading), items: items)
    }

    /// `TERM   description` split at the first run of two or more spaces.
    static func splitColumns(_ text: String) -> (String, String) {
        guard let gap = text.firstRange(of: "  ") else { return (text, "") }
        return (String(text[..<gap.lowerBound]), String(text[gap.upperBound...].drop { $0 == " " }))
    }

    private static func render(_ block: Block, into page: inout Roff) {
        switch block {
        case .paragraph(let lines):
            page.macro("PP")
            for l in lines { page.text(l.drop { $0 == " " }.description) }
        case .list(let heading, let items):
            page.macro("SS", heading)
            for item in items {
                page.macro("TP")
                page.bold(item.term)
                page.text(item.description)
            }
        }
    }
}

/// roff text: macros, and text lines escaped so that nothing in them reads as a request.
struct Roff {
    private(set) var output = ""

    mutating func macro(_ name: String, _ arguments: String...) {
        output += "." + name
        for a in arguments { output += " \"" + Self.escape(a).replacing("\"", with: "\\(dq") + "\"" }
        output += "\n"
    }

    /// A line written as is (already roff).
    mutating func line(_ roff: String) { output += roff + "\n" }

    mutating func text(_ plain: String) { output += Self.startLine(Self.escape(plain)) + "\n" }

    mutating func bold(_ plain: String) { output += "\\fB" + Self.escape(plain) + "\\fR\n" }

    mutating func preformatted(_ plain: String) {
        macro("nf")
        for l in plain.split(separator: "\n", omittingEmptySubsequences: false) {
            if l.isEmpty { macro("sp") } else { text(String(l)) }
        }
        macro("fi")
    }

    /// Backslashes and minus signs (options must be typed as ASCII hyphens).
    static func escape(_ plain: String) -> String {
        var out = ""
        for c in plain {
            switch c {
            case "\\": out += "\\e"
            case "-": out += "\\-"
            default: out.append(c)
            }
        }
        return out
    }

    /// A line starting with '.' or '\'' would be a request; `\&` keeps it text.
    private static func startLine(_ escaped: String) -> String {
        escaped.hasPrefix(".") || escaped.hasPrefix("'") ? "\\&" + escaped : escaped
    }
}
