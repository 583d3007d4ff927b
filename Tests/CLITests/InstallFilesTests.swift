/// What scripts/install puts beside the binary, against what it is made from: the manual page
/// (`boxlua --man`) against `--help`, the subcommands' help and `help()`; each shell's
/// completions against the option tables the command line reads.
import BoxLua
import Foundation
import TestSupport
import Testing

@testable import BoxluaCommand

@Suite struct ManPageTests {
    /// The page as plain text: request names dropped, their arguments unquoted, font and
    /// character escapes undone, every run of white space one space.
    static func plain(_ roff: String) -> String {
        var lines: [String] = []
        for line in roff.split(separator: "\n", omittingEmptySubsequences: false) {
            var text = String(line)
            if text.hasPrefix(".") {
                text = String(text.drop { $0 != " " }).replacing("\"", with: "")
            }
            lines.append(text)
        }
        var text = lines.joined(separator: "\n")
        for (escape, plain) in [
            ("\\fB", ""), ("\\fR", ""), ("\\fI", ""), ("\\&", ""), ("\\-", "-"), ("\\(dq", "\""), ("\\e", "\\"),
        ] {
            text = text.replacing(escape, with: plain)
        }
        return squeezed(text)
    }

    static func squeezed(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
    }

    /// The pieces of a help line: its columns (split at two or more spaces), `usage:` and a
    /// heading's closing ':' dropped.
    static func fragments(_ text: String) -> [String] {
        text.split(separator: "\n").flatMap { line in
            line.replacing("usage:", with: "").split(separator: "  ").map { piece in
                let text = squeezed(String(piece))
                return line.first != " " && text.hasSuffix(":") ? String(text.dropLast()) : text
            }
        }.filter { !$0.isEmpty }
    }

    static func page() throws -> String {
        let man = try boxlua(["--man"])
        #expect(man.status == 0)
        #expect(man.stderr == "")
        #expect(man.stdout.hasPrefix(".TH \"BOXLUA\" \"1\" "))
        return plain(man.stdout)
    }

    static func expectAll(_ text: String, in page: String, _ what: String) {
        let missing = fragments(text).filter { !page.contains($0) }
        #expect(missing.isEmpty, "\(what): not in the man page: \(missing)")
    }

    @Test func holdsEveryLineOfTheHelp() throws {
        let help = try boxlua(["--help"])
        #expect(help.status == 0)
        Self.expectAll(help.stdout, in: try Self.page(), "boxlua --help")
    }

    @Test func holdsTheSubcommandsHelp() throws {
        let page = try Self.page()
        for command in ["apply", "sandbox"] {
            let help = try boxlua([command, "--help"])
            #expect(help.status == 0)
            Self.expectAll(help.stdout, in: page, "boxlua \(command) --help")
        }
    }

    @Test func holdsEveryEntryOfHelp() throws {
        let page = try Self.page()
        let overview = try boxlua(["-e", "help()"])
        #expect(overview.status == 0)
        Self.expectAll(
            overview.stdout.split(separator: "\n").dropFirst().joined(separator: "\n"), in: page, "help()")
        for entry in APIReference.entries {
            let one = try boxlua(["-e", "help('\(entry.name)')"])
            #expect(one.status == 0)
            Self.expectAll(one.stdout, in: page, "help('\(entry.name)')")
        }
    }

    /// A help text with a line of every kind: the page is made from its parts, not copied.
    @Test func readsHeadingsItemsAndContinuations() {
        let (synopsis, blocks) = ManPage.splitUsage(
            """
            usage: tool [A]
                   tool B

            A paragraph
            of two lines.

            Options (a heading
            on two lines):
              -a, --all        every one
                               and more
              X_ONE and        both
                X_TWO
              --wide-term FILE as wide as the column
            """)
        #expect(synopsis == ["tool [A]", "tool B"])
        #expect(blocks.count == 2)
        guard blocks.count == 2 else { return }
        guard case .paragraph(let lines) = blocks[0] else { Issue.record("not a paragraph"); return }
        #expect(lines == ["A paragraph", "of two lines."])
        guard case .list(let heading, let items) = blocks[1] else { Issue.record("not a list"); return }
        #expect(heading == "Options (a heading on two lines)")
        #expect(items.map(\.term) == ["-a, --all", "X_ONE and X_TWO", "--wide-term FILE"])
        #expect(items.map(\.description) == ["every one and more", "both", "as wide as the column"])
    }

