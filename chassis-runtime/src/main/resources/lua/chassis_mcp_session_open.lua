-- Opens an MCP session for one agent unless it already has its maximum of live sessions; expired
-- sessions are dropped first, so a client that lost its sessions can always start again later.
-- KEYS[1] the agent's sessions (sorted set: session id -> expiry, ms)
-- ARGV[1] session id, ARGV[2] now (ms), ARGV[3] idle timeout (ms), ARGV[4] most live sessions
-- Returns 1 if opened, 0 if the agent has its maximum.
local now = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
