-- Settles a reservation with the actual cost: the hold is given back to the windows it was taken
-- from and the actual cost is spent in the current windows. A cost above the hold is recorded all
-- the same (the money is gone) and flagged as overage; a commit after expiry is a late commit.
-- ARGV: 12 reservation id  13 actual amount  14 input tokens  15 cached input tokens
--   16 output tokens  17 model  18 pricing version  19 subtree the caller may touch ('' for any)
local rejected = replay_or_conflict()
if rejected then return rejected end
local rid, actual = ARGV[12], tonumber(ARGV[13])
local r = load_reservation(H.res_key)
if not r or not within(r.scope, ARGV[19]) then return {'not_found', ''} end
local layers = layers_of(r.scope)
local caps
caps, rejected = load_config(layers)
if rejected then return rejected end

if r.state == 'active' and r.exp <= H.now then
  expire_reservation(H.res_key, rid, r)
  r.state = 'expired'
end
if r.state ~= 'active' and r.state ~= 'expired' then return {'not_active', r.state} end

local late = r.state == 'expired'
local usage = load_usage(layers, union(r.rw, current_windows()), true)
if not late then bump(usage, layers, r.rw, 'reserved', -r.amount) end
add_spend(usage, layers, actual, tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16]))
local limits = bind(caps, usage)
save(usage)
fire_thresholds(limits, actual)
finish_reservation(H.res_key, rid,
  {'state', 'committed', 'actual', int(actual), 'late', late and '1' or '0'})

local released = late and 0 or math.max(r.amount - actual, 0)
local overage = actual > r.amount
local rw = table.concat(r.rw, ',')
append_ledger({'commit', 'rid', rid, 'scope', r.scope, 'amt', int(actual),
  'dr', late and '0' or int(-r.amount), 'rw', rw, 'ds', int(actual),
  'sw', table.concat(current_windows(), ','), 'tin', ARGV[14], 'tcin', ARGV[15], 'tout', ARGV[16],
  'model', ARGV[17], 'pv', ARGV[18], 'ovr', overage and '1' or '0', 'late', late and '1' or '0',
  'key', H.idem})

return remember(cjson.encode({rid = rid, scope = r.scope, reserved = int(r.amount),
  actual = int(actual), released = int(released), overage = overage, late = late,
  layers = encode_limits(limits)}))
