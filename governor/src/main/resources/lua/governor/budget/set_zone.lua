-- Sets the zone a tenant's day and month windows follow, until the tenant has had a budget: from
-- the first one on, its windows may hold counted spend and holds, which moving them would forgive
-- (deleting every budget first does not change that: the counters stay). put_budget stamps the
-- config's 'created' field with the first budget. Setting the zone it has is a no-op.
-- KEYS: 1 config hash.  Arguments (BudgetScripts.SET_ZONE): zone.
-- Returns 'ok', or {'zone_in_use', <current zone>} when the zone differs and a budget was ever set.
local current = redis.call('HGET', KEYS[1], 'zone') or 'UTC'
if current == ARGV[ARG_ZONE] then
  redis.call('HSET', KEYS[1], 'zone', current)
  return 'ok'
end
if redis.call('HEXISTS', KEYS[1], 'created') == 1 then
  return {'zone_in_use', current}
end
redis.call('HSET', KEYS[1], 'zone', ARGV[ARG_ZONE])
return 'ok'
