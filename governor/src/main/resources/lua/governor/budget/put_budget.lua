-- Replaces the caps of one scope, registers its tenant (zone UTC unless set) and records the change
-- in the ledger ('budget', op 'put', who, and each window's '<cap>;<pct>,...'); refused with
-- 'scope_limit' when the scope would be one more than the tenant or a subtree it lies in may hold,
-- with 'write_quota' when the tenant's write quota has no room for the change's ledger entry
-- (RECORDS.change), or answered 'zone' when the caller computed windows in a stale zone, writing
-- nothing in each case. Putting the caps the scope has already is a no-op: it writes and records
-- nothing, and is neither charged nor refused.
-- The marks the new caps put behind the spend already counted in their current windows fire at
-- once (fire_reached): no later spend would take them across.
-- A tenant script (TenantScripts.HEADER first); own arguments (BudgetScripts.PUT_BUDGET): scope,
-- who puts it, then from ARG_CAPS window/value pairs ('<cap>;<pct>,...').
local scope = ARGV[ARG_SCOPE]
local registered = redis.call('HGET', H.config, 'zone')
local zone = registered or 'UTC'
if zone ~= H.zone then return {'zone', zone} end
local fields = {}
for i, window in ipairs(WINDOWS) do fields[i] = scope .. '|' .. window end

-- True when the tenant is registered, the scope counted, and its caps exactly those given.
local function unchanged()
  if not registered or redis.call('SISMEMBER', H.scopes, scope) == 0 then return false end
  local given = {}
  for i = ARG_CAPS, #ARGV, 2 do given[scope .. '|' .. ARGV[i]] = ARGV[i + 1] end
  local stored = redis.call('HMGET', H.config, unpack(fields))
  for i, field in ipairs(fields) do
    if (stored[i] or nil) ~= given[field] then return false end
  end
  return true
end

if unchanged() then return {'ok', ''} end
local refused = quota_refusal(RECORDS.change)
if refused then return refused end
-- A budget's caps stay in Redis for as long as the budget: its scope counts among the tenant's
-- scopes (and its subtrees' shares) as one a spend first counted does.
if redis.call('SISMEMBER', H.scopes, scope) == 0 then
  local layers = layers_of(scope)
  refused = take_scopes(layers, {#layers})
  if refused then return refused end
end
redis.call('HSETNX', H.config, 'zone', 'UTC')
redis.call('HDEL', H.config, unpack(fields))
local change = {'budget', 'scope', scope, 'op', 'put', 'by', ARGV[ARG_BY]}
for i = ARG_CAPS, #ARGV, 2 do
  redis.call('HSET', H.config, scope .. '|' .. ARGV[i], ARGV[i + 1])
  change[#change + 1] = ARGV[i]
  change[#change + 1] = ARGV[i + 1]
end
fire_reached(scope)
record_change(change)
return {'ok', ''}
