-- log.info / log.warn / log.error: timestamped lines on stderr (--quiet keeps errors).
local log = log
local quiet = log._quiet
log._quiet = nil
local function emitter(level)
  return function(fmt, ...)
    if quiet and level ~= "ERROR" then return end
    local text = select("#", ...) > 0 and string.format(fmt, ...) or tostring(fmt)
    io.stderr:write(os.date("!%Y-%m-%dT%H:%M:%SZ"), " ", level, " ", text, "\n")
  end
end
log.info, log.warn, log.error = emitter("INFO"), emitter("WARN"), emitter("ERROR")
