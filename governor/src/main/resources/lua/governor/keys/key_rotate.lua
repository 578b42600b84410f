-- Gives a key a new secret: from this step on only the new one authenticates, on every node (each
-- authentication reads the record). A key outside the caller's subtree is reported as not found.
-- Arguments: VirtualKeys.ROTATE (subtree: the scopes the caller may touch).
local rejected = replay_or_refusal(RECORDS.key_change)
if rejected then return rejected end
local id = ARGV[ARG_KEY_ID]
local scope = key_scope_within(id, ARGV[ARG_SUBTREE])
if not scope then return {'key_not_found', ''} end
local expired = key_expired(id)
if expired then return {'key_expired', expired} end

redis.call('HSET', key_record(id), 'h', ARGV[ARG_SECRET_HASH], 'rotated', H.stamp)
return key_changed('rotate', id, scope)
