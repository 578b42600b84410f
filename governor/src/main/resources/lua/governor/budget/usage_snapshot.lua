-- Reads usage counters and the last ledger id in one step, so the ledger can be replayed up to
-- exactly the point the counters describe.
-- KEYS: 1 ledger stream, 2.. usage hashes.  Returns {last id, HGETALL of each usage hash...}.
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local out = {#last > 0 and last[1][1] or '0-0'}
for i = 2, #KEYS do
  out[#out + 1] = redis.call('HGETALL', KEYS[i])
end
return out
