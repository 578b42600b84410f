-- Compare-and-swap of one Bucket4j bucket state, with an expiry so idle buckets disappear.
-- KEYS[1]  the bucket key
-- ARGV[1]  the state the caller read (base64), or '' if the key was absent
-- ARGV[2]  the new state (base64)
-- ARGV[3]  time to live in milliseconds
-- Returns 1 if the new state was stored, 0 if another writer changed the bucket first.
local current = redis.call('GET', KEYS[1])
local expected = ARGV[1]
if expected == '' then
  if current then
    return 0
  end
elseif current ~= expected then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
