-- Sets when a key stops authenticating: expires_at (epoch ms), or now when it is ''. A moment in the
-- past ends it at once, on every node (each authentication reads the record); the record stays, and
-- counts against the tenant's key limit, until the key is revoked. A key that has expired stays
-- expired (key_expired). A key outside the caller's
-- subtree is reported as not found.
-- Arguments: VirtualKeys.EXPIRE (subtree: the scopes the caller may touch).
local rejected = replay_or_refusal(RECORDS.key_change)
if rejected then return rejected end
local id = ARGV[ARG_KEY_ID]
local scope = key_scope_within(id, ARGV[ARG_SUBTREE])
if not scope then return {'key_not_found', ''} end
local expired = key_expired(id)
if expired then return {'key_expired', expired} end

local at = ARGV[ARG_EXPIRES_AT]
if at == '' then at = H.stamp end
redis.call('HSET', key_record(id), 'exp', at)
return key_changed('expire', id, scope)
