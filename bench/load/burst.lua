-- burst.lua: the peer harness's user.com events (../shared/bench/peer/load/usercom-events.lua),
-- each wrk thread stopping once BURST_PER_THREAD of its requests have been answered.
dofile(os.getenv("PEER_LOAD"))
local limit = tonumber(os.getenv("BURST_PER_THREAD"))
local answered = 0
function response(status, headers, body)
  answered = answered + 1
  if answered >= limit then wrk.thread:stop() end
end
