-- Logged-in members posting replies: one wrk thread per member, each with its own
-- session cookie and CSRF token, read from the file named in BENCH_CREDENTIALS.
local credentials = {}
for line in io.lines(os.getenv("BENCH_CREDENTIALS")) do
  local cookie, token, path = line:match("^(.-)\t(.-)\t(.-)$")
  table.insert(credentials, {cookie = cookie, token = token, path = path})
end

local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  local c = credentials[(next_thread - 1) % #credentials + 1]
  thread:set("cookie", c.cookie)
  thread:set("token", c.token)
  thread:set("reply_path", c.path)
end

local n = 0

function request()
  n = n + 1
  local body = "csrf_token=" .. token .. "&body=Benchmark+reply+number+" .. n
    .. "+about+knowledge+management+for+biodiversity."
  return wrk.format("POST", reply_path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end
