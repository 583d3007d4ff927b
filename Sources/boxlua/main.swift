// TEMPORARY (not committed): dispatch `sandbox` until the real main.swift lands.
import Foundation
let args = CommandLine.arguments
if args.count > 1 && args[1] == "sandbox" { exit(sandboxCommand(Array(args.dropFirst(2)))) }
print("boxlua")
