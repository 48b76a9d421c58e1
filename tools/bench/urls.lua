-- wrk script for tools/bench (tiles, api): cycles through a file of request paths.
--
--   wrk -t2 -c64 -d12s --latency -s urls.lua http://127.0.0.1:PORT -- PATHS_FILE [OPTION...]
--
-- PATHS_FILE holds one path (with its query string) per line; a line
--   POST<TAB>path<TAB>origin<TAB>token<TAB>json body
-- is a JSON POST with that Origin and X-CSRF-Token (the soak's Watch messages). Options:
--   gzip          every request carries "Accept-Encoding: gzip", as a browser's
--                 would; without it requests carry no Accept-Encoding at all
--   count=S,...   answers with these statuses (say 503) are intended answers:
--                 counted apart, not as errors
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

local prepared = {}
local position = 1
local intended = {}
non2xx = 0
counted = 0

function init(args)
  local name = args[1] or error("urls.lua: give the paths file after --")
  local headers = {}
  for i = 2, #args do
    local statuses = args[i]:match("^count=(.*)$")
    if args[i] == "gzip" then
      headers["Accept-Encoding"] = "gzip"
    elseif statuses then
      for s in statuses:gmatch("%d+") do intended[tonumber(s)] = true end
    else
      error("urls.lua: unknown option " .. args[i])
    end
  end
  local file = io.open(name) or error("urls.lua: cannot open " .. name)
  for line in file:lines() do
    local path, origin, token, body = line:match("^POST\t([^\t]+)\t([^\t]+)\t([^\t]+)\t(.*)$")
    if path then
      local post = {["Content-Type"] = "application/json", ["Origin"] = origin, ["X-CSRF-Token"] = token}
      for k, v in pairs(headers) do post[k] = v end
      prepared[#prepared + 1] = wrk.format("POST", path, post, body)
    elseif line ~= "" then
      prepared[#prepared + 1] = wrk.format("GET", line, headers)
    end
  end
  file:close()
  if #prepared == 0 then error("urls.lua: no paths in " .. name) end
  -- thread_number is set by setup() before init() runs in the thread.
  position = (thread_number * 997) % #prepared + 1
end

function request()
  local r = prepared[position]
  position = position % #prepared + 1
  return r
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
