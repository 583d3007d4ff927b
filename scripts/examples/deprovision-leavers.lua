-- Deprovision every Box user whose account the Active Directory export marks disabled:
-- take them out of every group, set them inactive (logs them out everywhere), hand their
-- content to a service account, then delete them. Box's own deprovisioning order.
--
-- Usage:
--   boxlua --dry-run deprovision-leavers.lua [AD_EXPORT.csv] [TRANSFER_TO_LOGIN]
--   boxlua --plan leavers.plan deprovision-leavers.lua ad.csv    (review it, then:)
--   boxlua apply leavers.plan
--   boxlua --sandbox --dry-run scripts/examples/deprovision-leavers.lua   (rehearse on the demo)
-- AD_EXPORT.csv: Get-ADUser ... | Export-Csv, with columns mail and Enabled (default: the
-- demo export beside this script). TRANSFER_TO_LOGIN: who receives the content (default: the
-- signed-in account, the service account under JWT or Client Credentials).

local here = arg[0]:match("^(.*/)") or "./"
local export = arg[1] or (here .. "ad-export.csv")

local leavers, count = {}, 0
for _, row in ipairs(csv.read(export)) do
  if row.Enabled == "False" and row.mail ~= "" then leavers[row.mail:lower()] = true; count = count + 1 end
end

local receiver = arg[2] and box.users.find(arg[2]) or box.users.me()
if not receiver then error("no Box user with login " .. arg[2]) end

local targets = {}
for u in box.users.list{fields = {"status", "role"}} do
  if leavers[u.login:lower()] and u.id ~= receiver.id then targets[#targets + 1] = u end
end
log.info("%d leavers in %s; %d have Box accounts; content goes to %s",
  count, export, #targets, receiver.login)

local results = box.parallel(targets, function(u)
  return box.deprovision(u, {transfer_to = receiver.id, groups = "remove"})
end, {workers = 8})

local rows, failed = {}, 0
for i, r in ipairs(results) do
  local report = r.ok and r.value or {ok = false, error = r.error}
  if not report.ok then failed = failed + 1 end
  rows[#rows + 1] = {login = targets[i].login, id = targets[i].id,
    groups = report.groups and table.concat(report.groups, ", ") or "",
    outcome = report.ok and "deprovisioned" or tostring(report.error)}
end
show(rows, {"id", "login", "groups", "outcome"})
if failed > 0 then error(failed .. " of " .. #targets .. " users were not deprovisioned") end