    @Test func escapesWhatRoffWouldReadAsRequests() {
        var roff = Roff()
        roff.text(".lines starting with a dot, back\\slashes and -options")
        roff.text("'quoted")
        #expect(roff.output == "\\&.lines starting with a dot, back\\eslashes and \\-options\n\\&'quoted\n")
    }
}

@Suite struct CompletionFilesTests {
    static func file(_ name: String) throws -> String {
        try String(contentsOf: packageRoot().appendingPathComponent("scripts/completions/\(name)"), encoding: .utf8)
    }

    /// The long options of a table as a completion offers them (`--sandbox` and `--sandbox=`).
    static func offered(_ options: [LongOption]) -> Set<String> {
        var names = Set<String>()
        for o in options {
            names.insert(o.name)
            if case .attachedOnly = o.value { names.insert(o.name + "=") }
        }
        return names
    }

    /// The short options `--help` lists (`  -e CHUNK ...`, `  -v, --version ...`).
    static var shortOptions: Set<String> {
        Set(
            Usage.text.split(separator: "\n").compactMap { line -> String? in
                let t = line.drop { $0 == " " }
                guard line.hasPrefix("  "), t.count > 2, t.first == "-", t.dropFirst().first?.isLetter == true,
                    t.dropFirst(2).first == " " || t.dropFirst(2).first == ","
                else { return nil }
                return String(t.prefix(2))
            })
    }

    static let tables: [(name: String, options: [LongOption])] =
        [("run", RunOptions.longOptions)]
        + subcommands.keys.sorted().map { ($0, subcommands[$0]!.options) }

    @Test func bashOffersEveryOptionOfEachCommandAndNoOther() throws {
        let text = try Self.file("boxlua.bash")
        for (name, options) in Self.tables {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("_boxlua_\(name)_options='") })
            else {
                Issue.record("no _boxlua_\(name)_options")
                continue
            }
            let listed = Set(line.split(separator: "'")[1].split(separator: " ").map(String.init))
            let expected = Self.offered(options).union(name == "run" ? Self.shortOptions : [])
            #expect(listed == expected, "\(name)")
        }
        let subcommandLine = text.split(separator: "\n").first { $0.hasPrefix("_boxlua_subcommands='") } ?? ""
        let listed = Set(
            subcommandLine.split(separator: "'").dropFirst().first?.split(separator: " ").map(String.init) ?? [])
        #expect(listed == Set(subcommands.keys))
    }

    /// The text of zsh's `local -a NAME_options=(...)` array (login's adds to whoami's).
    static func zshArray(_ zsh: String, _ name: String) -> String {
        if name == "login" {
            let line = zsh.split(separator: "\n").first { $0.contains("local -a login_options=") } ?? ""
            return zshArray(zsh, "whoami") + line
        }
        guard let start = zsh.range(of: "local -a \(name)_options=(") else { return "" }
        let rest = zsh[start.upperBound...]
        return String(rest[..<(rest.range(of: "\n  )")?.lowerBound ?? rest.endIndex)])
    }

    @Test func zshAndFishOfferEveryOptionOfEachCommand() throws {
        let zsh = try Self.file("_boxlua"), fish = try Self.file("boxlua.fish")
        for (name, options) in Self.tables {
            let zshOptions = Self.zshArray(zsh, name)
            let condition = name == "run" ? "'__boxlua_is none'" : "__boxlua_is \(name)"
            let fishLines = fish.split(separator: "\n").filter {
                $0.contains(condition) || (["login", "whoami"].contains(name) && $0.contains("__boxlua_is $command"))
            }
            for option in options.map(\.name) {
                #expect(
                    ["[", "=", "}"].contains { zshOptions.contains(option + $0) }, "zsh \(name) \(option)")
                #expect(fishLines.contains { $0.contains("-l \(option.dropFirst(2)) ") }, "fish \(name) \(option)")
            }
        }
    }
}
