-- Revokes a key: its record and index entry are deleted, so it stops authenticating on every node
-- at once and no longer counts against the tenant's key limit; the ledger keeps the history.
-- A key outside the caller's subtree is reported as not found.
-- Arguments: VirtualKeys.REVOKE (subtree: the scopes the caller may touch).
local rejected = replay_or_conflict()
if rejected then return rejected end
local id = ARGV[ARG_KEY_ID]
local record = H.prefix .. 'k:' .. id
local scope = redis.call('HGET', record, 'scope')
if not scope or not within(scope, ARGV[ARG_SUBTREE]) then return {'key_not_found', ''} end

redis.call('DEL', record)
redis.call('HDEL', H.prefix .. 'keys', id)
append_ledger({'vkey', 'scope', scope, 'kid', id, 'op', 'revoke', 'key', H.idem})
return remember(cjson.encode({id = id}))
