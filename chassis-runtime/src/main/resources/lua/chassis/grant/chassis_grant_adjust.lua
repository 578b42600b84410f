-- Moves a grant's counter by a delta: a use given back, or a hold settled to the actual cost or
-- released. A record that already expired stays gone: its grant can no longer be used.
-- KEYS[1] grant record. Arguments: GrantLedger.ADJUST (field: uses or micros).
-- Returns the new value, or -1 when the record is gone.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local value = redis.call('HINCRBY', KEYS[1], ARGV[ARG_FIELD], tonumber(ARGV[ARG_DELTA]))
if value < 0 then
  redis.call('HSET', KEYS[1], ARGV[ARG_FIELD], 0)
  return 0
end
return value
