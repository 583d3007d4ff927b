/// BoxLua: see Package.swift for what this target holds.
enum BoxLuaModule {}
