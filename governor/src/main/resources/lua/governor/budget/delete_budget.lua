-- Removes the caps of one scope (the spend counted on it stays) and records the removal in the
-- ledger ('budget', op 'delete', who).
-- A tenant script (TenantScripts.HEADER first); own arguments (BudgetScripts.DELETE_BUDGET): scope,
-- who removes it. Returns {'ok', '1'} when the scope had a budget, else {'ok', '0'}, recording
-- nothing.
local scope = ARGV[ARG_SCOPE]
local fields = {}
for i, window in ipairs(WINDOWS) do fields[i] = scope .. '|' .. window end
if redis.call('HDEL', H.config, unpack(fields)) == 0 then return {'ok', '0'} end
append_ledger({'budget', 'scope', scope, 'op', 'delete', 'by', ARGV[ARG_BY]})
return {'ok', '1'}
