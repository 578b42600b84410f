-- Records reported usage that was not reserved first, on the scope and every ancestor. The money
-- is already spent, so a charge is never refused for lack of budget; the reply names every cap it
-- went over and by how much. A charge that would take a counter past MAX_COUNTER, or count one
-- scope more than the tenant may hold counters for, is refused and records nothing (see admit).
-- Arguments: BudgetScripts.CHARGE.
local cid, spend, scope = ARGV[ARG_CHARGE_ID], spend_of(ARG_SPEND), ARGV[ARG_SCOPE]
local amount = spend.amount
local layers = layers_of(scope)
local caps, rejected = load_config(layers)
rejected = rejected or replay_or_refusal(RECORDS.charge)
if rejected then return rejected end
if #caps == 0 then return {'unknown_scope', scope} end

local usage = load_usage(layers, current_windows(), true)
add_spend(usage, layers, amount, tonumber(spend.tin), tonumber(spend.tcin), tonumber(spend.tout))
local over = admit(usage, layers)
if over then return over end
local limits = bind(caps, usage)
save(usage)
fire_thresholds(limits, amount)

local over = {}
for _, limit in ipairs(limits) do
  local excess = limit.cell.spent + limit.cell.reserved - limit.cap
  if excess > 0 then
    over[#over + 1] = {scope = limit.scope, window = limit.window, shortfall = int(excess)}
  end
end
append_ledger({'charge', 'cid', cid, 'scope', scope, 'amt', int(amount), 'ds', int(amount),
  'sw', CURRENT_WINDOWS_JOINED, 'tin', spend.tin, 'tcin', spend.tcin,
  'tout', spend.tout, 'model', spend.model, 'pv', spend.pv, 'key', H.idem})

return remember(cjson.encode({cid = cid, scope = scope, amount = int(amount), over_cap = over,
  layers = encode_limits(limits)}))
