-- Sets the zone a tenant's day and month windows follow, and records the change in the ledger
-- ('zone', the new zone, the one it replaces, who), until something was counted in them: a window
-- is named by its date in the zone, so moving the zone under counted spend or holds would start
-- today's window afresh (forgiving what it had spent) or reopen an old one. Every hold and spend
-- counts on the tenant's root scope as well as its own, and lifetime counters are never dropped:
-- the root's usage counters existing is the mark that something was counted, which neither
-- deleting budgets nor releasing holds removes. A budget alone counts nothing, so it locks nothing:
-- an admin confined to a subtree cannot fix the tenant's zone by putting one. Setting the zone the
-- tenant has is a no-op, not recorded nor charged; a change is refused with 'write_quota', writing
-- nothing, when the tenant's write quota has no room for its ledger entry (RECORDS.change).
-- A tenant script (TenantScripts.HEADER first); own arguments (BudgetScripts.SET_ZONE): the new
-- zone, who sets it.
-- Returns {'ok', ''}, or {'zone_in_use', <current zone>} when the zone differs and something was
-- counted.
local current = redis.call('HGET', H.config, 'zone') or 'UTC'
local zone = ARGV[ARG_NEW_ZONE]
if current == zone then
  redis.call('HSET', H.config, 'zone', current)
  return {'ok', ''}
end
local tenant = call_tenant()
if redis.call('EXISTS', H.prefix .. 'u:' .. tenant) == 1 then
  return {'zone_in_use', current}
end
local refused = quota_refusal(RECORDS.change)
if refused then return refused end
redis.call('HSET', H.config, 'zone', zone)
record_change({'zone', 'scope', tenant, 'zone', zone, 'was', current, 'by', ARGV[ARG_BY]})
return {'ok', ''}
