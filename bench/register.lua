-- wrk script of `make bench`: anonymous registration forms through
-- POST /api/v1/activities/:id/registrations, every one with a new email;
-- each answers 202 and queues the email with its link (see confirm.lua).
--
-- Environment (set by bench/run.sh):
--   BENCH_IDS     comma-separated activity ids; requests go round-robin over them
--   BENCH_PREFIX  a random prefix of this run, so emails never repeat across runs
--   BENCH_LABEL   a short name of the run for the emails and the summary
--   BENCH_RURAL   every BENCH_RURAL-th registration declares "rural" (default 3)
--
-- Emails are bench-<prefix>-<label>-t<thread>-<n>@example.org: the thread id
-- comes from setup(), n is a per-thread counter, so no two requests of a run
-- (or of two runs) share one. done() prints the responses by status, and a
-- line starting "bench-non2xx" that bench/run.sh reads.

package.path = "bench/?.lua;" .. package.path
local tally = require("tally")

local ids = {}
for id in string.gmatch(os.getenv("BENCH_IDS") or "", "%d+") do
  ids[#ids + 1] = id
end
if #ids == 0 then
  error("BENCH_IDS names no activity id")
end
local prefix = os.getenv("BENCH_PREFIX") or tostring(os.time())
local label = os.getenv("BENCH_LABEL") or "reg"
local ruralEvery = tonumber(os.getenv("BENCH_RURAL") or "3")

local threads = {}
local nextThread = 0

function setup(thread)
  nextThread = nextThread + 1
  thread:set("tid", nextThread)
  threads[#threads + 1] = thread
end

local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
local n = 0

function init(args)
  tally.reset()
  -- Threads start at different activities, so the spread run is even.
  n = 0
  offset = (tid or 1) - 1
end

function request()
  n = n + 1
  local id = ids[((n + offset) % #ids) + 1]
  local locality = "urban"
  if ruralEvery > 0 and n % ruralEvery == 0 then
    locality = "rural"
  end
  local email = string.format("bench-%s-%s-t%d-%d@example.org", prefix, label, tid or 0, n)
  local body = string.format(
    '{"person": {"given_name": "Bench", "family_name": "User", "email": "%s", ' ..
    '"birth_year": 2004, "region": "MN-057", "locality": "%s"}, "consent": true}',
    email, locality)
  return wrk.format("POST", "/api/v1/activities/" .. id .. "/registrations", headers, body)
end

function response(status, headers, body)
  tally.count(status, body, status >= 200 and status <= 299)
end

function done(summary, latency, requests)
  tally.report(threads)
end
