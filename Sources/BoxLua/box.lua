-- The Lua half of the box API: argument checks, option handling and the composite
-- operations (find, all, as_user, deprovision, last_logins), written in Lua over a few Swift
-- primitives (`box._call`, `box._pages`, ...), so that every Box call a script makes,
-- directly or through these, can yield inside `box.parallel`.
local box = box
local _call, _pages, _clean_path = box._call, box._pages, box._clean_path
box._call, box._pages, box._clean_path = nil, nil, nil
local type, select, tostring, error, pairs, ipairs = type, select, tostring, error, pairs, ipairs
local format, concat = string.format, table.concat

-- Lua-style argument errors, reported at the caller's line.
local function typename(n, ...)
  if select("#", ...) < n then return "no value" end
  local v = select(n, ...)
  return v == nil and "nil" or type(v)
end

-- The level of the first frame outside this file: the script line that made the call.
-- The file's source name is the one its loader gave it (=box.lua), read here, not repeated;
-- a script of the same name has another (@box.lua).
local getinfo = debug.getinfo
local own_source = getinfo(1, "S").source
local function caller_level()
  local level = 3
  while true do
    local info = getinfo(level, "S")
    if info == nil or info.source ~= own_source then return level - 1 end
    level = level + 1
  end
end

local function argerror(fname, n, msg)
  error(format("bad argument #%d to '%s' (%s)", n, fname, msg), caller_level())
end

-- A user table or an id (string or integer) as an id string; nil for anything else.
local function id_value(v)
  local t = type(v)
  if t == "string" and v ~= "" then return v end
  if t == "number" and math.tointeger(v) then return tostring(math.tointeger(v)) end
  if t == "table" and (type(v.id) == "string" or type(v.id) == "number") then return tostring(v.id) end
  return nil
end

-- Box ids (users, invites) are digits; anything else ('./42', '42/..', '%34%32') could reach
-- another path than the one the guards classify, so it is refused here.
local function digits(fname, n, id, kind)
  if not id:match("^%d+$") then argerror(fname, n, format("%s id must be digits, got '%s'", kind, id)) end
  return id
end

local function check_id_of(kind, fname, n, ...)
  local v = select(n, ...)
  local t = type(v)
  if t == "string" and v ~= "" then return digits(fname, n, v, kind) end
  if t == "number" and math.tointeger(v) then return digits(fname, n, tostring(math.tointeger(v)), kind) end
  if t == "table" and (type(v.id) == "string" or type(v.id) == "number") then
    return digits(fname, n, tostring(math.tointeger(v.id) or v.id), kind)
  end
  if t == "string" then argerror(fname, n, "non-empty string expected, got empty string") end
  argerror(fname, n, "string expected, got " .. typename(n, ...))
end

local function check_id(fname, n, ...) return check_id_of("user", fname, n, ...) end

-- Every key of an options table must be one the function knows: a misspelt option fails
-- instead of being ignored (`{forse = true}` must not delete without force silently).
local function check_keys(fname, n, t, known)
  for k in pairs(t) do
    local ok = false
    for _, name in ipairs(known) do
      if k == name then ok = true; break end
    end
    if not ok then
      local shown = type(k) == "string" and ("'" .. k .. "'") or ("of type " .. type(k))
      argerror(fname, n, format("unknown option %s (known: %s)", shown, concat(known, ", ")))
    end
  end
  return t
end

local function check_opts(fname, n, known, ...)
  local v = select(n, ...)
  if v == nil then return {} end
  if type(v) ~= "table" then argerror(fname, n, "table expected, got " .. type(v)) end
  return check_keys(fname, n, v, known)
end

local LIST_OPTS = {"filter_term", "user_type", "external_app_user_id", "fields", "page_size"}

local function check_type(fname, n, want, ...)
  local v = select(n, ...)
  if type(v) ~= want then argerror(fname, n, want .. " expected, got " .. typename(n, ...)) end
  return v
end

