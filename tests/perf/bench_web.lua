-- wrk script for tests/perf/bench_web.sh: GET /api/v1/suppliers/{code}, cycling through
-- the supplier codes listed (one a line) in the file named after `--`:
--   wrk -t2 -c16 -d10s --latency -H "Authorization: Bearer KEY" -s bench_web.lua URL -- CODES
-- Each wrk thread starts at its own place in the list, so the threads do not ask for the
-- same supplier at the same moment. Headers given with -H are sent with every request.

local threads = 0
function setup(thread)
  thread:set("start", threads)
  threads = threads + 1
end

local codes = {}
local i = 0

function init(args)
  local name = args[1]
  if not name then error("bench_web.lua: name the file of supplier codes after --") end
  local f = assert(io.open(name, "r"))
  for line in f:lines() do
    if line ~= "" then codes[#codes + 1] = line end
  end
  f:close()
  if #codes == 0 then error("bench_web.lua: no supplier codes in " .. name) end
  i = ((start or 0) * 997) % #codes
end

function request()
  i = i % #codes + 1
  return wrk.format("GET", "/api/v1/suppliers/" .. codes[i])
end
