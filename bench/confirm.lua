-- wrk script of `make bench`: the tap that places a registration,
-- POST /v/{token} with the form's _csrf, as a person does after opening the
-- link of their email. Each token is used once; a run that uses them all
-- starts over, and the repeats (which place nothing) are counted apart.
--
-- Environment (set by bench/run.sh):
--   BENCH_TOKENS  a file with one link token per line, read from the verify
--                 emails of the submissions the run made before
--   BENCH_CSRF    a valid _csrf token, and BENCH_COOKIE the gotong_csrf cookie
--                 that goes with it (double submit), fetched from a form page
--   BENCH_THREADS wrk's -t: wrk calls each thread's init right after its
--                 setup, so a thread cannot count the others itself
--
-- A placed registration answers 303 to its manage page (/r/{token}). done()
-- prints the responses by status and a line "bench-non2xx N" counting every
-- answer that is not that 303, which bench/run.sh reads.

package.path = "bench/?.lua;" .. package.path
local tally = require("tally")

local file = os.getenv("BENCH_TOKENS") or error("BENCH_TOKENS is not set")
local csrf = os.getenv("BENCH_CSRF") or error("BENCH_CSRF is not set")
local cookie = os.getenv("BENCH_COOKIE") or error("BENCH_COOKIE is not set")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")

local threads = {}
local nextThread = 0

function setup(thread)
  nextThread = nextThread + 1
  thread:set("tid", nextThread)
  threads[#threads + 1] = thread
end

local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Cookie"] = "gotong_csrf=" .. cookie,
}
local body = "_csrf=" .. csrf
local tokens = {}
local n = 0

function init(args)
  tally.reset()
  repeats = 0
  -- Each thread takes its own share of the tokens: every nthreads-th line.
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == (tid - 1) and line ~= "" then
      tokens[#tokens + 1] = line
    end
    i = i + 1
  end
  if #tokens == 0 then
    error("no tokens for thread " .. tid .. " in " .. file)
  end
end

function request()
  n = n + 1
  if n > #tokens then
    repeats = repeats + 1
  end
  local token = tokens[((n - 1) % #tokens) + 1]
  return wrk.format("POST", "/v/" .. token, headers, body)
end

function response(status, headers, body)
  tally.count(status, body, status == 303)
end

function done(summary, latency, requests)
  tally.report(threads, { "repeats" })
end
