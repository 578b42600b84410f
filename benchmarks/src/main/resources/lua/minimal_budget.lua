-- The smallest realistic budget reservation, the yardstick the governor's own scripts are measured
-- against (ScriptCost): read cap, spent and reserved of three layers, refuse if any would overflow,
-- otherwise add the amount to each layer's reserved counter, record the hold and append one ledger
-- entry. No validation, no windows, no idempotency, no JSON: what Redis must do, and nothing else.
-- KEYS[1..3] the layers' counter hashes, KEYS[4] the hold's hash, KEYS[5] the ledger stream,
-- all under one hash tag. ARGV[1] the amount in micro-dollars, ARGV[2] the hold's id.
local amount = tonumber(ARGV[1])
for layer = 1, 3 do
  local counters = redis.call('HMGET', KEYS[layer], 'cap', 'spent', 'reserved')
  local cap = tonumber(counters[1])
  if cap and (tonumber(counters[2]) or 0) + (tonumber(counters[3]) or 0) + amount > cap then
    return {'denied', layer}
  end
end
for layer = 1, 3 do
  redis.call('HINCRBY', KEYS[layer], 'reserved', amount)
end
redis.call('HSET', KEYS[4], 'amount', amount, 'state', 'held')
redis.call('XADD', KEYS[5], '*', 'hold', ARGV[2], 'amount', amount)
return {'ok'}
