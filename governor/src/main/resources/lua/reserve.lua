-- Reserves an amount on a scope and every budgeted ancestor, all or nothing.
-- ARGV (after the prelude's): 12 reservation id  13 amount  14 expires at (ms)  15 model
--   16 pricing version  17 estimated input tokens  18 estimated output tokens  19 scope
local rejected = tenant_check() or replay_or_conflict()
if rejected then return rejected end
expire_due(LAZY_EXPIRY_BATCH)

local rid, amount, expires_at, scope = ARGV[12], tonumber(ARGV[13]), tonumber(ARGV[14]), ARGV[19]
local layers = layers_of(scope)
local limits, budgeted = limits_of(layers)
if not budgeted then return {'unknown_scope', ''} end
read_usage(limits)

local refusals = {}
for _, limit in ipairs(limits) do
  local remaining = limit.cap - limit.spent - limit.reserved
  if remaining < amount then
    refusals[#refusals + 1] = {scope = limit.scope, window = limit.window,
                               shortfall = int(amount - math.max(remaining, 0))}
  end
end
if #refusals > 0 then
  return {'denied', cjson.encode({refusals = refusals, layers = encode_limits(limits)})}
end

local ids = current_windows()
add_usage(layers, ids, 'reserved', amount)
for _, limit in ipairs(limits) do limit.reserved = limit.reserved + amount end

redis.call('HSET', H.res_key, 'scope', scope, 'amt', int(amount), 'state', 'active',
  'exp', int(expires_at), 'rw', table.concat(ids, ','), 'model', ARGV[15], 'pv', ARGV[16],
  'created', int(H.now), 'key', H.idem)
redis.call('PEXPIREAT', H.res_key, expires_at + H.retention)
redis.call('ZADD', H.rexp, expires_at, rid)
append_ledger({'reserve', 'rid', rid, 'scope', scope, 'amt', int(amount), 'dr', int(amount),
  'rw', table.concat(ids, ','), 'model', ARGV[15], 'pv', ARGV[16], 'ein', ARGV[17],
  'eout', ARGV[18], 'key', H.idem})

return remember(cjson.encode({rid = rid, amount = int(amount), expires_at = int(expires_at),
  layers = encode_limits(limits)}))
