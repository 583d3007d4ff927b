-- Create managed users from a CSV of new hires (columns name, login, and optionally
-- job_title, phone, role, space_amount). Rows whose login already exists are skipped.
--
-- Usage:
--   boxlua --dry-run bulk-create-users.lua [NEW_HIRES.csv]
--   boxlua --sandbox scripts/examples/bulk-create-users.lua
-- NEW_HIRES.csv defaults to new-hires.csv beside this script.

local here = arg[0]:match("^(.*/)") or "./"
local file = arg[1] or (here .. "new-hires.csv")

local created, skipped = 0, 0
for i, row in ipairs(csv.read(file)) do
  if row.name == "" or row.login == "" then
    error(string.format("%s: row %d has no name or login", file, i))
  end
  if box.users.find(row.login) then
    log.warn("%s exists already; skipped", row.login)
    skipped = skipped + 1
  else
    local u = box.users.create{
      name = row.name, login = row.login, job_title = row.job_title, phone = row.phone,
      role = row.role ~= "" and row.role or nil,
      space_amount = tonumber(row.space_amount),
    }
    log.info("created %s (%s)", u.login, u.id)
    created = created + 1
  end
end
log.info("%d created, %d skipped", created, skipped)
