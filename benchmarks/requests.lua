-- wrk script for benchmarks/load.py: sends the requests listed in the file named by
-- the REQUESTS environment variable (one per line: method, path, cookie, body, separated
-- by tabs), each of the THREADS threads its own share (all of them when there are fewer
-- lines than threads), with the User-Agent named by USER_AGENT (the one the sessions
-- were made with), and prints one RESULT line at the end.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  local n = 0
  local lines = {}
  for line in io.lines(os.getenv("REQUESTS")) do table.insert(lines, line) end
  local share = #lines >= counter_total()
  for _, line in ipairs(lines) do
    if not share or n % counter_total() == id then
      local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
      local headers = {["User-Agent"] = os.getenv("USER_AGENT")}
      if cookie ~= "" then headers["Cookie"] = cookie end
      if body ~= "" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
      table.insert(requests, wrk.format(method, path, headers, body ~= "" and body or nil))
    end
    n = n + 1
  end
  index = 0
  statuses = {}
end

function counter_total()
  return tonumber(os.getenv("THREADS"))
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests_)
  local codes = {}
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses")
    for status, count in pairs(seen) do codes[status] = (codes[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(codes) do table.insert(parts, status .. "=" .. count) end
  io.write(string.format("RESULT %d %.3f %d %d %d %d %s\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, table.concat(parts, ",")))
end
