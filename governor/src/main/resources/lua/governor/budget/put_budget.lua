-- Replaces the caps of one scope and registers its tenant (zone UTC unless set); refused with
-- 'scope_limit' when the scope would be one more than the tenant or a subtree it lies in may hold.
-- A tenant script (TenantScripts.HEADER first); own arguments (BudgetScripts.PUT_BUDGET): scope,
-- then from ARG_CAPS window/value pairs ('<cap>;<pct>,...').
local scope = ARGV[ARG_SCOPE]
-- A budget's caps stay in Redis for as long as the budget: its scope counts among the tenant's
-- scopes (and its subtrees' shares) as one a spend first counted does.
if redis.call('SISMEMBER', H.scopes, scope) == 0 then
  local layers = layers_of(scope)
  local refused = take_scopes(layers, {#layers})
  if refused then return refused end
end
redis.call('HSETNX', KEYS[KEY.config], 'zone', 'UTC')
redis.call('HSETNX', KEYS[KEY.config], 'created', ARGV[ARG_NOW])
redis.call('HDEL', KEYS[KEY.config], scope .. '|lifetime', scope .. '|day', scope .. '|month')
for i = ARG_CAPS, #ARGV, 2 do
  redis.call('HSET', KEYS[KEY.config], scope .. '|' .. ARGV[i], ARGV[i + 1])
end
return {'ok', ''}
