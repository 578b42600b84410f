-- Reads, in one step, a tenant's active leases in a subtree and every per-subtree lease set
-- (sl:<subtree>, claim_lib.lua), so the sets can be checked against the leases they count while
-- claims go on: a set created after the caller looked for the sets is read too, since each active
-- lease's subtree is.
-- KEYS: 1 the lease expiry index (lexp), 2.. the sl:<subtree> sets found.
-- Arguments: prefix, the tenant's key prefix.
-- Returns {{lease, subtree, ...} of each active lease in a subtree, {subtree, {lease, ...}, ...}}.
local prefix = ARGV[ARG_PREFIX]
local active, sets, seen = {}, {}, {}
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local v = redis.call('HMGET', prefix .. 'l:' .. member, 'scope', 'state')
  local subtree = v[1] and string.match(v[1], '^[^/]+/([^/]+)')
  if subtree and v[2] == 'active' then
    active[#active + 1] = member
    active[#active + 1] = subtree
    seen[prefix .. 'sl:' .. subtree] = true
  end
end
for i = 2, #KEYS do seen[KEYS[i]] = true end
for key in pairs(seen) do
  sets[#sets + 1] = string.sub(key, #prefix + 4)
  sets[#sets + 1] = redis.call('SMEMBERS', key)
end
return {active, sets}
