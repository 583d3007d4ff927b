-- Deprovision every Box user whose account the Active Directory export marks disabled:
-- take them out of every group, set them inactive (logs them out everywhere), hand their
-- content to a service account, then delete them. Box's own deprovisioning order. The
-- collaborators on the leavers' folders (who cannot reach them while the leaver is inactive;
-- the transfer keeps them on the moved folders) go to a CSV for the owners' managers, with
-- each owner's department.
--
-- Usage:
--   boxlua --dry-run deprovision-leavers.lua [AD_EXPORT.csv] [TRANSFER_TO_LOGIN] [COLLABORATORS.csv]
--   boxlua --plan leavers.plan deprovision-leavers.lua ad.csv    (review it, then:)
--   boxlua apply leavers.plan
--   boxlua --sandbox --dry-run scripts/examples/deprovision-leavers.lua   (rehearse on the demo)
-- AD_EXPORT.csv: Get-ADUser ... | Export-Csv, with columns mail and Enabled (default: the
-- demo export beside this script). TRANSFER_TO_LOGIN: who receives the content (default: the
-- signed-in account, the service account under JWT or Client Credentials). COLLABORATORS.csv:
-- where the collaborators are written (default collaborators-losing-access.csv), in a dry run too.

local here = arg[0]:match("^(.*/)") or "./"
local export = arg[1] or (here .. "ad-export.csv")
local collaborators_csv = arg[3] or "collaborators-losing-access.csv"

local leavers, count = {}, 0
for _, row in ipairs(csv.read(export)) do
  if row.Enabled == "False" and row.mail ~= "" then leavers[row.mail:lower()] = row; count = count + 1 end
end

local receiver = arg[2] and arg[2] ~= "" and box.users.find(arg[2]) or box.users.me()
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

local rows, failed, access = {}, 0, {}
for i, r in ipairs(results) do
  local report = r.ok and r.value or {ok = false, error = r.error}
  if not report.ok then failed = failed + 1 end
  rows[#rows + 1] = {login = targets[i].login, id = targets[i].id,
    groups = report.groups and table.concat(report.groups, ", ") or "",
    outcome = report.ok and "deprovisioned" or tostring(report.error)}
  local owner = targets[i].login
  for _, c in ipairs(report.collaborators or {}) do
    access[#access + 1] = {owner = owner, department = leavers[owner:lower()].Department,
      folder_id = c.folder.id, folder = c.folder.name, collaborator = c.collaborator.login or "",
      collaborator_name = c.collaborator.name or "", role = c.role, status = c.status,
      external = c.external and "yes" or "no"}
  end
  if report.collaborators_error then log.warn("%s: collaborators not read: %s", owner, report.collaborators_error) end
end
show(rows, {"id", "login", "groups", "outcome"})
csv.write(collaborators_csv, access, {columns = {"owner", "department", "folder_id", "folder", "collaborator",
  "collaborator_name", "role", "status", "external"}})
log.info("%d collaborations on the leavers' folders written to %s", #access, collaborators_csv)
if failed > 0 then error(failed .. " of " .. #targets .. " users were not deprovisioned") end
