-- Replaces the caps of one scope and registers its tenant (zone UTC unless set).
-- KEYS: 1 tenant hash  2 budget hash.  ARGV: 1 now (ms), then field/value pairs.
redis.call('HSETNX', KEYS[1], 'zone', 'UTC')
redis.call('HSETNX', KEYS[1], 'created', ARGV[1])
redis.call('DEL', KEYS[2])
if #ARGV > 1 then
  redis.call('HSET', KEYS[2], unpack(ARGV, 2))
end
return 'ok'
