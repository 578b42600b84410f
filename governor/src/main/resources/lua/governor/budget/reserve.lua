-- Reserves an amount on a scope and every budgeted ancestor, all or nothing.
-- Arguments: BudgetScripts.RESERVE (holder: who alone may commit or release it, see
--   ReservationHolder; '' for anyone whose subtree covers the scope; grant_id, grant_lease,
--   grant_cap, grant_until (ms): the grant the hold is made under, grant_id '' for none, see
--   grant_refusal()).
local scope = ARGV[ARG_SCOPE]
local caps, rejected = load_config(layers_of(scope))
rejected = rejected or replay_or_refusal(RECORDS.reserve)
if rejected then return rejected end
if #caps == 0 then return {'unknown_scope', scope} end
local rid, amount, expires_at = ARGV[ARG_RESERVATION_ID], tonumber(ARGV[ARG_AMOUNT]),
  tonumber(ARGV[ARG_EXPIRES_AT])
local grant = ARGV[ARG_GRANT_ID] ~= '' and grant_key(ARGV[ARG_GRANT_ID])
local grant_cap, grant_until = tonumber(ARGV[ARG_GRANT_CAP]), tonumber(ARGV[ARG_GRANT_UNTIL])
attribute(ARG_ATTRIBUTION)
-- Due holds end first, so that the grant's counter no longer counts those of its own.
expire_due(LAZY_EXPIRY_BATCH)
if grant then
  rejected = grant_refusal(grant, ARGV[ARG_GRANT_LEASE], grant_cap, grant_until, amount,
    expires_at)
  if rejected then return rejected end
end

local model = ARGV[ARG_MODEL]
local held, denied, over, limits = hold(caps, rid, scope, amount, expires_at, model,
  ARGV[ARG_PRICING_VERSION], ARGV[ARG_ESTIMATED_INPUT_TOKENS], ARGV[ARG_ESTIMATED_OUTPUT_TOKENS],
  ARGV[ARG_HOLDER])
if over then return over end
if held and grant then hold_grant(grant, rid, amount, grant_cap, grant_until) end
-- The tenant policy's downgrade advice for this model, if any; the caller decides from the layers.
local downgrade = model ~= '' and redis.call('HGET', H.prefix .. 'policy', 'dg:' .. model)
if denied then
  denied.downgrade = downgrade or ''
  return {'denied', cjson.encode(denied)}
end
held.downgrade = downgrade or ''
held.layers = encode_limits(limits)
return remember(cjson.encode(held))
