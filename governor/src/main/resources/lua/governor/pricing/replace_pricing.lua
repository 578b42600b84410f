-- Publishes a new catalogue version if the caller saw the current one (optimistic concurrency).
-- KEYS: 1 version counter  2 history key prefix.  Arguments: expected version (-1: any), models JSON
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local expected = tonumber(ARGV[ARG_EXPECTED_VERSION])
if expected >= 0 and expected ~= current then return {'conflict', current} end
local version = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2] .. version, ARGV[ARG_MODELS])
return {'ok', version}
