-- Takes one namespace of the layout before tenant hash tags ({kv:<tenant>:<tool>:<kid>}) into the
-- tenant-tagged one, counting its bytes in the namespace's counter and the tenant's share. The
-- share is not checked: what was stored stays, and only growth past the share is refused.
-- KEYS[1] namespace hash, KEYS[2] namespace byte counter, KEYS[3] the tenant's stored-byte counter,
-- KEYS[4] the namespace's sorted index of keys.
-- Arguments: KvStore.ADOPT (entry_overhead, then the old hash's keys and values in turn).
-- Returns 1 adopted, 0 when the namespace holds data already (adopted by an earlier run).
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local overhead = tonumber(ARGV[ARG_ENTRY_OVERHEAD])
local raw, stored = 0, 0
for i = ARG_ENTRIES, #ARGV - 1, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[4], 0, ARGV[i])
  raw = raw + string.len(ARGV[i]) + raw_length(ARGV[i + 1])
  stored = stored + stored_length(ARGV[i], ARGV[i + 1], overhead)
end
if raw > 0 then
  redis.call('INCRBY', KEYS[2], raw)
  redis.call('INCRBY', KEYS[3], stored)
end
return 1
