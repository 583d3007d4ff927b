-- help(fn) needs each function's name.
-- The help a script may have kept from before the API was installed on first use.
local stand_in = rawget(_G, "help")
local names = setmetatable({}, {__mode = "k"})
local function index_names(prefix, t)
  for k, v in pairs(t) do
    if type(v) == "function" then names[v] = prefix .. k
    elseif type(v) == "table" and k ~= "_G" and prefix:match("^box") then index_names(prefix .. k .. ".", v) end
  end
end
index_names("box.", box)
for _, lib in ipairs({"csv", "json", "log"}) do index_names(lib .. ".", _G[lib]) end
names[show] = "show"
local _help = _help
rawset(_G, "_help", nil)
function help(fn)
  if fn == nil then return _help() end
  local name = type(fn) == "string" and fn or names[fn]
  if name == nil then
    io.write("no reference entry for this value; help() lists the API\n")
    return
  end
  return _help(name)
end
names[help] = "help"
if stand_in ~= nil then names[stand_in] = "help" end
