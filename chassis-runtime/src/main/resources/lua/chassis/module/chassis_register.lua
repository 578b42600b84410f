-- Registers one tool version atomically. A tool name belongs to the publisher that registered it
-- first (TrustedPublishers: the publisher a signing key names, else the key's kid), and its kv data
-- with it: every version of the name, deleted or not, is registered again or anew only under a key
-- of that publisher, so no other trusted publisher can take a version or its tenants' data over.
-- A name registered before owners were recorded belongs to the signer of its earliest version
-- still stored (its kid: keys named no publisher then), recorded at its next registration.
-- Versions are immutable: registering the same version again with the same digest and contract is
-- a no-op; with the same digest and the same terms signed again (ContractTerms: by the publisher's
-- rotated key, say) it keeps the new signature, so the version stays verifiable once the old key
-- is retired; anything else is a conflict. A deleted version leaves a tombstone (its digest and
-- terms, chassis_delete.lua): it may be registered again only with them, so an agent token naming
-- name@version never reaches other code than the version it was granted.
-- Versions of one tool are unique by precedence (VersionPrecedence: 1.0.1, 1.00.1 and 1.0.1+b are
-- one), so "the highest version" never has to choose between equals; a deleted version keeps its
-- place, as its tombstone keeps its name.
-- KEYS[1] tool hash, KEYS[2] module bytes, KEYS[3] set of tool refs, KEYS[4] refs of this digest,
-- KEYS[5] hash of the tool's precedence keys to the version holding each, KEYS[6] the name's
-- publisher, KEYS[7] the module's upload (its bytes in base64, ModuleRegistry.upload), deleted
-- whatever the outcome: renamed to KEYS[2] when the module is new, else dropped
-- Arguments: ModuleRegistry.REGISTER (module_chars: the upload's expected length; precedence: the
-- version's key; publisher: the signing key's publisher; tool_key_prefix: KEYS[1] less the
-- version, in the same hash slot).
-- Returns the registeredAt of the stored version, -1 on conflict, -2 on a deleted version's
-- conflict, {-3, version} if another version holds the precedence, {-4, publisher} if another
-- publisher owns the name, {-5} if the module is new and its upload is not all there (expired).
local function earliest_signer()
  local signer, at
  for _, version in ipairs(redis.call('HVALS', KEYS[5])) do
    local v = redis.call('HMGET', ARGV[ARG_TOOL_KEY_PREFIX] .. version, 'kid', 'registeredAt')
    if v[1] and (not at or tonumber(v[2]) < at) then
      signer, at = v[1], tonumber(v[2])
    end
  end
  return signer
end
local function register()
local owner = redis.call('GET', KEYS[6]) or earliest_signer()
if owner and owner ~= ARGV[ARG_PUBLISHER] then return {-4, owner} end
local holder = redis.call('HGET', KEYS[5], ARGV[ARG_PRECEDENCE])
if holder and holder ~= ARGV[ARG_VERSION] then return {-3, holder} end
local existing = redis.call('HMGET', KEYS[1], 'digest', 'contract', 'registeredAt', 'terms', 'deleted')
if existing[1] and existing[5] then
  if existing[1] ~= ARGV[ARG_DIGEST] or existing[4] ~= ARGV[ARG_TERMS] then return -2 end
  redis.call('HDEL', KEYS[1], 'deleted')
elseif existing[1] then
  if existing[1] ~= ARGV[ARG_DIGEST] then return -1 end
  if existing[2] ~= ARGV[ARG_CONTRACT] then
    if existing[4] ~= ARGV[ARG_TERMS] then return -1 end
    redis.call('HSET', KEYS[1], 'contract', ARGV[ARG_CONTRACT], 'kid', ARGV[ARG_KID])
  end
  redis.call('SET', KEYS[6], ARGV[ARG_PUBLISHER])
  return existing[3]
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('STRLEN', KEYS[7]) ~= tonumber(ARGV[ARG_MODULE_CHARS]) then return {-5} end
  redis.call('RENAME', KEYS[7], KEYS[2])
  redis.call('PERSIST', KEYS[2])
end
redis.call('SET', KEYS[6], ARGV[ARG_PUBLISHER])
redis.call('HSET', KEYS[5], ARGV[ARG_PRECEDENCE], ARGV[ARG_VERSION])
redis.call('HSET', KEYS[1], 'digest', ARGV[ARG_DIGEST], 'contract', ARGV[ARG_CONTRACT], 'kid', ARGV[ARG_KID],
  'terms', ARGV[ARG_TERMS], 'registeredAt', ARGV[ARG_REGISTERED_AT], 'size', ARGV[ARG_MODULE_SIZE])
redis.call('SADD', KEYS[3], ARGV[ARG_REF])
redis.call('SADD', KEYS[4], ARGV[ARG_REF])
return ARGV[ARG_REGISTERED_AT]
end
local result = register()
redis.call('DEL', KEYS[7])
return result
