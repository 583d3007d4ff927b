-- Offboard one user by login: log them out everywhere, suspend, transfer their content to a
-- manager (or the signed-in account), then delete.
--
-- Usage:
--   boxlua --dry-run offboard-user.lua LOGIN [TRANSFER_TO_LOGIN]
--   boxlua --sandbox scripts/examples/offboard-user.lua lena.kowalski@example.com

local login, to_login = arg[1], arg[2]
if not login then error("usage: offboard-user.lua LOGIN [TRANSFER_TO_LOGIN]") end

local user = box.users.find(login)
if not user then error("no Box user with login " .. login) end
local receiver = to_login and box.users.find(to_login) or box.users.me()
if not receiver then error("no Box user with login " .. to_login) end

box.users.terminate_sessions{user_ids = {user.id}}
local report = box.deprovision(user, {transfer_to = receiver.id})
for _, step in ipairs(report.steps) do
  print(string.format("%-18s %s", step.step,
    step.ok and "done" or step.skipped and "skipped" or ("failed: " .. tostring(step.error))))
end
if not report.ok then error(report.error) end
print(string.format("%s offboarded; content now owned by %s", user.login, receiver.login))
