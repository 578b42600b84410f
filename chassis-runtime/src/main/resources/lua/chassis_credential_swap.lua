-- Replaces one stored credential only if it is still the value the caller read, so a reseal never
-- overwrites a credential an operator put meanwhile.
-- KEYS[1] credentials hash; ARGV[1] field (owner and name), ARGV[2] value read, ARGV[3] new value
-- Returns 1 replaced, 0 changed or deleted meanwhile.
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
end
return 0
