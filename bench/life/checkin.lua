-- wrk script: each request signs in a different member (sessions rotate),
-- with the activity's current QR token. Each wrk thread takes every
-- nthreads-th session and stops once all of its members are signed in.
--   wrk -t2 -c64 -d20s --latency -s bench/life/checkin.lua URL -- ACTIVITY TOKEN NTHREADS
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  activity = args[1]
  token = args[2]
  nthreads = tonumber(args[3])
  sessions = {}
  local i = 0
  for line in io.lines("bench/life/out/sessions.txt") do
    if i % nthreads == tid then
      local cookie, csrf = line:match("^(%S+) (%S+)$")
      table.insert(sessions, { cookie = cookie, csrf = csrf })
    end
    i = i + 1
  end
  distinct = #sessions
  -- wrk calls request() once in thread 0's state before the run, to check the
  -- script (script_verify_request): give that call a spare copy of the first.
  if tid == 0 then table.insert(sessions, 1, sessions[1]) end
  nextone = 1
  created = 0
  already = 0
  failed = 0
  path = "/api/v1/activities/" .. activity .. "/checkin"
  body = '{"token":"' .. token .. '"}'
end

local function now_us()
  local f = io.popen("date +%s%6N")
  local t = tonumber(f:read("*l"))
  f:close()
  return t
end

function request()
  if started == nil and (tid ~= 0 or nextone > 1) then started = now_us() end
  local s = sessions[nextone]
  -- after the last member, go round again: a request lost to a wrk timeout is
  -- retried (the others answer 200 已签到 and record nothing)
  nextone = nextone % #sessions + 1
  return wrk.format("POST", path, {
    ["Cookie"] = s.cookie, ["X-CSRF-Token"] = s.csrf, ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 200 then already = already + 1
  else failed = failed + 1 end
  if created >= distinct and finished == nil then
    finished = now_us()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local c, a, f, t0, t1 = 0, 0, 0, nil, nil
  for _, t in ipairs(threads) do
    c = c + t:get("created"); a = a + t:get("already"); f = f + t:get("failed")
    local s, e = t:get("started"), t:get("finished")
    if s and (t0 == nil or s < t0) then t0 = s end
    if e and (t1 == nil or e > t1) then t1 = e end
  end
  io.write(string.format("signed in (201): %d, already (200): %d, failed: %d\n", c, a, f))
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  if t0 and t1 then
    io.write(string.format("wall time from first request to last member signed in: %.3f s => %.0f check-ins/s\n",
      (t1 - t0) / 1e6, c / ((t1 - t0) / 1e6)))
  end
end
