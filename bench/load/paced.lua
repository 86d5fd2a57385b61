-- paced.lua: the peer harness's user.com events (../shared/bench/peer/load/usercom-events.lua),
-- each connection waiting PACED_DELAY_MS between an answer and its next request, so the load
-- stays near connections × 1000 / (PACED_DELAY_MS + latency) requests per second instead of
-- rising whenever the gateway answers faster (as it does when it only journals).
dofile(os.getenv("PEER_LOAD"))
local pause = tonumber(os.getenv("PACED_DELAY_MS"))
function delay()
  return pause
end
