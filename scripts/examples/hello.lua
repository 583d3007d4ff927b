-- hello.lua: a first boxlua script, no Box account needed.
-- Run: boxlua scripts/examples/hello.lua [NAME]     (or with --dry-run)
local name = arg[1] or "admin"
print(("Hello, %s: this is boxlua on %s (dry run: %s)"):format(name, _VERSION, tostring(box.dry_run)))

-- Records are plain tables with Box's field names; selection logic is plain Lua.
local users = {
  { id = "11", login = "ada@example.com", status = "active" },
  { id = "12", login = "bob@example.com", status = "inactive" },
  { id = "13", login = "eve@example.com", status = "inactive" },
}
local leavers = {}
for _, user in ipairs(users) do
  if user.status == "inactive" then leavers[#leavers + 1] = user.login end
end
print(("%d of %d example users are inactive: %s"):format(#leavers, #users, table.concat(leavers, ", ")))
