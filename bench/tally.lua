-- bench/tally.lua: what the wrk scripts of `make bench` share, loaded with
-- require("tally") (bench/run.sh runs wrk from the repository root).
--
-- Each thread counts its responses by status (tally.count, from the
-- script's response()); tally.report, from done(), adds the threads up and
-- prints "bench-statuses ...", "bench-non2xx N" (the answers the script
-- did not expect), any extra counters, and a sample of a wrong answer per
-- thread, for bench/run.sh to read.
local tally = {}

-- reset starts a thread's counts; call it from init().
function tally.reset()
  statuses = {}
  non2xx = 0
  sample = ""
end

-- count records one response; ok says whether the script expected it.
function tally.count(status, body, ok)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if not ok then
    non2xx = non2xx + 1
    if sample == "" then
      sample = key .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

-- report prints the sums over threads; extra names more per-thread
-- counters to add up and print as "bench-<name> N".
function tally.report(threads, extra)
  local total = 0
  local sums = {}
  local byStatus = {}
  local samples = {}
  for _, thread in ipairs(threads) do
    total = total + (thread:get("non2xx") or 0)
    for _, name in ipairs(extra or {}) do
      sums[name] = (sums[name] or 0) + (thread:get(name) or 0)
    end
    for k, v in pairs(thread:get("statuses") or {}) do
      byStatus[k] = (byStatus[k] or 0) + v
    end
    local s = thread:get("sample") or ""
    if s ~= "" then
      samples[#samples + 1] = s
    end
  end
  local keys = {}
  for k in pairs(byStatus) do
    keys[#keys + 1] = k
  end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do
    parts[#parts + 1] = k .. "=" .. byStatus[k]
  end
  io.write(string.format("bench-statuses %s\n", table.concat(parts, " ")))
  io.write(string.format("bench-non2xx %d\n", total))
  for _, name in ipairs(extra or {}) do
    io.write(string.format("bench-%s %d\n", name, sums[name]))
  end
  for _, s in ipairs(samples) do
    io.write("bench-sample " .. string.gsub(s, "\n", " ") .. "\n")
  end
end

return tally
