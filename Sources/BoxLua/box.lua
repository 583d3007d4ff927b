-- The Lua half of the box API: one function per row of the table of Box operations
-- (`box._operations`, from BoxClient's BoxOperations.swift), with the row's argument checks,
-- and the composite operations (find, all, suspend, deprovision, as_user, ...), written in Lua
-- over a few Swift primitives (`box._call`, `box._pages`, ...), so that every Box call a script
-- makes, directly or through these, can yield inside `box.parallel`.
local box = box
local _call, _pages, _clean_path, operations = box._call, box._pages, box._clean_path, box._operations
box._call, box._pages, box._clean_path, box._operations = nil, nil, nil, nil
local type, select, tostring, error, pairs, ipairs = type, select, tostring, error, pairs, ipairs
local format, concat = string.format, table.concat
-- JSON's null (the embedded-Lua tests run this file without the json helpers).
local null = rawget(_G, "json") and json.null

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

local function check_type(fname, n, want, ...)
  local v = select(n, ...)
  if type(v) ~= want then argerror(fname, n, want .. " expected, got " .. typename(n, ...)) end
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

-- An iterator over the entries of successive pages; a page is fetched only when the loop
-- has used up the one before, so `break` stops the fetching.
local function entries(name, params, query)
  local next_page, end_listing = _pages(name, params, query, current_as_user())
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

-- Dates for the events API: ISO 8601 strings as given, numbers as Unix seconds (UTC).
local function event_time(fname, n, v, key)
  if v == nil or type(v) == "string" then return v end
  if type(v) == "number" then return os.date("!%Y-%m-%dT%H:%M:%SZ", math.floor(v)) end
  argerror(fname, n, format("'%s' must be a string or a number", key))
end

local function body_of(fname, n, t)
  local body = {}
  for k, v in pairs(t) do
    if type(k) ~= "string" then argerror(fname, n, "field names must be strings") end
    body[k] = v
  end
  return body
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

-- An option's value as the request carries it, by the row's kind of option; nil: not sent.
local option_value = {
  flag = function(fname, n, v, o)
    if v ~= nil and type(v) ~= "boolean" then
      argerror(fname, n, format("'%s' must be a boolean, got %s", o.key, type(v)))
    end
    if v == nil then return nil end
    return v and "true" or "false"
  end,
  string = function(fname, n, v, o)
    if o.required and type(v) ~= "string" then argerror(fname, n, format("'%s' must be a string", o.key)) end
    if v ~= nil and type(v) ~= "string" then
      argerror(fname, n, format("'%s' must be a string, got %s", o.key, type(v)))
    end
    return v
  end,
  fields = function(fname, n, v) return fields_param(fname, n, v) end,
  positive_integer = function(fname, n, v, o)
    if v == nil then return nil end
    if math.type(v) ~= "integer" or v < 1 then argerror(fname, n, format("'%s' must be a positive integer", o.key)) end
    return tostring(o.max and math.min(v, o.max) or v)
  end,
  list = function(fname, n, v, o)
    if type(v) == "table" then v = concat(v, ",") end
    if v ~= nil and type(v) ~= "string" then argerror(fname, n, format("'%s' must be a table or a string", o.key)) end
    return v
  end,
  time = function(fname, n, v, o) return event_time(fname, n, v, o.key) end,
  id = function(fname, n, v, o)
    if v == nil and not o.required then return nil end
    if type(v) == "number" then v = tostring(math.tointeger(v)) end
    if type(v) ~= "string" then argerror(fname, n, format("'%s' must be a string", o.key)) end
    return v
  end,
  id_list = function(fname, n, v, o)
    if v == nil then return nil end
    local ids = string_list(fname, n, v, o.key)
    for i, id in ipairs(ids) do
      if not id:match("^%d+$") then argerror(fname, n, format("%s[%d] must be digits, got '%s'", o.key, i, id)) end
    end
    return ids
  end,
  string_list = function(fname, n, v, o)
    if v == nil then return nil end
    return string_list(fname, n, v, o.key)
  end,
}

-- Puts a value where a row says it goes: a path parameter, the query, or a key path of the body.
local function place(call, where, value)
  if where.param then
    call.params[where.param] = value
  elseif where.query then
    call.query[where.query] = value
  else
    call.body = call.body or {}
    local t, keys = call.body, where.body
    for i = 1, #keys - 1 do
      t[keys[i]] = t[keys[i]] or {}
      t = t[keys[i]]
    end
    t[keys[#keys]] = value
  end
end

-- Checks the arguments of a call of `op` (named `fname` in errors) as its row says, and
-- returns the call: {params=, query=, body=, notes=}.
local function prepare(op, fname, ...)
  local call = {params = {}, query = {}, body = nil, notes = {}}
  local ids, opts, opts_n = {}, nil, nil
  for n, a in ipairs(op.args) do
    if a.kind == "id" then
      local id = check_id_of(a.of, fname, n, ...)
      ids[#ids + 1] = {n = n, id = id}
      place(call, a, id)
      local v = select(n, ...)
      if type(v) == "table" then
        -- What the record says of itself, for readable dry-run lines and audit subjects.
        call.notes[#call.notes + 1] = {of = a.of, id = id, login = v.login, name = v.name,
          group = type(v.group) == "table" and v.group or nil, user = type(v.user) == "table" and v.user or nil}
      end
    elseif a.kind == "string" then
      place(call, a, check_type(fname, n, "string", ...))
    elseif a.kind == "options" then
      if a.required then
        opts = check_keys(fname, n, check_type(fname, n, "table", ...), op.option_keys)
      else
        opts = check_opts(fname, n, op.option_keys, ...)
      end
      opts_n = n
    else
      local body = body_of(fname, n, check_type(fname, n, "table", ...))
      for _, k in ipairs(a.required) do
        if type(body[k.key]) ~= "string" and not (k.unless and body[k.unless]) then
          argerror(fname, n, format("'%s' must be a string", k.key))
        end
      end
      call.body = body
    end
  end
  if op.different_ids and ids[2] and ids[1].id == ids[2].id then argerror(fname, ids[2].n, op.different_ids) end
  if opts then
    -- Required options first: what is missing is named before what is malformed.
    for _, pass in ipairs({true, false}) do
      for _, o in ipairs(op.options) do
        if o.required == pass then
          local v = option_value[o.kind](fname, opts_n, opts[o.key], o)
          if v == nil then v = o.absent end
          if v ~= nil then place(call, o, v) end
        end
      end
    end
    if op.at_least_one then
      local given = false
      for _, key in ipairs(op.at_least_one) do
        local list = call.body and call.body[key]
        if list and #list > 0 then given = true end
      end
      if not given then argerror(fname, opts_n, "give " .. concat(op.at_least_one, " or ")) end
    end
  end
  return call
end

-- Sends a prepared call of `op` and returns what the row says the function returns.
local function send(op, call)
  local r = _call(op.name, call.params, call.query, call.body, current_as_user(), call.notes)
  if op.returns == "true" then return true end
  if op.returns == "message" then return r and r.message or r end
  if op.returns == "entries" then return type(r) == "table" and r.entries or {} end
  return r
end

-- One function per row: box.users.delete for users.delete.
local fn, op_named = {}, {}
for _, op in ipairs(operations) do
  op_named[op.name] = op
  op.option_keys = {}
  for i, o in ipairs(op.options) do op.option_keys[i] = o.key end
  local space, fname = op.name:match("^(.-)%.([^.]+)$")
  if op.paged then
    fn[op.name] = function(...)
      local call = prepare(op, fname, ...)
      return entries(op.name, call.params, call.query)
    end
  else
    fn[op.name] = function(...) return send(op, prepare(op, fname, ...)) end
  end
  box[space] = box[space] or {}
  box[space][fname] = fn[op.name]
end

-- The composites.
local users = box.users

function users.all(...)
  local call = prepare(op_named["users.list"], "all", ...)
  local out = {}
  for u in entries("users.list", call.params, call.query) do out[#out + 1] = u end
  return out
end

function users.find(...)
  local login = check_type("find", 1, "string", ...)
  local want = login:lower()
  for u in entries("users.list", {}, {filter_term = login, user_type = "all", limit = "1000"}) do
    if type(u.login) == "string" and u.login:lower() == want then return u end
  end
  return nil
end

function users.create_app_user(...)
  local t = check_type("create_app_user", 1, "table", ...)
  local body = body_of("create_app_user", 1, t)
  if type(body.name) ~= "string" then argerror("create_app_user", 1, "'name' must be a string") end
  body.is_platform_access_only = true
  return fn["users.create"](body)
end

function users.suspend(...)
  check_id("suspend", 1, ...)
  return fn["users.update"]((...), {status = "inactive"})
end

function users.activate(...)
  check_id("activate", 1, ...)
  return fn["users.update"]((...), {status = "active"})
end

-- enterprise_id defaults to the signed-in user's enterprise.
function box.invites.create(...)
  local op = op_named["invites.create"]
  local call = prepare(op, "create", ...)
  if call.body.enterprise == nil then
    local me = fn["users.me"]({fields = {"enterprise"}})
    local enterprise = me.enterprise and me.enterprise.id
    if type(enterprise) == "number" then enterprise = tostring(math.tointeger(enterprise)) end
    if type(enterprise) ~= "string" then argerror("create", 1, "'enterprise_id' must be a string") end
    call.body.enterprise = {id = enterprise}
  end
  return send(op, call)
end

-- A read for the composites below, made As-User `as_user` (nil: the caller's).
local function read(path, query, as_user)
  return box._request("GET", path, query or {}, nil, nil, as_user or current_as_user())
end

-- A marker-paged listing (entries, next_marker) read to its end, one call a page, so each
-- call yields inside box.parallel as every other call does.
local function marker_all(path, query, as_user)
  local out, marker = {}, nil
  repeat
    local q = {limit = "1000", marker = marker}
    for k, v in pairs(query or {}) do q[k] = v end
    local page = read(path, q, as_user)
    for _, e in ipairs(type(page) == "table" and page.entries or {}) do out[#out + 1] = e end
    marker = type(page) == "table" and page.next_marker or nil
  until type(marker) ~= "string" or marker == ""
  return out
end

-- Every item of a folder (offset paging), as the user `as_user` sees it; folder 0 is that
-- user's All Files.
local function folder_items(id, fields, as_user)
  local out, offset = {}, 0
  while true do
    local page = read("/2.0/folders/" .. id .. "/items", {fields = fields, limit = "1000", offset = tostring(offset)},
      as_user)
    local got = type(page) == "table" and page.entries or {}
    for _, e in ipairs(got) do out[#out + 1] = e end
    offset = offset + #got
    if #got == 0 or offset >= (page.total_count or 0) then return out end
  end
end

-- The items of the user's All Files that the user owns (As-User: needs an admin sign-in).
local function owned_root_items(id)
  local out = {}
  for _, item in ipairs(folder_items("0", "name,owned_by,size,created_at,modified_at", id)) do
    if type(item.owned_by) == "table" and tostring(item.owned_by.id) == id then out[#out + 1] = item end
  end
  return out
end

function users.owned_folders(...)
  local id = check_id("owned_folders", 1, ...)
  local out = {}
  for _, item in ipairs(owned_root_items(id)) do
    if item.type == "folder" then out[#out + 1] = item end
  end
  return out
end

-- Every page of a folder's collaborations, as one array (its row reads one page).
function box.folders.collaborations(...)
  local id = check_id_of("folder", "collaborations", 1, ...)
  return marker_all("/2.0/folders/" .. id .. "/collaborations")
end

-- A role Box does not know is an argument error here, not a 400 from Box after the guards.
local COLLABORATION_ROLES = {"editor", "viewer", "previewer", "uploader", "previewer uploader", "viewer uploader",
  "co-owner", "owner"}
local update_collaboration = box.collaborations.update
function box.collaborations.update(...)
  local changes = select(2, ...)
  local role = type(changes) == "table" and changes.role or nil
  if type(role) == "string" then
    local known = false
    for _, r in ipairs(COLLABORATION_ROLES) do known = known or r == role end
    if not known then argerror("update", 2, "'role' must be one of " .. concat(COLLABORATION_ROLES, ", ")) end
  end
  return update_collaboration(...)
end

local function domain_of(login)
  local d = type(login) == "string" and login:match("@([^@]+)$")
  return d and d:lower() or nil
end

-- Each collaboration on the folders `id` owns, as {folder, collaboration, collaborator, role,
-- status, external}; external: the collaborator's login domain is not the owner's.
local function collaborations_of(id, login, folders)
  local home = domain_of(login)
  local out = {}
  for _, f in ipairs(folders) do
    for _, c in ipairs(marker_all("/2.0/folders/" .. f.id .. "/collaborations", {}, id)) do
      local who = c.accessible_by or {login = c.invite_email}
      local external = false
      if who.type ~= "group" then
        local d = domain_of(who.login)
        external = d ~= nil and home ~= nil and d ~= home
      end
      out[#out + 1] = {folder = f, collaboration = c, collaborator = who, role = c.role, status = c.status,
        external = external}
    end
  end
  return out
end

function users.collaborations(...)
  local id = check_id("collaborations", 1, ...)
  local v = select(1, ...)
  local login = type(v) == "table" and type(v.login) == "string" and v.login
    or fn["users.get"](id, {fields = {"login"}}).login
  return collaborations_of(id, login, users.owned_folders(id))
end

-- The policies that make Box refuse to delete a user. Box refuses (403 "User cannot be
-- deleted due to retention policies. Please transfer user content first", even with force)
-- while the user owns content and the enterprise has any legal hold or retention policy,
-- whether or not it covers that content (Box support article 33282413279635; released holds
-- hold nothing, retired retention policies count: README, "The sandbox"). A user who owns
-- nothing is not refused: the list is empty.
local function holds_of(id)
  local owned = owned_root_items(id)
  if #owned == 0 and (tonumber(fn["users.get"](id, {fields = {"space_used"}}).space_used) or 0) == 0 then
    return {}
  end
  local mine = {}
  for _, item in ipairs(owned) do mine[tostring(item.id)] = item end
  local function covering(assignments, kind)
    for _, a in ipairs(assignments) do
      local to = a.assigned_to or {}
      local item = to.id and mine[tostring(to.id)]
      if kind == "legal_hold" and to.type == "user" and tostring(to.id) == id then return "names them as custodian" end
      if item then return format("covers their folder '%s'", item.name or item.id) end
      if kind == "retention" and to.type == "enterprise" then return "covers the whole enterprise" end
    end
    return nil
  end
  local out = {}
  local function add(kind, label, p, assignments)
    local why = covering(assignments, kind)
    local reason = format("%s '%s' %s", label, p.policy_name or p.id,
      why or "exists in the enterprise (Box refuses while the user owns content)")
    local entry = {kind = kind, policy = p, reason = reason}
    if why then table.insert(out, 1, entry) else out[#out + 1] = entry end
  end
  for _, p in ipairs(marker_all("/2.0/legal_hold_policies")) do
    if p.status ~= "released" then
      add("legal_hold", "legal hold", p, marker_all("/2.0/legal_hold_policy_assignments", {policy_id = p.id}))
    end
  end
  for _, p in ipairs(marker_all("/2.0/retention_policies")) do
    add("retention", "retention policy", p, marker_all("/2.0/retention_policies/" .. p.id .. "/assignments"))
  end
  return out
end

function users.holds(...)
  return holds_of(check_id("holds", 1, ...))
end

local groups = box.groups

-- The group whose name matches exactly, ignoring case (filter_term is a prefix match).
function groups.find(...)
  local name = check_type("find", 1, "string", ...)
  local want = name:lower()
  for g in entries("groups.list", {}, {filter_term = name}) do
    if type(g.name) == "string" and g.name:lower() == want then return g end
  end
  return nil
end

-- The membership is found among the user's groups (a user has fewer than a group has members).
function groups.remove_member(...)
  local group = check_id_of("group", "remove_member", 1, ...)
  check_id("remove_member", 2, ...)
  for m in fn["users.memberships"]((select(2, ...))) do
    if type(m.group) == "table" and tostring(m.group.id) == group then
      fn["memberships.delete"](m)
      return true
    end
  end
  return false
end

function box.last_logins(...)
  local opts = check_opts("last_logins", 1, {"days"}, ...)
  local days = opts.days or 180
  if type(days) ~= "number" or days <= 0 then argerror("last_logins", 1, "'days' must be a positive number") end
  local after = os.time() - math.floor(days * 86400)
  -- Millions of events: only the three fields read are taken from each page, column by
  -- column, with no table made per event (box._pages' fields).
  local next_page, end_listing = _pages("events.admin_logs", {},
    {event_type = "LOGIN", created_after = event_time("last_logins", 1, after)}, current_as_user(),
    {"created_by.id", "source.id", "created_at"})
  local _ <close> = setmetatable({}, {__close = end_listing})
  local newest = {}
  while true do
    local page = next_page()
    if page == nil then return newest end
    local by, source, at = page[1], page[2], page[3]
    for i = 1, page.n do
      local id, t = by[i] or source[i], at[i]
      if id and t then
        local seen = newest[id]
        if seen == nil or t > seen then newest[id] = t end
      end
    end
  end
end

-- Box's deprovisioning order: inactive (logs them out), transfer owned content, delete or
-- roll out to a free account (its guide's "delete or downgrade"); groups="remove" first takes
-- the user out of every group.
function box.deprovision(...)
  local id = check_id("deprovision", 1, ...)
  local opts = check_opts("deprovision", 2, {"transfer_to", "delete", "downgrade", "groups", "force", "notify"}, ...)
  local u = select(1, ...)
  local transfer_to = opts.transfer_to
  if transfer_to ~= nil then
    transfer_to = id_value(transfer_to) or argerror("deprovision", 2, "'transfer_to' must be a user or a user id")
    if not transfer_to:match("^%d+$") then
      argerror("deprovision", 2, format("'transfer_to' user id must be digits, got '%s'", transfer_to))
    end
  end
  local downgrade = opts.downgrade
  if downgrade ~= nil and type(downgrade) ~= "boolean" then
    argerror("deprovision", 2, "'downgrade' must be a boolean, got " .. type(downgrade))
  end
  local delete = opts.delete
  if downgrade and delete then argerror("deprovision", 2, "give delete=true or downgrade=true, not both") end
  if delete == nil then delete = not downgrade end
  local group_rule = opts.groups or "keep"
  if group_rule ~= "keep" and group_rule ~= "remove" then
    argerror("deprovision", 2, format("'groups' must be \"keep\" or \"remove\", got %s", tostring(group_rule)))
  end
  local login = type(u) == "table" and u.login or nil
  local report = {user = {id = id, login = login}, ok = true, steps = {}}
  local plan = {}
  if group_rule == "remove" then
    report.groups = {}
    plan[#plan + 1] = {"remove_from_groups"}
  end
  plan[#plan + 1] = {"suspend"}
  if transfer_to then plan[#plan + 1] = {"transfer_content"} end
  if delete then plan[#plan + 1] = {"delete"} end
  if downgrade then plan[#plan + 1] = {"downgrade"} end
  if transfer_to == id then
    report.ok = false
    report.error = "transfer_to is the user being deprovisioned"
    for _, p in ipairs(plan) do report.steps[#report.steps + 1] = {step = p[1], ok = false, skipped = true} end
    return report
  end
  -- Who loses access: the collaborators on the user's folders, read before anything changes
  -- (Box: they cannot reach it while the user is inactive; a transfer keeps them on the folders).
  local read_ok, collaborators = pcall(users.collaborations, u)
  if read_ok then report.collaborators = collaborators else report.collaborators_error = tostring(collaborators) end
  local transferred = false
  local actions = {
    -- Every membership is read before the first is deleted: deleting while paging by offset
    -- would skip some.
    remove_from_groups = function()
      local memberships = {}
      for m in fn["users.memberships"](u) do memberships[#memberships + 1] = m end
      for _, m in ipairs(memberships) do
        fn["memberships.delete"](m)
        local g = type(m.group) == "table" and m.group or {}
        report.groups[#report.groups + 1] = g.name or tostring(g.id)
      end
    end,
    suspend = function()
      local r = users.suspend(u)
      report.user.login = report.user.login or r.login
    end,
    transfer_content = function()
      local f = users.transfer_content(u, transfer_to, {notify = opts.notify})
      transferred = true
      return f
    end,
    delete = function()
      return users.delete(u, {force = opts.force, notify = opts.notify})
    end,
    -- PUT /users/{id} with enterprise null (spec: "Set this to `null` to roll the user out of
    -- the enterprise and make them a free user"); notify tells the user.
    downgrade = function()
      return users.update(u, {enterprise = null, notify = opts.notify == true})
    end,
  }
  -- A forced delete Box will refuse for a hold is not attempted; without force the content rule
  -- (400 "User has managed content") answers first, and after a transfer the user owns nothing.
  local function held()
    if transferred or not opts.force then return nil end
    local ok, holds = pcall(users.holds, u)
    if not ok then report.holds_error = tostring(holds) return nil end
    if #holds == 0 then return nil end
    report.holds = holds
    return "Box will refuse: held by " .. holds[1].reason
  end
  for _, p in ipairs(plan) do
    local step = {step = p[1]}
    local why = report.ok and p[1] == "delete" and held() or nil
    if not report.ok then
      step.ok, step.skipped = false, true
    elseif why then
      step.ok, step.skipped, step.reason = false, true, why
      report.ok = false
      report.error = "delete not attempted: " .. why
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
