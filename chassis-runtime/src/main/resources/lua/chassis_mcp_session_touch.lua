-- Keeps a live MCP session of one agent alive for another idle timeout.
-- KEYS[1] the agent's sessions (sorted set: session id -> expiry, ms)
-- ARGV[1] session id, ARGV[2] now (ms), ARGV[3] idle timeout (ms)
-- Returns 1 if the session is live (and now renewed), 0 if it is unknown, ended or expired.
local now = tonumber(ARGV[2])
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not expiry or tonumber(expiry) <= now then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
