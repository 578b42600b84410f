-- Compare-and-swap of one Bucket4j bucket state, with an expiry so idle buckets disappear.
-- KEYS[1]  the bucket key
-- ARGV (RedisBucketStore.CAS declares them): expected_state, the state the caller read (base64),
-- or '' if the key was absent; new_state (base64); ttl_ms, the time to live
-- Returns {1} if the new state was stored. Returns {0, current} if another writer changed the
-- bucket first, with the state it holds now (nil when the key is absent), so the caller retries
-- on it without a second read.
local current = redis.call('GET', KEYS[1])
local expected = ARGV[ARG_EXPECTED_STATE]
if expected == '' then
  if current then
    return {0, current}
  end
elseif current ~= expected then
  return {0, current}
end
redis.call('SET', KEYS[1], ARGV[ARG_NEW_STATE], 'PX', ARGV[ARG_TTL_MS])
return {1}
