-- Report the users with no login in the last N days, as CSV: who to review for deprovisioning.
-- Last logins come from the enterprise event stream (admin_logs LOGIN events).
--
-- Usage:
--   boxlua inactive-users-report.lua [DAYS] [OUT.csv]
--   boxlua --sandbox scripts/examples/inactive-users-report.lua 90 inactive.csv
-- DAYS defaults to 90 (at most what admin_logs keeps: 365); OUT.csv to inactive-users.csv.

local days = tonumber(arg[1] or "90")
local out = arg[2] or "inactive-users.csv"
if not days or days <= 0 then error("DAYS must be a positive number, got " .. tostring(arg[1])) end

local last = box.last_logins{days = days}
local rows = {}
for u in box.users.list{fields = {"status", "role", "created_at"}} do
  if u.status == "active" and not last[u.id] then
    rows[#rows + 1] = {id = u.id, login = u.login, name = u.name, role = u.role,
      created_at = u.created_at, last_login = "none in " .. days .. " days"}
  end
end
csv.write(out, rows, {columns = {"id", "login", "name", "role", "created_at", "last_login"}})
log.info("%d active users without a login in %d days written to %s", #rows, days, out)
