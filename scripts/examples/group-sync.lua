-- Make Box groups follow the directory: for each Department of the Active Directory export,
-- the Box group of that name gets the department's enabled people who have Box accounts, and
-- loses everyone else (disabled accounts, people who moved departments). Groups Box has and
-- the directory does not (Box Champions) are left alone. Run it dry first.
--
-- Usage:
--   boxlua --dry-run group-sync.lua [AD_EXPORT.csv]           (what would change)
--   boxlua --plan groups.plan group-sync.lua ad.csv            (review it, then:)
--   boxlua apply groups.plan
--   boxlua --sandbox --dry-run scripts/examples/group-sync.lua  (rehearse on the demo)
-- AD_EXPORT.csv: Get-ADUser -Properties mail,Department ... | Export-Csv, with columns mail,
-- Enabled and Department (default: the demo export beside this script). A department with no
-- Box group gets one; in a dry run its members are added by the live run (Box gives the new
-- group its id only when it is made, so a plan cannot name it yet).

local here = arg[0]:match("^(.*/)") or "./"
local export = arg[1] or (here .. "ad-export.csv")

-- Department -> the logins that belong in its group.
local wanted, departments = {}, {}
for _, row in ipairs(csv.read(export)) do
  local dept = row.Department
  if dept ~= "" and row.mail ~= "" then
    if not wanted[dept] then wanted[dept] = {}; departments[#departments + 1] = dept end
    if row.Enabled == "True" then wanted[dept][row.mail:lower()] = true end
  end
end
table.sort(departments)

local box_user = {}
for u in box.users.list{} do box_user[u.login:lower()] = u end

local rows, added, removed = {}, 0, 0
for _, dept in ipairs(departments) do
  local group, members = box.groups.find(dept), {}
  if group then
    for m in box.groups.members(group) do members[m.user.login:lower()] = m end
  else
    group = box.groups.create{name = dept, provenance = "Active Directory"}
  end
  local add, drop = 0, 0
  if not group.dry_run then
    local logins = {}
    for login in pairs(wanted[dept]) do logins[#logins + 1] = login end
    table.sort(logins)
    for _, login in ipairs(logins) do
      if not members[login] and box_user[login] then
        box.groups.add_member(group, box_user[login])
        add = add + 1
      end
    end
  end
  local current = {}
  for login in pairs(members) do current[#current + 1] = login end
  table.sort(current)
  for _, login in ipairs(current) do
    if not wanted[dept][login] then
      box.memberships.delete(members[login])
      drop = drop + 1
    end
  end
  added, removed = added + add, removed + drop
  rows[#rows + 1] = {group = dept, id = group.id, added = add, removed = drop,
    note = group.dry_run and "new group: members added by the live run" or ""}
end
show(rows, {"group", "id", "added", "removed", "note"})
log.info("%d groups: %d members added, %d removed", #rows, added, removed)
