-- Reserves an amount on a scope and every budgeted ancestor, all or nothing.
-- Arguments: BudgetScripts.RESERVE (holder: who alone may commit or release it, see
--   ReservationHolder; '' for anyone whose subtree covers the scope).
local scope = ARGV[ARG_SCOPE]
local caps, rejected = load_config(layers_of(scope))
rejected = rejected or replay_or_refusal(RECORDS.reserve)
if rejected then return rejected end
if #caps == 0 then return {'unknown_scope', scope} end
attribute(ARG_ATTRIBUTION)
expire_due(LAZY_EXPIRY_BATCH)

local model = ARGV[ARG_MODEL]
local held, denied, over, limits = hold(caps, ARGV[ARG_RESERVATION_ID], scope,
  tonumber(ARGV[ARG_AMOUNT]), tonumber(ARGV[ARG_EXPIRES_AT]), model, ARGV[ARG_PRICING_VERSION],
  ARGV[ARG_ESTIMATED_INPUT_TOKENS], ARGV[ARG_ESTIMATED_OUTPUT_TOKENS], ARGV[ARG_HOLDER])
if over then return over end
-- The tenant policy's downgrade advice for this model, if any; the caller decides from the layers.
local downgrade = model ~= '' and redis.call('HGET', H.prefix .. 'policy', 'dg:' .. model)
if denied then
  denied.downgrade = downgrade or ''
  return {'denied', cjson.encode(denied)}
end
held.downgrade = downgrade or ''
held.layers = encode_limits(limits)
return remember(cjson.encode(held))
