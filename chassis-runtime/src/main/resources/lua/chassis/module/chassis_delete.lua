-- Deletes one tool version, and its module bytes once no version refers to them.
-- KEYS[1] tool hash, KEYS[2] set of tool refs, KEYS[3] refs of the digest, KEYS[4] module bytes
-- Arguments: ModuleRegistry.DELETE (digest: the one the caller read; the delete is refused if it
-- changed since).
-- Returns 1 if deleted, 0 if absent or changed.
if redis.call('HGET', KEYS[1], 'digest') ~= ARGV[ARG_DIGEST] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[ARG_REF])
redis.call('SREM', KEYS[3], ARGV[ARG_REF])
if redis.call('SCARD', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[4])
end
return 1
