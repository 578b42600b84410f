-- Lists the keys of a namespace starting with a prefix, sorted, at most ARGV[2] of them.
-- KEYS[1] namespace hash; ARGV[1] prefix, ARGV[2] max keys
local keys = redis.call('HKEYS', KEYS[1])
local matching = {}
local prefix_length = string.len(ARGV[1])
for _, key in ipairs(keys) do
  if string.sub(key, 1, prefix_length) == ARGV[1] then
    table.insert(matching, key)
  end
end
table.sort(matching)
local limit = tonumber(ARGV[2])
local result = {}
for i = 1, math.min(#matching, limit) do
  result[i] = matching[i]
end
return result
