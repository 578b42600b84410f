-- Replaces the caps of one scope and registers its tenant (zone UTC unless set).
-- KEYS: 1 config hash.  Arguments (BudgetScripts.PUT_BUDGET): now (ms), scope, then from ARG_CAPS
-- window/value pairs ('<cap>;<pct>,...').
redis.call('HSETNX', KEYS[1], 'zone', 'UTC')
redis.call('HSETNX', KEYS[1], 'created', ARGV[ARG_NOW])
local scope = ARGV[ARG_SCOPE]
redis.call('HDEL', KEYS[1], scope .. '|lifetime', scope .. '|day', scope .. '|month')
for i = ARG_CAPS, #ARGV, 2 do
  redis.call('HSET', KEYS[1], scope .. '|' .. ARGV[i], ARGV[i + 1])
end
return 'ok'
