-- Returns {version, models JSON} of the current pricing catalogue, or {0, ''} if none.
-- KEYS: 1 version counter  2 history key prefix (a tag-sharing name, never read as a key).
local version = redis.call('GET', KEYS[1])
if not version then return {0, ''} end
return {tonumber(version), redis.call('GET', KEYS[2] .. version) or ''}
