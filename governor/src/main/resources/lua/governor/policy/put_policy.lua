-- Replaces a tenant's policy hash in one step. KEYS: 1 policy hash.  Arguments from ARG_FIELDS:
-- field/value pairs.
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, ARG_FIELDS))
return 'ok'
