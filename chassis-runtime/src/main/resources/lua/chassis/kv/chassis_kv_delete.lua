-- Deletes one key of a namespace and gives its bytes back to the namespace's quota and to the
-- tenant's share; counters that reach zero go with the last entry.
-- KEYS[1] namespace hash, KEYS[2] namespace byte counter, KEYS[3] the tenant's stored-byte counter,
-- KEYS[4] the namespace's sorted index of keys (one hash tag: the tenant's). Arguments: KvStore.DELETE.
-- Returns 1 deleted, 0 absent.
local old = redis.call('HGET', KEYS[1], ARGV[ARG_KEY])
if not old then
  return 0
end
redis.call('HDEL', KEYS[1], ARGV[ARG_KEY])
redis.call('ZREM', KEYS[4], ARGV[ARG_KEY])
local function give_back(counter, amount)
  if redis.call('DECRBY', counter, amount) <= 0 then
    redis.call('DEL', counter)
  end
end
give_back(KEYS[2], string.len(ARGV[ARG_KEY]) + raw_length(old))
give_back(KEYS[3], stored_length(ARGV[ARG_KEY], old, tonumber(ARGV[ARG_ENTRY_OVERHEAD])))
return 1
