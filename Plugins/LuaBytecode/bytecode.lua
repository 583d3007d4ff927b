-- bytecode.lua OUTPUT.swift FILE.lua...: writes a Swift file holding each FILE's chunk, compiled
-- with the chunk name "=FILE" and its debug information (errors still read FILE:LINE), as a
-- string whose Unicode scalars U+0000...U+00FF are the bytes (EmbeddedLua.swift decodes it).
local output = assert(arg[1], "usage: bytecode.lua OUTPUT.swift FILE.lua...")
local out = {
  "// Generated at build time by Plugins/LuaBytecode/bytecode.lua (" .. _VERSION .. "): do not edit.\n",
  "enum LuaBytecode {\n",
}
for i = 2, #arg do
  local path = arg[i]
  local name = path:match("([^/]+)$")
  local f = assert(io.open(path, "rb"))
  local text = f:read("a")
  f:close()
  local chunk = assert(load(text, "=" .. name))
  local bytes = string.dump(chunk)
  local literal = bytes:gsub(".", function(c)
    local b = c:byte()
    if b < 0x20 or b > 0x7E or c == '"' or c == "\\" then return string.format("\\u{%X}", b) end
  end)
  out[#out + 1] = "    static let " .. name:gsub("%W", "_") .. " = \"" .. literal .. "\"\n"
end
out[#out + 1] = "}\n"
local f = assert(io.open(output, "wb"))
f:write(table.concat(out))
f:close()