local function opt_field(fname, n, opts, key, want)
  local v = opts[key]
  if v ~= nil and type(v) ~= want then
    argerror(fname, n, format("'%s' must be a %s, got %s", key, want, type(v)))
  end
  return v
end

-- fields: an array or a comma-separated string; id, type, name and login always come along.
local function fields_param(fname, n, fields)
  if fields == nil then return nil end
  local list = {}
  if type(fields) == "string" then
    for f in fields:gmatch("[^,%s]+") do list[#list + 1] = f end
  elseif type(fields) == "table" then
    for i, f in ipairs(fields) do
      if type(f) ~= "string" then argerror(fname, n, format("fields[%d] must be a string", i)) end
      list[#list + 1] = f
    end
  else
    argerror(fname, n, "'fields' must be a table or a string, got " .. type(fields))
  end
  local seen, out = {}, {}
  for _, f in ipairs({"id", "type", "name", "login"}) do seen[f] = true; out[#out + 1] = f end
  for _, f in ipairs(list) do
    if not seen[f] then seen[f] = true; out[#out + 1] = f end
  end
  return concat(out, ",")
end

-- As-User for the calls of the running coroutine (box.as_user).
local as_user_of = setmetatable({}, {__mode = "k"})
local function current_as_user()
  return as_user_of[coroutine.running()]
end

local function call(op, method, path, query, body, subject)
  return _call(op, method, path, query, body, current_as_user(), subject)
end

local function pages(kind, query)
  return _pages(kind, query, current_as_user())
end

-- An iterator over the entries of successive pages; a page is fetched only when the loop
-- has used up the one before, so `break` stops the fetching.
local function entries(kind, query)
  local next_page, end_listing = pages(kind, query)
  local page, i = nil, 0
  return function()
    while true do
      if page then
        i = i + 1
        local e = page[i]
        if e ~= nil then return e end
      end
      page = next_page()
      if page == nil then return nil end
      i = 0
    end
  end, nil, nil, setmetatable({}, {__close = end_listing})  -- closed when the loop ends
end

local users = {}
box.users = users

local function list_query(fname, opts)
  local q = {}
  q.filter_term = opt_field(fname, 1, opts, "filter_term", "string")
  q.user_type = opt_field(fname, 1, opts, "user_type", "string")
  q.external_app_user_id = opt_field(fname, 1, opts, "external_app_user_id", "string")
  q.fields = fields_param(fname, 1, opts.fields)
  local size = opts.page_size
  if size ~= nil then
    if math.type(size) ~= "integer" or size < 1 then
      argerror(fname, 1, "'page_size' must be a positive integer")
    end
    q.limit = tostring(math.min(size, 1000))
  end
  return q
end

function users.list(...)
  local opts = check_opts("list", 1, LIST_OPTS, ...)
  return entries("users", list_query("list", opts))
end

function users.all(...)
  local opts = check_opts("all", 1, LIST_OPTS, ...)
  local out = {}
  for u in entries("users", list_query("all", opts)) do out[#out + 1] = u end
  return out
end

function users.get(...)
  local id = check_id("get", 1, ...)
  local opts = check_opts("get", 2, {"fields"}, ...)
  return call("users.get", "GET", "/2.0/users/" .. id, {fields = fields_param("get", 2, opts.fields)})
end

function users.me(...)
  local opts = check_opts("me", 1, {"fields"}, ...)
  return call("users.me", "GET", "/2.0/users/me", {fields = fields_param("me", 1, opts.fields)})
end

function users.find(...)
  local login = check_type("find", 1, "string", ...)
  local want = login:lower()
  for u in entries("users", {filter_term = login, user_type = "all", limit = "1000"}) do
    if type(u.login) == "string" and u.login:lower() == want then return u end
  end
  return nil
end

local function body_of(fname, n, t)
  local body = {}
  for k, v in pairs(t) do
    if type(k) ~= "string" then argerror(fname, n, "field names must be strings") end
    body[k] = v
  end
  return body
end

function users.create(...)
  local t = check_type("create", 1, "table", ...)
  local body = body_of("create", 1, t)
  if type(body.name) ~= "string" then argerror("create", 1, "'name' must be a string") end
  if type(body.login) ~= "string" and not body.is_platform_access_only then
    argerror("create", 1, "'login' must be a string")
  end
  return call("users.create", "POST", "/2.0/users", {}, body, {login = body.login})
end

function users.create_app_user(...)
  local t = check_type("create_app_user", 1, "table", ...)
  local body = body_of("create_app_user", 1, t)
  if type(body.name) ~= "string" then argerror("create_app_user", 1, "'name' must be a string") end
  body.is_platform_access_only = true
  return call("users.create", "POST", "/2.0/users", {}, body, {login = body.external_app_user_id})
end

local function subject_of(v, id)
  if type(v) == "table" then return {id = id, login = v.login} end
  return {id = id}
end

function users.update(...)
  local id = check_id("update", 1, ...)
  local changes = check_type("update", 2, "table", ...)
  local subject = subject_of((...), id)
  return call("users.update", "PUT", "/2.0/users/" .. id, {}, body_of("update", 2, changes), subject)
end

function users.suspend(...)
  local id = check_id("suspend", 1, ...)
  return call("users.update", "PUT", "/2.0/users/" .. id, {}, {status = "inactive"}, subject_of((...), id))
end

function users.activate(...)
  local id = check_id("activate", 1, ...)
  return call("users.update", "PUT", "/2.0/users/" .. id, {}, {status = "active"}, subject_of((...), id))
end

local function flag(fname, n, opts, key)
  local v = opt_field(fname, n, opts, key, "boolean")
  return v and "true" or "false"
end

function users.delete(...)
  local id = check_id("delete", 1, ...)
  local opts = check_opts("delete", 2, {"force", "notify"}, ...)
  local q = {force = flag("delete", 2, opts, "force"), notify = flag("delete", 2, opts, "notify")}
  call("users.delete", "DELETE", "/2.0/users/" .. id, q, nil, subject_of((...), id))
  return true
end

function users.transfer_content(...)
  local from = check_id("transfer_content", 1, ...)
  local to = check_id("transfer_content", 2, ...)
  local opts = check_opts("transfer_content", 3, {"notify"}, ...)
  if from == to then argerror("transfer_content", 2, "cannot transfer a user's content to the same user") end
  local q = {notify = flag("transfer_content", 3, opts, "notify")}
  return call("users.transfer_content", "PUT", "/2.0/users/" .. from .. "/folders/0", q,
    {owned_by = {id = to}}, subject_of((...), from))
end

local function string_list(fname, n, v, key)
  if v == nil then return {} end
  if type(v) ~= "table" then argerror(fname, n, format("'%s' must be an array of strings", key)) end
  local out = {}
  for i, s in ipairs(v) do
    if type(s) == "table" then s = s.id end
    if type(s) == "number" then s = tostring(math.tointeger(s) or s) end
    if type(s) ~= "string" then argerror(fname, n, format("%s[%d] must be a string", key, i)) end
    out[#out + 1] = s
  end
  return out
end

function users.terminate_sessions(...)
  local t = check_type("terminate_sessions", 1, "table", ...)
  check_keys("terminate_sessions", 1, t, {"user_ids", "user_logins"})
  local ids = string_list("terminate_sessions", 1, t.user_ids, "user_ids")
  for i, id in ipairs(ids) do
    if not id:match("^%d+$") then
      argerror("terminate_sessions", 1, format("user_ids[%d] must be digits, got '%s'", i, id))
    end
  end
  local logins = string_list("terminate_sessions", 1, t.user_logins, "user_logins")
  if #ids == 0 and #logins == 0 then
    argerror("terminate_sessions", 1, "give user_ids or user_logins")
  end
  local r = call("users.terminate_sessions", "POST", "/2.0/users/terminate_sessions", {},
    {user_ids = ids, user_logins = logins}, {id = ids[1], login = logins[1]})
  return r and r.message or r
end

function users.memberships(...)
  local id = check_id("memberships", 1, ...)
  return entries("memberships", {user_id = id})
end

box.invites = {}
function box.invites.create(...)
  local t = check_keys("create", 1, check_type("create", 1, "table", ...), {"enterprise_id", "login"})
  local login = t.login
  if type(login) ~= "string" then argerror("create", 1, "'login' must be a string") end
  local enterprise = t.enterprise_id
  if enterprise == nil then
    local me = users.me({fields = {"enterprise"}})
    enterprise = me.enterprise and me.enterprise.id
  end
  if type(enterprise) == "number" then enterprise = tostring(math.tointeger(enterprise)) end
  if type(enterprise) ~= "string" then argerror("create", 1, "'enterprise_id' must be a string") end
  return call("invites.create", "POST", "/2.0/invites", {},
    {enterprise = {id = enterprise}, actionable_by = {login = login}}, {login = login})
end

function box.invites.get(...)
  local id = check_id_of("invite", "get", 1, ...)
  return call("invites.get", "GET", "/2.0/invites/" .. id, {})
end

-- Dates for the events API: ISO 8601 strings as given, numbers as Unix seconds (UTC).
local function event_time(fname, v, key)
  if v == nil or type(v) == "string" then return v end
  if type(v) == "number" then return os.date("!%Y-%m-%dT%H:%M:%SZ", math.floor(v)) end
  argerror(fname, 1, format("'%s' must be a string or a number", key))
end

box.events = {}
function box.events.admin_logs(...)
  local opts = check_opts("admin_logs", 1, {"event_type", "created_after", "created_before"}, ...)
  local types = opts.event_type
  if type(types) == "table" then types = concat(types, ",") end
  if types ~= nil and type(types) ~= "string" then
    argerror("admin_logs", 1, "'event_type' must be a table or a string")
  end
  return entries("admin_logs", {
    event_type = types,
    created_after = event_time("admin_logs", opts.created_after, "created_after"),
    created_before = event_time("admin_logs", opts.created_before, "created_before"),
  })
end

function box.last_logins(...)
  local opts = check_opts("last_logins", 1, {"days"}, ...)
  local days = opts.days or 180
  if type(days) ~= "number" or days <= 0 then argerror("last_logins", 1, "'days' must be a positive number") end
  local newest = {}
  local after = os.time() - math.floor(days * 86400)
  for e in box.events.admin_logs{event_type = "LOGIN", created_after = after} do
    local who = e.created_by or e.source
    local id = who and who.id
    if id and (newest[id] == nil or e.created_at > newest[id]) then newest[id] = e.created_at end
  end
  return newest
end

-- Box's deprovisioning order: inactive (logs them out), transfer owned content, delete.
function box.deprovision(...)
  local id = check_id("deprovision", 1, ...)
  local opts = check_opts("deprovision", 2, {"transfer_to", "delete", "force", "notify"}, ...)
  local u = select(1, ...)
  local transfer_to = opts.transfer_to
  if transfer_to ~= nil then
    transfer_to = id_value(transfer_to) or argerror("deprovision", 2, "'transfer_to' must be a user or a user id")
    if not transfer_to:match("^%d+$") then
      argerror("deprovision", 2, format("'transfer_to' user id must be digits, got '%s'", transfer_to))
    end
  end
  local delete = opts.delete
  if delete == nil then delete = true end
  local login = type(u) == "table" and u.login or nil
  local report = {user = {id = id, login = login}, ok = true, steps = {}}
  local plan = {{"suspend"}}
  if transfer_to then plan[#plan + 1] = {"transfer_content"} end
  if delete then plan[#plan + 1] = {"delete"} end
  if transfer_to == id then
    report.ok = false
    report.error = "transfer_to is the user being deprovisioned"
    for _, p in ipairs(plan) do report.steps[#report.steps + 1] = {step = p[1], ok = false, skipped = true} end
    return report
  end
  local actions = {
    suspend = function()
      local r = users.suspend(u)
      report.user.login = report.user.login or r.login
    end,
    transfer_content = function()
      local f = users.transfer_content(u, transfer_to, {notify = opts.notify})
      return f
    end,
    delete = function()
      return users.delete(u, {force = opts.force, notify = opts.notify})
    end,
  }
  for _, p in ipairs(plan) do
    local step = {step = p[1]}
    if not report.ok then
      step.ok, step.skipped = false, true
    else
      local ok, res = pcall(actions[p[1]])
      step.ok = ok
      if ok then
        if p[1] == "transfer_content" and type(res) == "table" then step.folder = res end
      else
        step.error = res
        report.ok = false
        report.error = format("%s failed: %s", p[1], tostring(res))
      end
    end
    report.steps[#report.steps + 1] = step
  end
  return report
end

function box.request(...)
  local method = check_type("request", 1, "string", ...):upper()
  local path = check_type("request", 2, "string", ...)
  local opts = check_opts("request", 3, {"query", "body", "headers"}, ...)
  if path:sub(1, 1) ~= "/" then argerror("request", 2, "path must start with /, e.g. /2.0/users") end
  -- The guards classify the path that is sent: './', '..', '//' and %-escapes resolved first.
  local clean, why = _clean_path(path)
  if clean == nil then argerror("request", 2, why) end
  local q = opts.query or {}
  if type(q) ~= "table" then argerror("request", 3, "'query' must be a table") end
  if opts.body ~= nil and type(opts.body) ~= "table" then argerror("request", 3, "'body' must be a table") end
  if opts.headers ~= nil and type(opts.headers) ~= "table" then argerror("request", 3, "'headers' must be a table") end
  return box._request(method, clean, q, opts.body, opts.headers, current_as_user())
end

function box.as_user(...)
  local id = check_id("as_user", 1, ...)
  local fn = check_type("as_user", 2, "function", ...)
  local co = coroutine.running()
  local before = as_user_of[co]
  as_user_of[co] = id
  local r = table.pack(pcall(fn))
  as_user_of[co] = before
  if not r[1] then error(r[2], 0) end
  return table.unpack(r, 2, r.n)
end

-- The As-User context belongs to everything fn starts: each box.parallel worker is a new
-- coroutine, so it takes on the As-User of the coroutine that called box.parallel.
-- Its arguments are checked here so that errors name the script's line.
local _parallel = box.parallel
local is_worker = setmetatable({}, {__mode = "k"})
function box.parallel(...)
  local items = check_type("parallel", 1, "table", ...)
  local fn = check_type("parallel", 2, "function", ...)
  local opts = check_opts("parallel", 3, {"workers"}, ...)
  local workers = opts.workers
  if workers ~= nil and (math.type(workers) ~= "integer" or workers < 1 or workers > 64) then
    argerror("parallel", 3, "'workers' must be an integer from 1 to 64")
  end
  if is_worker[coroutine.running()] then error("box.parallel cannot run inside box.parallel", caller_level()) end
  local who = current_as_user()
  return _parallel(items, function(...)
    local co = coroutine.running()
    is_worker[co] = true
    as_user_of[co] = who
    return fn(...)
  end, opts)
end

-- Coroutines fn creates inside box.as_user take on its As-User too (the context belongs to
-- everything fn starts), fixed when the coroutine is created.
local co_create, co_wrap = coroutine.create, coroutine.wrap
local function inheriting(fname, ...)
  local f = check_type(fname, 1, "function", ...)
  local who = current_as_user()
  if who == nil then return f end
  return function(...)
    as_user_of[coroutine.running()] = who
    return f(...)
  end
end
function coroutine.create(...) return co_create(inheriting("create", ...)) end
function coroutine.wrap(...) return co_wrap(inheriting("wrap", ...)) end
