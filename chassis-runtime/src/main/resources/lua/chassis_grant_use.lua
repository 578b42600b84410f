-- Counts one use of a grant, refusing beyond its allowed uses. The grant's record expires when the
-- grant does, so it is remembered exactly as long as the token could be replayed.
-- KEYS[1] grant record; ARGV[1] max uses, ARGV[2] ttl in ms
-- Returns the number of this use (1..max), or -(uses so far) when every use is spent.
local used = tonumber(redis.call('HGET', KEYS[1], 'uses') or '0')
if used >= tonumber(ARGV[1]) then
  return -used
end
redis.call('HINCRBY', KEYS[1], 'uses', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return used + 1
