-- Gives a key a new secret: from this step on only the new one authenticates, on every node (each
-- authentication reads the record). A key outside the caller's subtree is reported as not found.
-- Arguments: VirtualKeys.ROTATE (subtree: the scopes the caller may touch).
local rejected = replay_or_conflict()
if rejected then return rejected end
local id = ARGV[ARG_KEY_ID]
local record = H.prefix .. 'k:' .. id
local scope = redis.call('HGET', record, 'scope')
if not scope or not within(scope, ARGV[ARG_SUBTREE]) then return {'key_not_found', ''} end

redis.call('HSET', record, 'h', ARGV[ARG_SECRET_HASH], 'rotated', int(H.now))
append_ledger({'vkey', 'scope', scope, 'kid', id, 'op', 'rotate', 'key', H.idem})
return remember(cjson.encode({id = id}))
