-- Stores one key of a tool's namespace for one tenant, within the namespace's quotas.
-- Bytes counted are key bytes plus raw value bytes; values are stored in base64.
-- KEYS[1] namespace hash, KEYS[2] namespace byte counter (same hash tag)
-- ARGV[1] key, ARGV[2] value (base64), ARGV[3] raw value length, ARGV[4] max bytes, ARGV[5] max keys
-- Returns 0 stored, -1 key quota reached, -2 byte quota reached.
local function raw_length(b64)
  local padding = 0
  if string.sub(b64, -2) == '==' then padding = 2 elseif string.sub(b64, -1) == '=' then padding = 1 end
  return (string.len(b64) / 4) * 3 - padding
end
local key_length = string.len(ARGV[1])
local delta = key_length + tonumber(ARGV[3])
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  delta = delta - (key_length + raw_length(old))
elseif redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then
  return -1
end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used + delta > tonumber(ARGV[4]) then
  return -2
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCRBY', KEYS[2], delta)
return 0
