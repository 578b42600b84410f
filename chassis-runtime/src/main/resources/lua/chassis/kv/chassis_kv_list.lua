-- Lists the keys of a namespace starting with a prefix, sorted, at most max_keys of them.
-- KEYS[1] namespace hash. Arguments: KvStore.LIST.
local keys = redis.call('HKEYS', KEYS[1])
local matching = {}
local prefix_length = string.len(ARGV[ARG_PREFIX])
for _, key in ipairs(keys) do
  if string.sub(key, 1, prefix_length) == ARGV[ARG_PREFIX] then
    table.insert(matching, key)
  end
end
table.sort(matching)
local limit = tonumber(ARGV[ARG_MAX_KEYS])
local result = {}
for i = 1, math.min(#matching, limit) do
  result[i] = matching[i]
end
return result
