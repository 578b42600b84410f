-- Reads spend, holds and caps of a scope and its ancestors in the current windows, in one
-- consistent snapshot. Layers without a cap report their usage with an empty cap.
-- Arguments: BudgetScripts.STATUS.
local layers = layers_of(ARGV[ARG_SCOPE])
local caps, rejected = load_config(layers)
if rejected then return rejected end
local capped = {}
for _, cap in ipairs(caps) do capped[cap.scope .. '|' .. cap.window] = cap.cap end

local ids = current_windows()
local usage = load_usage(layers, ids, true)
local out = {}
for _, layer in ipairs(layers) do
  for i, window in ipairs(WINDOWS) do
    local cell = usage[layer].cells[ids[i]]
    local cap = capped[layer .. '|' .. window]
    out[#out + 1] = {scope = layer, window = window, cap = cap and int(cap) or '',
      spent = int(cell.spent), reserved = int(cell.reserved), tin = int(cell.tin),
      tcin = int(cell.tcin), tout = int(cell.tout)}
  end
end
return {'ok', cjson.encode({layers = out})}
