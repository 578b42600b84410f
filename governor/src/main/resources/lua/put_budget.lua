-- Replaces the caps of one scope and registers its tenant (zone UTC unless set).
-- KEYS: 1 config hash.  ARGV: 1 now (ms)  2 scope, then window/value pairs ('<cap>;<pct>,...').
redis.call('HSETNX', KEYS[1], 'zone', 'UTC')
redis.call('HSETNX', KEYS[1], 'created', ARGV[1])
local scope = ARGV[2]
redis.call('HDEL', KEYS[1], scope .. '|lifetime', scope .. '|day', scope .. '|month')
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[1], scope .. '|' .. ARGV[i], ARGV[i + 1])
end
return 'ok'
