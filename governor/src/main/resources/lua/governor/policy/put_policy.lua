-- Replaces a tenant's policy hash in one step and records the change in the ledger ('policy', the
-- new policy as a JSON object of its stored fields, who); refused with 'write_quota', writing
-- nothing, when the tenant's write quota has no room for that entry (RECORDS.change). Putting the
-- policy the tenant has already is a no-op: nothing is written, recorded or charged.
-- A tenant script (TenantScripts.HEADER first); own arguments (TenantPolicies.PUT): who puts it,
-- then from ARG_FIELDS field/value pairs.
local key = H.prefix .. 'policy'
local policy, given = {}, 0
for i = ARG_FIELDS, #ARGV, 2 do
  policy[ARGV[i]] = ARGV[i + 1]
  given = given + 1
end

-- True when the stored policy has exactly the given fields and values.
local function unchanged()
  local stored = redis.call('HGETALL', key)
  if #stored ~= 2 * given then return false end
  for i = 1, #stored, 2 do
    if policy[stored[i]] ~= stored[i + 1] then return false end
  end
  return true
end

if unchanged() then return {'ok', ''} end
local refused = quota_refusal(RECORDS.change)
if refused then return refused end
redis.call('DEL', key)
redis.call('HSET', key, unpack(ARGV, ARG_FIELDS))
record_change({'policy', 'scope', call_tenant(), 'policy', cjson.encode(policy),
  'by', ARGV[ARG_BY]})
return {'ok', ''}
