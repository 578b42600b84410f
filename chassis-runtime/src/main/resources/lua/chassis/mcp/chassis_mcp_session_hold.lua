-- Holds a live MCP session busy for a lease (a call running in it, or its open stream), or renews
-- that hold, and keeps the session alive for another idle timeout: a held session is never ended to
-- make room for another. The node that holds it renews the lease while the call or stream lasts and
-- releases it when it ends; a node that stopped leaves a hold that lapses with its lease.
-- KEYS[1] the agent's sessions (sorted set: session id -> expiry, ms)
-- KEYS[2] the holds on them (sorted set: McpSessions.Hold.member -> lease expiry, ms)
-- Arguments: McpSessions.HOLD; hold is the hold's member (McpSessions.Hold.member).
-- Returns 1 if the session is live (and now held), 0 if it is unknown, ended or expired.
local now = tonumber(ARGV[ARG_NOW_MS])
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[ARG_SESSION])
local member = ARGV[ARG_HOLD]
if not expiry or tonumber(expiry) <= now then
  redis.call('ZREM', KEYS[2], member)
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[ARG_IDLE_MS]), ARGV[ARG_SESSION])
redis.call('PEXPIRE', KEYS[1], ARGV[ARG_IDLE_MS])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[ARG_LEASE_MS]), member)
redis.call('PEXPIRE', KEYS[2], ARGV[ARG_LEASE_MS])
return 1
