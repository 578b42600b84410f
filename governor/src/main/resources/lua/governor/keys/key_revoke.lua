-- Revokes a key: its record and index entry are deleted, so it stops authenticating on every node
-- at once and no longer counts against the tenant's key limit; the ledger keeps the history.
-- A key outside the caller's subtree is reported as not found.
-- Arguments: VirtualKeys.REVOKE (subtree: the scopes the caller may touch).
local rejected = replay_or_refusal(RECORDS.prepaid)
if rejected then return rejected end
local id = ARGV[ARG_KEY_ID]
local scope = key_scope_within(id, ARGV[ARG_SUBTREE])
if not scope then return {'key_not_found', ''} end

redis.call('DEL', key_record(id))
redis.call('HDEL', H.prefix .. 'keys', id)
local layers = layers_of(scope)
subtree_count(key_counts(), layers, {#layers}, -1)
return key_changed('revoke', id, scope)
