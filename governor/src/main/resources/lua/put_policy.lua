-- Replaces a tenant's policy hash in one step. KEYS: 1 policy hash.  ARGV: field/value pairs.
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV))
return 'ok'
