-- Keeps a live MCP session of one agent alive for another idle timeout.
-- KEYS[1] the agent's sessions (sorted set: session id -> expiry, ms)
-- Arguments: McpSessions.TOUCH.
-- Returns 1 if the session is live (and now renewed), 0 if it is unknown, ended or expired.
local now = tonumber(ARGV[ARG_NOW_MS])
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[ARG_SESSION])
if not expiry or tonumber(expiry) <= now then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[ARG_IDLE_MS]), ARGV[ARG_SESSION])
redis.call('PEXPIRE', KEYS[1], ARGV[ARG_IDLE_MS])
return 1
