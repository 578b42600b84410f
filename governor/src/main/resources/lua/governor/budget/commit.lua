-- Settles a reservation with the actual cost (see commit_reservation in budget_lib.lua).
-- Arguments: BudgetScripts.COMMIT (subtree: the scopes the caller may touch, '' for any; holder:
--   the caller's, which must be the reservation's if it has one, see settled_by_other();
--   charge_ended: '1' for a service's commit, charged even if the hold already ended; settles: the
--   catalogue version the spend was priced for, see repricing()).
local rejected = replay_or_refusal(RECORDS.prepaid)
if rejected then return rejected end
attribute(ARG_ATTRIBUTION)
local rid = ARGV[ARG_RESERVATION_ID]
local r = load_reservation(H.res_key)
if not r or not within(r.scope, ARGV[ARG_SUBTREE]) then return {'not_found', ''} end
rejected = settled_by_other(r, ARGV[ARG_HOLDER])
if rejected then return rejected end
rejected = repricing(r, spend_of(ARG_SPEND), ARGV[ARG_SETTLES])
if rejected then return rejected end
local caps
caps, rejected = load_config(layers_of(r.scope))
if rejected then return rejected end

local committed, state, over, limits = commit_reservation(H.res_key, rid, r, caps,
  spend_of(ARG_SPEND), ARGV[ARG_CHARGE_ENDED] == '1')
if over then return over end
if not committed then return {'not_active', state} end
committed.layers = encode_limits(limits)
return remember(cjson.encode(committed))
