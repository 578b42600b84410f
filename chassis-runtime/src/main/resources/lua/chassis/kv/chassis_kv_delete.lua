-- Deletes one key of a namespace and releases its bytes from the quota.
-- KEYS[1] namespace hash, KEYS[2] namespace byte counter. Arguments: KvStore.DELETE.
-- Returns 1 deleted, 0 absent.
local old = redis.call('HGET', KEYS[1], ARGV[ARG_KEY])
if not old then
  return 0
end
local padding = 0
if string.sub(old, -2) == '==' then padding = 2 elseif string.sub(old, -1) == '=' then padding = 1 end
redis.call('HDEL', KEYS[1], ARGV[ARG_KEY])
redis.call('DECRBY', KEYS[2], string.len(ARGV[ARG_KEY]) + (string.len(old) / 4) * 3 - padding)
return 1
