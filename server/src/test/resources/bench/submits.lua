-- wrk script of bench/serving.sh: posts the Generate form as signed-in users in turn and counts the
-- posts answered with the redirect to a new job. The file named by T2I_SUBMIT_USERS has one line per
-- user: the Cookie header value, a tab, and the form body with that session's CSRF token.
local users = {}
for line in io.lines(os.getenv("T2I_SUBMIT_USERS")) do
  local cookie, body = line:match("^([^\t]+)\t(.+)$")
  users[#users + 1] = {cookie = cookie, body = body}
end

local threads = {}
local started = 0
function setup(thread)
  thread:set("first", started)
  started = started + 1
  table.insert(threads, thread)
end

local sent = 0
accepted = 0
refused = 0
function request()
  sent = sent + 1
  -- Threads start at different users, so two connections rarely post for the same user at once.
  local user = users[((first * 7 + sent) % #users) + 1]
  return wrk.format("POST", "/generate",
    {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = user.cookie}, user.body)
end

function response(status, headers, body)
  local location = headers["Location"]
  if status == 302 and location and location:find("/jobs/", 1, true) then
    accepted = accepted + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local a, r = 0, 0
  for _, thread in ipairs(threads) do
    a = a + thread:get("accepted")
    r = r + thread:get("refused")
  end
  io.write(string.format("accepted %d refused %d p50 %.3f\n", a, r, latency:percentile(50) / 1000))
end
