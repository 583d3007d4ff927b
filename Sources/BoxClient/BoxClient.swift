/// BoxClient: see Package.swift for what this target holds.
enum BoxClientModule {}
