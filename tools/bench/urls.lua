-- wrk script for tools/bench (tiles, api): cycles through a file of request paths.
--
--   wrk -t2 -c64 -d12s --latency -s urls.lua http://127.0.0.1:PORT -- PATHS_FILE [OPTION...]
--
-- PATHS_FILE holds one path (with its query string) per line; a line
--   METHOD<TAB>path<TAB>origin<TAB>token<TAB>json body[<TAB>cookie]
-- with METHOD POST or PUT is a JSON request with that Origin and X-CSRF-Token, and
-- the Cookie when given (the soak's Watch messages; write-path's messages, team edits
-- and sign-ins, where "-" stands for no token). Options:
--   gzip          every request carries "Accept-Encoding: gzip", as a browser's
--                 would; without it requests carry no Accept-Encoding at all
--   count=S,...   answers with these statuses (say 503) are intended answers:
--                 counted apart, not as errors
--   forwarded     every request carries an X-Forwarded-For address of its own
--                 (10.x.y.z; none twice in a run of under 262,144 requests a
--                 thread), for a server started with --trusted-proxy 127.0.0.1:
--                 each request is a new client to the per-address rate limits
-- Each thread starts at a different place in the list and goes round it. At the
-- end one line is printed for the calling script:
--
--   wrk-result requests=N seconds=S p50_us=P p99_us=Q non2xx=E counted=C socket_errors=K bytes=B
--
-- non2xx counts answers outside 200-299 (204 "empty tile" is a success) that
-- count= does not name; counted, those it names; socket_errors adds wrk's connect,
-- read, write and timeout errors.

local threads = {}

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

local prepared = {} -- requests as wrk sends them, or with forwarded their parts
local position = 1
local intended = {}
local forwarded = false
local sent = 0 -- this thread's requests so far, for its forwarded addresses
non2xx = 0
counted = 0

function init(args)
  local name = args[1] or error("urls.lua: give the paths file after --")
  local headers = {}
  for i = 2, #args do
    local statuses = args[i]:match("^count=(.*)$")
    if args[i] == "gzip" then
      headers["Accept-Encoding"] = "gzip"
    elseif args[i] == "forwarded" then
      forwarded = true
    elseif statuses then
      for s in statuses:gmatch("%d+") do intended[tonumber(s)] = true end
    else
      error("urls.lua: unknown option " .. args[i])
    end
  end
  local file = io.open(name) or error("urls.lua: cannot open " .. name)
  for line in file:lines() do
    local method, path, origin, token, rest = line:match("^(%u+)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t(.*)$")
    local r
    if method == "POST" or method == "PUT" then
      local body, cookie = rest:match("^([^\t]*)\t(.+)$")
      local h = {["Content-Type"] = "application/json", ["Origin"] = origin}
      if token ~= "-" then h["X-CSRF-Token"] = token end
      if cookie then h["Cookie"] = cookie end
      for k, v in pairs(headers) do h[k] = v end
      r = {method = method, path = path, headers = h, body = body or rest}
    elseif line ~= "" then
      r = {method = "GET", path = line, headers = {}}
      for k, v in pairs(headers) do r.headers[k] = v end
    end
    if r then prepared[#prepared + 1] = forwarded and r or wrk.format(r.method, r.path, r.headers, r.body) end
  end
  file:close()
  if #prepared == 0 then error("urls.lua: no paths in " .. name) end
  -- thread_number is set by setup() before init() runs in the thread.
  position = (thread_number * 997) % #prepared + 1
end

function request()
  local r = prepared[position]
  position = position % #prepared + 1
  if not forwarded then return r end
  -- 10.x.y.z from the thread's number and its count (LuaJIT: no bit operators needed):
  -- 262,144 addresses a thread, for up to 64 threads.
  local n = sent
  sent = sent + 1
  r.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d",
    (thread_number % 64) * 4 + math.floor(n / 65536) % 4, math.floor(n / 256) % 256, n % 256)
  return wrk.format(r.method, r.path, r.headers, r.body)
end

function response(status)
  if intended[status] then
    counted = counted + 1
  elseif status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency)
  local failed, intended_answers = 0, 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("non2xx")
    intended_answers = intended_answers + thread:get("counted")
  end
  local e = summary.errors
  io.write(string.format(
    "wrk-result requests=%d seconds=%.3f p50_us=%d p99_us=%d non2xx=%d counted=%d socket_errors=%d bytes=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    failed, intended_answers, e.connect + e.read + e.write + e.timeout, summary.bytes))
end
