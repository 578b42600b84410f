-- Opens an MCP session for one agent unless it already has its maximum of live sessions; expired
-- sessions are dropped first, so a client that lost its sessions can always start again later.
-- KEYS[1] the agent's sessions (sorted set: session id -> expiry, ms)
-- Arguments: McpSessions.OPEN.
-- Returns {1} if opened, {0, expiry ms of the soonest to expire} if the agent has its maximum.
local now = tonumber(ARGV[ARG_NOW_MS])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[ARG_MAX_SESSIONS]) then
  local soonest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(soonest[2])}
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[ARG_IDLE_MS]), ARGV[ARG_SESSION])
redis.call('PEXPIRE', KEYS[1], ARGV[ARG_IDLE_MS])
return {1}
