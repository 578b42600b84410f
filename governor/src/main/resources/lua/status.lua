-- Reads spend, reservations and caps of a scope and its ancestors in the current windows, in one
-- consistent snapshot. Layers without a budget report their usage with no cap.
-- ARGV: 12 scope
local rejected = tenant_check()
if rejected then return rejected end

local out = {}
for _, layer in ipairs(layers_of(ARGV[12])) do
  local caps = redis.call('HGETALL', H.prefix .. 'b:' .. layer)
  local budget = {}
  for i = 1, #caps, 2 do budget[caps[i]] = caps[i + 1] end
  for _, window in ipairs(WINDOWS) do
    local v = redis.call('HMGET', usage_key(layer, window_id(window)),
      'spent', 'reserved', 'tin', 'tcin', 'tout')
    out[#out + 1] = {scope = layer, window = window, cap = budget[window .. '.cap'] or '',
      spent = v[1] or '0', reserved = v[2] or '0', tin = v[3] or '0', tcin = v[4] or '0',
      tout = v[5] or '0'}
  end
end
return {'ok', cjson.encode({layers = out})}
