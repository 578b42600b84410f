-- Removes the caps of one scope (the spend counted on it stays) and records the removal in the
-- ledger ('budget', op 'delete', who); refused with 'write_quota', writing nothing, when the
-- tenant's write quota has no room for that entry (RECORDS.change).
-- A tenant script (TenantScripts.HEADER first); own arguments (BudgetScripts.DELETE_BUDGET): scope,
-- who removes it. Returns {'ok', '1'} when the scope had a budget, else {'ok', '0'}, recording
-- nothing and charged nothing.
local scope = ARGV[ARG_SCOPE]
local fields = {}
for i, window in ipairs(WINDOWS) do fields[i] = scope .. '|' .. window end
local stored = redis.call('HMGET', H.config, unpack(fields))
if not (stored[1] or stored[2] or stored[3]) then return {'ok', '0'} end
local refused = quota_refusal(RECORDS.change)
if refused then return refused end
redis.call('HDEL', H.config, unpack(fields))
record_change({'budget', 'scope', scope, 'op', 'delete', 'by', ARGV[ARG_BY]})
return {'ok', '1'}
