-- Replaces one stored credential only if it is still the value the caller read, so a reseal never
-- overwrites a credential an operator put meanwhile.
-- KEYS[1] credentials hash. Arguments: SealedCredentials.SWAP (field: owner and name).
-- Returns 1 replaced, 0 changed or deleted meanwhile.
if redis.call('HGET', KEYS[1], ARGV[ARG_FIELD]) == ARGV[ARG_READ] then
  redis.call('HSET', KEYS[1], ARGV[ARG_FIELD], ARGV[ARG_REPLACEMENT])
  return 1
end
return 0
