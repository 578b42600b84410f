-- Counts one use of a grant, refusing a revoked grant and any use beyond its allowed uses. The
-- grant's record expires when the grant does, so it is remembered exactly as long as the token
-- could be replayed. The revocation is the governor's (GrantRevocation.java): written when the
-- lease the grant was signed for ends, checked here in the same step as the count.
-- KEYS[1] grant record, KEYS[2] the grant's revocation (same hash tag).
-- Arguments: GrantLedger.USE.
-- Returns {'counted', number of this use (1..max)}, {'exhausted', uses so far} or
-- {'revoked', how the lease ended}.
local revoked = redis.call('GET', KEYS[2])
if revoked then
  return {'revoked', revoked}
end
local used = tonumber(redis.call('HGET', KEYS[1], 'uses') or '0')
if used >= tonumber(ARGV[ARG_MAX_USES]) then
  return {'exhausted', used}
end
redis.call('HINCRBY', KEYS[1], 'uses', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[ARG_TTL_MS])
return {'counted', used + 1}
