-- Deletes one tool version, and its module bytes once no version refers to them. The version's
-- hash stays as a tombstone of its digest and terms (chassis_register.lua), read as absent.
-- KEYS[1] tool hash, KEYS[2] set of tool refs, KEYS[3] refs of the digest, KEYS[4] module bytes
-- Arguments: ModuleRegistry.DELETE (digest: the one the caller read; the delete is refused if it
-- changed since).
-- Returns 1 if deleted, 0 if absent or changed.
local v = redis.call('HMGET', KEYS[1], 'digest', 'deleted')
if v[1] ~= ARGV[ARG_DIGEST] or v[2] then
  return 0
end
redis.call('HDEL', KEYS[1], 'contract', 'kid', 'registeredAt', 'size')
redis.call('HSET', KEYS[1], 'deleted', '1')
redis.call('SREM', KEYS[2], ARGV[ARG_REF])
redis.call('SREM', KEYS[3], ARGV[ARG_REF])
if redis.call('SCARD', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[4])
end
return 1
