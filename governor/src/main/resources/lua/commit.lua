-- Settles a reservation with the actual cost (see commit_reservation in budget_lib.lua).
-- ARGV: 12 reservation id, 13.. the spend (spend_at): amount, input, cached input and output
--   tokens, model, pricing version; 19 subtree the caller may touch ('' for any)
local rejected = replay_or_conflict()
if rejected then return rejected end
local rid = ARGV[12]
local r = load_reservation(H.res_key)
if not r or not within(r.scope, ARGV[19]) then return {'not_found', ''} end
local caps
caps, rejected = load_config(layers_of(r.scope))
if rejected then return rejected end

local committed, state, over = commit_reservation(H.res_key, rid, r, caps, spend_at(13))
if over then return over end
if not committed then return {'not_active', state} end
return remember(cjson.encode(committed))
