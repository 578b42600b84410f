-- Stores one key of a tool's namespace for one tenant, within the namespace's quotas, within the
-- tenant's share of all namespaces, and within the share of the server's memory tool data may take.
-- The server's share is its own measure: a write that grows the namespace is refused when
-- used_memory plus what it adds would pass maxmemory * (100 - headroom) / 100, so budgets, claims,
-- the ledger and the registry always keep headroom percent of the server. With maxmemory 0
-- (unbounded) there is nothing to protect there; the tenant's share still holds. In the last
-- quarter of tool data's share a tenant holds at most what stays free: two tenants (each within
-- chassis.kv.tenantMaxBytes) once filled the whole share, and every other tenant's first write was
-- refused.
-- KEYS[1] namespace hash, KEYS[2] namespace byte counter, KEYS[3] the tenant's stored-byte counter,
-- KEYS[4] the namespace's sorted index of keys (one hash tag: the tenant's). Arguments: KvStore.PUT (value in base64, value_length its raw
-- length, entry_overhead in bytes).
-- Returns 0 stored, -1 key quota reached, -2 byte quota reached, -3 tool data's share of the
-- server's memory reached, -4 the tenant's share reached.
local function server_refusal(incoming, tenant_stored)
  local info = redis.call('INFO', 'memory')
  local max = tonumber(string.match(info, 'maxmemory:(%d+)'))
  if not max or max == 0 then
    return nil
  end
  local used = tonumber(string.match(info, 'used_memory:(%d+)'))
  local share = max * (100 - tonumber(ARGV[ARG_HEADROOM_PERCENT])) / 100
  if used + incoming > share then
    return -3
  end
  -- In the last quarter, a tenant may hold no more than is left free after its write: each
  -- tenant that writes there stops at half of what it found free, and the next one still finds
  -- some.
  if used + incoming > share * 3 / 4 and tenant_stored + incoming > share - used - incoming then
    return -4
  end
  return nil
end
local overhead = tonumber(ARGV[ARG_ENTRY_OVERHEAD])
local key_length = string.len(ARGV[ARG_KEY])
local delta = key_length + tonumber(ARGV[ARG_VALUE_LENGTH])
local stored_delta = stored_length(ARGV[ARG_KEY], ARGV[ARG_VALUE], overhead)
local old = redis.call('HGET', KEYS[1], ARGV[ARG_KEY])
if old then
  delta = delta - (key_length + raw_length(old))
  stored_delta = stored_delta - stored_length(ARGV[ARG_KEY], old, overhead)
elseif redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[ARG_MAX_KEYS]) then
  return -1
end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used + delta > tonumber(ARGV[ARG_MAX_BYTES]) then
  return -2
end
if stored_delta > 0 then
  local tenant_stored = tonumber(redis.call('GET', KEYS[3]) or '0')
  if tenant_stored + stored_delta > tonumber(ARGV[ARG_TENANT_MAX_BYTES]) then
    return -4
  end
  local refused = server_refusal(stored_delta, tenant_stored)
  if refused then
    return refused
  end
end
redis.call('HSET', KEYS[1], ARGV[ARG_KEY], ARGV[ARG_VALUE])
if not old then
  redis.call('ZADD', KEYS[4], 0, ARGV[ARG_KEY])
end
redis.call('INCRBY', KEYS[2], delta)
redis.call('INCRBY', KEYS[3], stored_delta)
return 0
