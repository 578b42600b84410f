-- Moves a grant's counter by a delta: a use given back, or a hold settled to the actual cost or
-- released. A record that already expired stays gone: its grant can no longer be used.
-- KEYS[1] grant record; ARGV[1] field (uses or micros), ARGV[2] delta
-- Returns the new value, or -1 when the record is gone.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local value = redis.call('HINCRBY', KEYS[1], ARGV[1], tonumber(ARGV[2]))
if value < 0 then
  redis.call('HSET', KEYS[1], ARGV[1], 0)
  return 0
end
return value
