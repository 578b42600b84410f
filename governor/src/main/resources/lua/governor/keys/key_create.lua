-- Creates a virtual key: its record (the SHA-256 of its secret, never the secret) and its entry in
-- the tenant's key index, refused when the tenant already holds max_keys keys.
-- Arguments: VirtualKeys.CREATE (expires_at: epoch ms, '' for never).
local rejected = replay_or_conflict()
if rejected then return rejected end
local index = H.prefix .. 'keys'
local max_keys = tonumber(ARGV[ARG_MAX_KEYS])
if redis.call('HLEN', index) >= max_keys then return {'key_limit', int(max_keys)} end

local id, scope = ARGV[ARG_KEY_ID], ARGV[ARG_SCOPE]
redis.call('HSET', key_record(id), 'scope', scope, 'h', ARGV[ARG_SECRET_HASH],
  'models', ARGV[ARG_MODELS], 'rpm', ARGV[ARG_RPM], 'tpm', ARGV[ARG_TPM], 'meta', ARGV[ARG_META],
  'exp', ARGV[ARG_EXPIRES_AT], 'created', H.stamp)
redis.call('HSET', index, id, scope)
return key_changed('create', id, scope)
