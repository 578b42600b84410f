-- Ends a claim with its outcome: commits the actual spend against the claim's reservation with
-- commit_reservation() (budget_lib.lua: the unused part is released, overage and late spend are
-- recorded as for any commit), frees the slot, completes or reopens the task, moves the agent's
-- reputation and breaker (in the lease's subtree: record_outcome() in claim_lib.lua), and counts
-- the spend as wasted unless the task succeeded. A report on a lease that lapsed (expired, or its
-- agent was disabled) commits the spend as late (and wasted) and changes nothing else: the lapse
-- already freed the slot (and an expiry charged the agent a failure).
-- Arguments: ClaimEngine.FINISH (outcome: succeeded|failed|abandoned; subtree: the scopes the
--   caller may touch, '' for any; a lease of a task outside it is not found; settles: the catalogue
--   version the spend was priced for, see repricing() in budget_lib.lua; latency_ms: '' if not
--   reported).
local rejected = replay_or_refusal(RECORDS.prepaid)
if rejected then return rejected end
local policy = load_policy()
local outcome, latency = ARGV[ARG_OUTCOME], tonumber(ARGV[ARG_LATENCY_MS])
local l = load_lease(ARGV[ARG_TASK_ID] .. '#' .. ARGV[ARG_LEASE])
if not l or not within(l.scope, ARGV[ARG_SUBTREE]) then return {'task_not_found', ''} end
if l.agent ~= ARGV[ARG_AGENT_ID] then return {'not_holder', ''} end
local rkey = H.prefix .. 'r:' .. l.rid
local r = load_reservation(rkey)
rejected = r and repricing(r, spend_of(ARG_SPEND), ARGV[ARG_SETTLES])
if rejected then return rejected end
local caps
caps, rejected = load_config(layers_of(l.scope))
if rejected then return rejected end
settle_lease(l, policy)
local late = l.state == 'expired' or l.state == 'agent_disabled'
if l.state ~= 'active' and not late then return {'lease_ended', l.state} end

local committed, state, over = commit_reservation(rkey, l.rid, load_reservation(rkey), caps,
  spend_of(ARG_SPEND))
if over then return over end
if not committed then return {'lease_ended', state} end

local reply = {outcome = outcome, late = late, reserved = committed.reserved,
  actual = committed.actual, released = committed.released, overage = committed.overage}
if not late then
  local a = load_agent(l.agent)
  record_outcome(a, l, outcome, latency, committed.overage, policy)
  end_lease(l, outcome, a)
  reply.reputation, reply.breaker = outcome_reply(a)
end
redis.call('HINCRBY', H.prefix .. 'waste', 'total', committed.actual)
if late or outcome ~= 'succeeded' then
  redis.call('HINCRBY', H.prefix .. 'waste', 'wasted', committed.actual)
end
append_ledger({'finish', 'scope', l.scope, 'task', l.task, 'lease', l.n, 'agent', l.agent,
  'rid', l.rid, 'outcome', outcome, 'amt', committed.actual, 'late', late and '1' or '0',
  'key', H.idem})

reply.effects = side_effects()
return remember(cjson.encode(reply))
