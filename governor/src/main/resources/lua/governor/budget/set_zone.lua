-- Sets the zone a tenant's day and month windows follow, until the tenant has a budget: from then
-- on its windows hold counted spend, and moving them would forgive part of it or count some twice.
-- Setting the zone it has is a no-op.
-- KEYS: 1 config hash.  Arguments (BudgetScripts.SET_ZONE): zone.
-- Returns 'ok', or {'zone_in_use', <current zone>} when a budget is set and the zone differs.
local current = redis.call('HGET', KEYS[1], 'zone') or 'UTC'
if current == ARGV[ARG_ZONE] then
  redis.call('HSET', KEYS[1], 'zone', current)
  return 'ok'
end
local cursor = '0'
repeat
  local page = redis.call('HSCAN', KEYS[1], cursor, 'MATCH', '*|*', 'COUNT', 1000)
  cursor = page[1]
  if #page[2] > 0 then
    return {'zone_in_use', current}
  end
until cursor == '0'
redis.call('HSET', KEYS[1], 'zone', ARGV[ARG_ZONE])
return 'ok'
