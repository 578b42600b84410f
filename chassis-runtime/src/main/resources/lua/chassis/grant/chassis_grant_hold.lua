-- Holds an LLM call's reserved cost against a grant's cost cap, all or nothing, unless the grant
-- was revoked meanwhile (its lease ended while the tool ran; see chassis_grant_use.lua).
-- KEYS[1] grant record, KEYS[2] the grant's revocation. Arguments: GrantLedger.HOLD.
-- Returns {'held', remaining after the hold}, {'capped', remaining now} when the cap has no room,
-- or {'revoked', how the lease ended}.
local revoked = redis.call('GET', KEYS[2])
if revoked then
  return {'revoked', revoked}
end
local spent = tonumber(redis.call('HGET', KEYS[1], 'micros') or '0')
local amount = tonumber(ARGV[ARG_AMOUNT_MICROS])
local cap = tonumber(ARGV[ARG_CAP_MICROS])
if spent + amount > cap then
  return {'capped', math.max(cap - spent, 0)}
end
redis.call('HINCRBY', KEYS[1], 'micros', amount)
redis.call('PEXPIRE', KEYS[1], ARGV[ARG_TTL_MS])
return {'held', cap - spent - amount}
