-- Holds an LLM call's reserved cost against a grant's cost cap, all or nothing.
-- KEYS[1] grant record; ARGV[1] amount in micros, ARGV[2] cap in micros, ARGV[3] ttl in ms
-- Returns {1, remaining after the hold} or {0, remaining now} when the cap has no room.
local spent = tonumber(redis.call('HGET', KEYS[1], 'micros') or '0')
local amount = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
if spent + amount > cap then
  return {0, math.max(cap - spent, 0)}
end
redis.call('HINCRBY', KEYS[1], 'micros', amount)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, cap - spent - amount}
