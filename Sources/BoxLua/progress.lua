-- With a progress line on the terminal (stderr), whatever the script writes to stdout or
-- stderr erases it first, so no text ever lands in the middle of it; the line comes back
-- at the engine's next turn. Installed only when the line is on (a terminal, no --quiet).
local clear = box._progress_clear
box._progress_clear = nil
local stdout, stderr = io.stdout, io.stderr
local pack, unpack = table.pack, table.unpack

-- Not tail calls, so an error still names the function ('print', 'write').
do
  local print = print
  _G.print = function(...)  -- replacing print is the point of this file
    clear()
    print(...)
  end
end

do
  local write = io.write
  io.write = function(...)
    clear()
    local results = pack(write(...))
    return unpack(results, 1, results.n)
  end
end

do
  local methods = getmetatable(stdout).__index
  local write = methods.write
  methods.write = function(file, ...)
    if file == stdout or file == stderr then clear() end
    local results = pack(write(file, ...))
    return unpack(results, 1, results.n)
  end
end
