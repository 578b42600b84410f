-- Settles a reservation with the actual cost: the reservation is given back and the actual cost is
-- spent in the current windows. A cost above the reservation is recorded all the same (the money
-- is gone) and flagged as overage; a commit after expiry is recorded as a late commit.
-- ARGV: 12 reservation id  13 actual amount  14 input tokens  15 cached input tokens
--   16 output tokens  17 model  18 pricing version
local rejected = tenant_check() or replay_or_conflict()
if rejected then return rejected end

local rid, actual = ARGV[12], tonumber(ARGV[13])
local r = load_reservation(H.res_key)
if not r then return {'not_found', ''} end
if r.state == 'active' and r.exp <= H.now then
  expire_reservation(H.res_key, rid, r)
  r.state = 'expired'
end
if r.state ~= 'active' and r.state ~= 'expired' then return {'not_active', r.state} end

local late = r.state == 'expired'
if not late then end_reservation(H.res_key, rid, r, 'committed') end
redis.call('HSET', H.res_key, 'state', 'committed', 'actual', int(actual), 'late', late and '1' or '0')
redis.call('PEXPIRE', H.res_key, H.retention)

local layers = layers_of(r.scope)
add_spend(layers, actual, tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16]))
local limits = limits_of(layers)
read_usage(limits)
fire_thresholds(limits, actual)

local released = late and 0 or math.max(r.amount - actual, 0)
local overage = actual > r.amount
append_ledger({'commit', 'rid', rid, 'scope', r.scope, 'amt', int(actual),
  'dr', late and '0' or int(-r.amount), 'rw', r.rw, 'ds', int(actual),
  'sw', table.concat(current_windows(), ','), 'tin', ARGV[14], 'tcin', ARGV[15], 'tout', ARGV[16],
  'model', ARGV[17], 'pv', ARGV[18], 'ovr', overage and '1' or '0', 'late', late and '1' or '0',
  'key', H.idem})

return remember(cjson.encode({rid = rid, scope = r.scope, reserved = int(r.amount),
  actual = int(actual), released = int(released), overage = overage, late = late,
  layers = encode_limits(limits)}))
