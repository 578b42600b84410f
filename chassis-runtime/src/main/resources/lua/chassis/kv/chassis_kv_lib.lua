-- What the kv scripts share. A value is stored in base64 (scripts take text arguments); a
-- namespace's quota counts raw bytes (key and value, as the guest wrote them), a tenant's share
-- counts what Redis holds for an entry: its key twice (a field of the namespace's hash and a member
-- of its sorted index, which lists keys without reading them all), the base64 value and a
-- per-entry overhead.
local function raw_length(b64)
  local padding = 0
  if string.sub(b64, -2) == '==' then padding = 2 elseif string.sub(b64, -1) == '=' then padding = 1 end
  return (string.len(b64) / 4) * 3 - padding
end
local function stored_length(key, b64, entry_overhead)
  return 2 * string.len(key) + string.len(b64) + entry_overhead
end
