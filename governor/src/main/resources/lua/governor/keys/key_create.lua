-- Creates a virtual key: its record (the SHA-256 of its secret, never the secret) and its entry in
-- the tenant's key index, refused when the tenant already holds max_keys keys or a subtree the
-- key's scope lies in holds its share of them (subtree_share in budget_lib.lua).
-- Arguments: VirtualKeys.CREATE (expires_at: epoch ms, '' for never).
local rejected = replay_or_refusal(RECORDS.key_create)
if rejected then return rejected end
local index = H.prefix .. 'keys'
local max_keys = tonumber(ARGV[ARG_MAX_KEYS])
local id, scope = ARGV[ARG_KEY_ID], ARGV[ARG_SCOPE]
local layers = layers_of(scope)
local full, share = subtree_full(key_counts(), layers, {#layers}, redis.call('HLEN', index), max_keys)
if full then return {'key_limit', cjson.encode({subtree = full, max = int(share)})} end

redis.call('HSET', key_record(id), 'scope', scope, 'h', ARGV[ARG_SECRET_HASH],
  'models', ARGV[ARG_MODELS], 'rpm', ARGV[ARG_RPM], 'tpm', ARGV[ARG_TPM], 'meta', ARGV[ARG_META],
  'exp', ARGV[ARG_EXPIRES_AT], 'created', H.stamp)
redis.call('HSET', index, id, scope)
subtree_count(key_counts(), layers, {#layers}, 1)
return key_changed('create', id, scope)
