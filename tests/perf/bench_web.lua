-- wrk script for tests/perf/bench_web.sh: GET each path listed (one a line) in the file
-- named after `--`, in turn:
--   wrk -t2 -c16 -d10s --latency -H "Authorization: Bearer KEY" -s bench_web.lua URL -- PATHS
-- Each wrk thread starts at its own place in the list, so the threads do not ask for the
-- same page at the same moment. Headers given with -H are sent with every request.

local threads = 0
function setup(thread)
  thread:set("start", threads)
  threads = threads + 1
end

local paths = {}
local i = 0

function init(args)
  local name = args[1]
  if not name then error("bench_web.lua: name the file of paths after --") end
  local f = assert(io.open(name, "r"))
  for line in f:lines() do
    if line ~= "" then paths[#paths + 1] = line end
  end
  f:close()
  if #paths == 0 then error("bench_web.lua: no paths in " .. name) end
  i = ((start or 0) * 997) % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
