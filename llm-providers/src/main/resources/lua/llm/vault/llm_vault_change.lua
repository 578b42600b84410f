-- Changes one stored credential and, when it changed, moves the vault's generation on, so every
-- node reads its index of which credentials are bound to which origin again at its next use
-- (CredentialStore#index): the one place a credential is written, so no write skips the bump.
-- KEYS[1] credentials hash, KEYS[2] its generation. Arguments: SealedCredentials.CHANGE (field:
-- owner and name; op: 'put' stores value, 'delete' removes the field, 'swap' stores value only
-- while the field still holds read, so a reseal never overwrites a credential put meanwhile).
-- The generation is a counter and the server's time, so a Redis that lost its data and counted
-- up again never repeats a generation a node still holds an index of.
-- Returns 1 changed, 0 not (nothing to delete, or changed meanwhile).
local field = ARGV[ARG_FIELD]
local op = ARGV[ARG_OP]
if op == 'swap' and redis.call('HGET', KEYS[1], field) ~= ARGV[ARG_READ] then
  return 0
end
local changed = 1
if op == 'delete' then
  changed = redis.call('HDEL', KEYS[1], field)
else
  redis.call('HSET', KEYS[1], field, ARGV[ARG_VALUE])
end
if changed == 1 then
  local counter = tonumber(string.match(redis.call('GET', KEYS[2]) or '', '^%d+') or '0') + 1
  local now = redis.call('TIME')
  redis.call('SET', KEYS[2], counter .. '@' .. now[1] .. '.' .. now[2])
end
return changed
