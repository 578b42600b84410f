-- Reserves an amount on a scope and every budgeted ancestor, all or nothing.
-- ARGV (after the prelude's): 12 reservation id  13 amount  14 expires at (ms)  15 model
--   16 pricing version  17 estimated input tokens  18 estimated output tokens  19 scope
local scope = ARGV[19]
local caps, rejected = load_config(layers_of(scope))
rejected = rejected or replay_or_conflict()
if rejected then return rejected end
if #caps == 0 then return {'unknown_scope', ''} end
expire_due(LAZY_EXPIRY_BATCH)

local held, denied, over = hold(caps, ARGV[12], scope, tonumber(ARGV[13]), tonumber(ARGV[14]),
  ARGV[15], ARGV[16], ARGV[17], ARGV[18])
if over then return over end
-- The tenant policy's downgrade advice for this model, if any; the caller decides from the layers.
local downgrade = ARGV[15] ~= '' and redis.call('HGET', H.prefix .. 'policy', 'dg:' .. ARGV[15])
if denied then
  denied.downgrade = downgrade or ''
  return {'denied', cjson.encode(denied)}
end
held.downgrade = downgrade or ''
return remember(cjson.encode(held))
