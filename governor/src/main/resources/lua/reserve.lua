-- Reserves an amount on a scope and every budgeted ancestor, all or nothing.
-- ARGV (after the prelude's): 12 reservation id  13 amount  14 expires at (ms)  15 model
--   16 pricing version  17 estimated input tokens  18 estimated output tokens  19 scope
local rid, amount, expires_at, scope = ARGV[12], tonumber(ARGV[13]), tonumber(ARGV[14]), ARGV[19]
local layers = layers_of(scope)
local caps, rejected = load_config(layers)
rejected = rejected or replay_or_conflict()
if rejected then return rejected end
if #caps == 0 then return {'unknown_scope', ''} end
expire_due(LAZY_EXPIRY_BATCH)

local ids = current_windows()
local usage = load_usage(layers, ids, false)
local limits = bind(caps, usage)
local refusals = {}
for _, limit in ipairs(limits) do
  local remaining = limit.cap - limit.cell.spent - limit.cell.reserved
  if remaining < amount then
    refusals[#refusals + 1] = {scope = limit.scope, window = limit.window,
                               shortfall = int(amount - math.max(remaining, 0))}
  end
end
if #refusals > 0 then
  return {'denied', cjson.encode({refusals = refusals, layers = encode_limits(limits)})}
end

bump(usage, layers, ids, 'reserved', amount)
save(usage)
local windows = table.concat(ids, ',')
redis.call('HSET', H.res_key, 'scope', scope, 'amt', int(amount), 'state', 'active',
  'exp', int(expires_at), 'rw', windows, 'model', ARGV[15], 'pv', ARGV[16],
  'created', int(H.now), 'key', H.idem)
redis.call('ZADD', H.rexp, expires_at, rid)
append_ledger({'reserve', 'rid', rid, 'scope', scope, 'amt', int(amount), 'dr', int(amount),
  'rw', windows, 'model', ARGV[15], 'pv', ARGV[16], 'ein', ARGV[17], 'eout', ARGV[18],
  'key', H.idem})

return remember(cjson.encode({rid = rid, amount = int(amount), expires_at = int(expires_at),
  layers = encode_limits(limits)}))
