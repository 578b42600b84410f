-- Replaces a tenant's policy hash in one step and records the change in the ledger ('policy', the
-- new policy as a JSON object of its stored fields, who).
-- A tenant script (TenantScripts.HEADER first); own arguments (TenantPolicies.PUT): who puts it,
-- then from ARG_FIELDS field/value pairs.
local key = H.prefix .. 'policy'
redis.call('DEL', key)
redis.call('HSET', key, unpack(ARGV, ARG_FIELDS))
local policy = {}
for i = ARG_FIELDS, #ARGV, 2 do policy[ARGV[i]] = ARGV[i + 1] end
append_ledger({'policy', 'scope', call_tenant(), 'policy', cjson.encode(policy),
  'by', ARGV[ARG_BY]})
return {'ok', ''}
