-- Opens an MCP session for one agent. At the agent's maximum of live sessions it ends the least
-- recently used idle ones (those no running call or open stream holds) to make room, in the same
-- step, and refuses only when too few are idle; expired sessions and lapsed holds are dropped first.
-- KEYS[1] the agent's sessions (sorted set: session id -> expiry, ms)
-- KEYS[2] the holds on them (sorted set: McpSessions.Hold.member -> lease expiry, ms)
-- Arguments: McpSessions.OPEN.
-- Returns {1, ended session ids...} if opened, {0, lease expiry ms of the soonest hold} if refused.
local now = tonumber(ARGV[ARG_NOW_MS])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[ARG_MAX_SESSIONS]) + 1
local ended = {}
if excess > 0 then
  local held = {}
  for _, hold in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    held[string.match(hold, '^%S+')] = true
  end
  -- by expiry, which is the last use plus the idle timeout: least recently used first
  for _, session in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    if #ended == excess then
      break
    end
    if not held[session] then
      ended[#ended + 1] = session
    end
  end
  if #ended < excess then
    local soonest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return {0, tonumber(soonest[2])}
  end
  redis.call('ZREM', KEYS[1], unpack(ended))
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[ARG_IDLE_MS]), ARGV[ARG_SESSION])
redis.call('PEXPIRE', KEYS[1], ARGV[ARG_IDLE_MS])
table.insert(ended, 1, 1)
return ended
