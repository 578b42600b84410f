-- Stores one key of a tool's namespace for one tenant, within the namespace's quotas and within
-- the share of the server's memory that tool data may take.
-- Quota bytes counted are key bytes plus raw value bytes; values are stored in base64.
-- The global bound is the server's own measure: a write that grows the namespace is refused when
-- used_memory plus what it adds (key, base64 value and a per-entry overhead) would pass
-- maxmemory * (100 - headroom) / 100, so budgets, claims, the ledger and the registry always keep
-- headroom percent of the server. With maxmemory 0 (unbounded) there is nothing to protect.
-- KEYS[1] namespace hash, KEYS[2] namespace byte counter (same hash tag)
-- Arguments: KvStore.PUT (value in base64, value_length its raw length, entry_overhead in bytes).
-- Returns 0 stored, -1 key quota reached, -2 byte quota reached, -3 tool data's share of the
-- server's memory reached.
local function raw_length(b64)
  local padding = 0
  if string.sub(b64, -2) == '==' then padding = 2 elseif string.sub(b64, -1) == '=' then padding = 1 end
  return (string.len(b64) / 4) * 3 - padding
end
local function share_full(incoming)
  local info = redis.call('INFO', 'memory')
  local max = tonumber(string.match(info, 'maxmemory:(%d+)'))
  if not max or max == 0 then
    return false
  end
  local used = tonumber(string.match(info, 'used_memory:(%d+)'))
  return used + incoming > max * (100 - tonumber(ARGV[ARG_HEADROOM_PERCENT])) / 100
end
local key_length = string.len(ARGV[ARG_KEY])
local delta = key_length + tonumber(ARGV[ARG_VALUE_LENGTH])
local stored_delta = key_length + string.len(ARGV[ARG_VALUE]) + tonumber(ARGV[ARG_ENTRY_OVERHEAD])
local old = redis.call('HGET', KEYS[1], ARGV[ARG_KEY])
if old then
  delta = delta - (key_length + raw_length(old))
  stored_delta = string.len(ARGV[ARG_VALUE]) - string.len(old)
elseif redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[ARG_MAX_KEYS]) then
  return -1
end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used + delta > tonumber(ARGV[ARG_MAX_BYTES]) then
  return -2
end
if stored_delta > 0 and share_full(stored_delta) then
  return -3
end
redis.call('HSET', KEYS[1], ARGV[ARG_KEY], ARGV[ARG_VALUE])
redis.call('INCRBY', KEYS[2], delta)
return 0
