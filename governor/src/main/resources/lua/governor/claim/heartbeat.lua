-- Extends a lease (and the reservation it holds) by the policy's lease TTL from now. A lease
-- that is over is refused with its state; one that has expired or whose agent was disabled ends
-- now if nobody ended it yet (settle_lease), so its task goes to others at once. It remembers no
-- answer: a heartbeat sent again does what it did, extends from its own now, so it needs no
-- idempotency record, and a stored answer would say a lease is active after it ended.
-- Arguments: ClaimEngine.HEARTBEAT (subtree: the scopes the caller may touch, '' for any; a lease
--   of a task outside it is not found).
local policy = load_policy()
local l = load_lease(ARGV[ARG_TASK_ID] .. '#' .. ARGV[ARG_LEASE])
if not l or not within(l.scope, ARGV[ARG_SUBTREE]) then return {'task_not_found', ''} end
if l.agent ~= ARGV[ARG_AGENT_ID] then return {'not_holder', ''} end
settle_lease(l, policy)
if l.state ~= 'active' then
  return {'lost', cjson.encode({state = l.state, effects = side_effects()})}
end

local expires_at = H.now + policy.lease_ttl
redis.call('HSET', lease_key(l.member), 'exp', int(expires_at))
redis.call('ZADD', H.prefix .. 'lexp', expires_at, l.member)
keep_task(l.task, expires_at)
extend_reservation(H.prefix .. 'r:' .. l.rid, l.rid, expires_at)
return {'ok', cjson.encode({expires_at = int(expires_at), effects = side_effects()})}
