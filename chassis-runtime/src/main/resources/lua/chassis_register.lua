-- Registers one tool version atomically. Versions are immutable: registering the same
-- version again with the same digest and contract is a no-op, with anything else a conflict.
-- KEYS[1] tool hash, KEYS[2] module bytes, KEYS[3] set of tool refs, KEYS[4] refs of this digest
-- ARGV[1] ref, ARGV[2] digest, ARGV[3] contract JWS, ARGV[4] kid, ARGV[5] registeredAt (ms),
-- ARGV[6] module bytes in base64, ARGV[7] module size
-- Returns the registeredAt of the stored version, or -1 on conflict.
local existing = redis.call('HMGET', KEYS[1], 'digest', 'contract', 'registeredAt')
if existing[1] then
  if existing[1] == ARGV[2] and existing[2] == ARGV[3] then
    return existing[3]
  end
  return -1
end
redis.call('SET', KEYS[2], ARGV[6])
redis.call('HSET', KEYS[1], 'digest', ARGV[2], 'contract', ARGV[3], 'kid', ARGV[4],
  'registeredAt', ARGV[5], 'size', ARGV[7])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
return ARGV[5]
