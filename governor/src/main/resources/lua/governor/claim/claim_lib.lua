-- Tasks, leases, the tenant policy and what an outcome does to an agent: shared by the claim
-- path's scripts, which run it after budget_lib.lua, agent_lib.lua and claim_score.lua.
--
-- Layout (P = prefix, as in budget_lib.lua):
--   P t:<task>      hash: 'scope', 'state' (owned|open|completed), 'n' (claims so far), 'tried'
--                   (',agent,agent,': every agent that owned it), 'agent' (the latest owner);
--                   expires the task retention after its latest lease's expiry (keep_task)
--   P l:<task>#<n>  hash: the n-th claim's lease: 'agent', 'rid' (its budget reservation), 'scope',
--                   'exp', 'claimed', 'state' (active|expired|agent_disabled|succeeded|failed|
--                   abandoned)
--   P lexp          zset: active leases ('<task>#<n>') by expiry
--   P al:<agent>    set: the agent's active leases ('<task>#<n>'), at most its slots: what
--                   disabling it ends (agent_status.lua)
--   P sl:<subtree>  set: the active leases ('<task>#<n>') of tasks in the subtree, added by the
--                   claim and removed by end_lease(), the one step every end of a lease takes
--                   (finish, expiry, its agent disabled): what subtree_share_refusal() counts. A
--                   set rather than a counter, so that a lease can be counted at most once and
--                   an end met twice (or a lease claimed before the set was kept) cannot move it
--   P sc            zset: the subtrees that contend for the tenant's slots (subtree_contends()),
--                   each scored by when a claim of it was last refused for want of a slot (0:
--                   never); a subtree stays while it holds a lease or was refused within the
--                   policy's lease TTL, and trim_contention() drops it in the first claim after
--                   that, so the set holds no more than the subtrees that contend now and then
--   P waste         hash: 'total' and 'wasted' spend of finished claims (wasted: failed,
--                   abandoned, or reported after the lease lapsed)
--   P revoked:<tenant>/<task>#<n>  string: the lease ended (its end state); every grant signed
--                   for it is refused by the chassis (GrantRevocation.java names this key)
--
-- Arguments after the header (ClaimEngine.COMMON): the group ARG_POLICY, the default policy
-- (TenantPolicy.scriptFields(), for fields the tenant's policy hash lacks), lazy_batch, how many
-- due leases, breakers and reservations a script handles on the way (lazy expiry), and
-- task_retention (ms, ClaimSettings.taskRetention); then each script's own.

local POLICY_FIELDS = {'min_match', 'max_agents', 'max_cost', 'brk_fails', 'brk_cool',
                       'lease_ttl', 'rep_weight', 'subtree_share'}
-- Reputation an outcome pulls toward: a success within the agent's SLO, a slow one, a failure.
local SAMPLE_ON_TIME, SAMPLE_LATE, SAMPLE_FAILED = 1000000, 500000, 0
-- The call's lazy batch, how many leases it expired, and the task retention.
local LAZY_BATCH, LEASES_EXPIRED, TASK_RETENTION
on_call(function()
  LAZY_BATCH = tonumber(ARGV[ARG_LAZY_BATCH])
  LEASES_EXPIRED = 0
  TASK_RETENTION = tonumber(ARGV[ARG_TASK_RETENTION])
end)

local function load_policy()
  local v = redis.call('HMGET', H.prefix .. 'policy', unpack(POLICY_FIELDS))
  local policy = {}
  for i, name in ipairs(POLICY_FIELDS) do policy[name] = tonumber(v[i] or ARGV[ARG_POLICY[name]]) end
  return policy
end

local function task_key(id)
  return H.prefix .. 't:' .. id
end

local function load_task(id)
  local v = redis.call('HMGET', task_key(id), 'scope', 'state', 'n', 'tried')
  if not v[1] then return nil end
  return {id = id, scope = v[1], state = v[2], n = tonumber(v[3]), tried = v[4]}
end

local function lease_key(member)
  return H.prefix .. 'l:' .. member
end

local function agent_leases_key(agent)
  return H.prefix .. 'al:' .. agent
end

local function subtree_leases_key(s)
  return H.prefix .. 'sl:' .. s
end

local function contention_key()
  return H.prefix .. 'sc'
end

-- Drops from the contention record every subtree that contends no more: last refused longer than
-- the window (ms) ago, or never, and holding no lease. Only removes, so it is charged nothing.
local function trim_contention(window)
  local key = contention_key()
  for _, s in ipairs(redis.call('ZRANGEBYSCORE', key, '-inf', '(' .. int(H.now - window))) do
    if redis.call('SCARD', subtree_leases_key(s)) == 0 then redis.call('ZREM', key, s) end
  end
end

-- Records that subtree s contends for the tenant's slots: at = now when a claim of it was refused
-- for want of a slot, 0 when it takes a lease (holding one is contention for as long as it lasts,
-- which the lease set says, not after). Trims the record first, so it stays bounded by the
-- subtrees that contend. Returns 1 when s was not recorded yet (one more record, which the write
-- quota charges: RecordCharge.CLAIM includes it, a refusal pays RECORDS.contention), else 0.
local function note_contention(s, at, policy)
  trim_contention(policy.lease_ttl)
  if at == 0 then return redis.call('ZADD', contention_key(), 'NX', 0, s) end
  return redis.call('ZADD', contention_key(), 'GT', at, s)
end

-- True when a subtree other than s contends for the tenant's slots: it holds a lease, or a claim
-- of it was refused for want of a slot (all_busy or subtree_share; see claim.lua) within the
-- policy's lease TTL, the longest a slot freed by a silent holder takes to come back, so a
-- dispatcher that waits for one and asks again within it is still counted as waiting. After the
-- trim every recorded subtree is one of these.
local function other_contends(s, policy)
  trim_contention(policy.lease_ttl)
  local recorded = redis.call('ZCARD', contention_key())
  return recorded > (redis.call('ZSCORE', contention_key(), s) and 1 or 0)
end

-- Why subtree s may not take one more lease, as a refusal's counts, or nil if it may: it holds
-- as many leases as the policy's share (thousandths) of the tenant's slots allows, and at least
-- one ('slots', agent_lib.lua), while another subtree contends for them (other_contends()). The
-- tenant's agents serve all its subtrees, and a lease is held for as long as its holder
-- heartbeats, so without this bound one subtree's dispatcher could take every slot and keep the
-- others from every agent. It binds only while another subtree contends: a slot nobody else
-- wants is not kept idle, and once one does, the slots the first frees go to it (the first is
-- refused) until each is at its share. A share of 1000 bounds nothing.
local function subtree_share_refusal(s, policy)
  if policy.subtree_share >= 1000 then return nil end
  local slots = tonumber(redis.call('GET', H.prefix .. 'slots') or '0')
  local limit = math.max(1, math.floor(slots * policy.subtree_share / 1000))
  local held = redis.call('SCARD', subtree_leases_key(s))
  if held < limit or not other_contends(s, policy) then return nil end
  return {held = held, limit = limit, slots = slots, share_permille = policy.subtree_share}
end

local function load_lease(member)
  local v = redis.call('HMGET', lease_key(member), 'agent', 'rid', 'scope', 'exp', 'state')
  if not v[1] then return nil end
  local task, n = string.match(member, '^(.*)#(%d+)$')
  return {member = member, task = task, n = n, agent = v[1], rid = v[2], scope = v[3],
          exp = tonumber(v[4]), state = v[5]}
end

-- What an outcome is worth to a reputation: a success within the agent's SLO, a slow one (a
-- success with no reported latency, nil, is sampled as late: omitting it must not earn more than
-- reporting it), a failure. Spend above the task's reservation (the agent exhausted its budget) is
-- sampled as a failure too: a task done at any cost is no success to rank an agent by.
local function sample_of(outcome, latency_ms, overage, slo)
  if outcome ~= 'succeeded' or overage then return SAMPLE_FAILED end
  return (latency_ms and latency_ms <= slo) and SAMPLE_ON_TIME or SAMPLE_LATE
end

-- A reputation moved a share (weight, in thousandths) of the way toward sample: a weighted mean
-- of two values in 0..1e6, so it stays in 0..1e6.
local function moved(rep, sample, weight)
  return rep + math.floor((sample - rep) * weight / 1000 + 0.5)
end

-- What an outcome does to a breaker in state brk (the tenant-wide one or one subtree's), whose
-- consecutive failures are fails now: spend above the reservation opens it at once; a half-open
-- breaker closes on its probe's success and opens again on its failure; a closed one opens once
-- the failures reach the policy's threshold. Returns the state to move to and why, or nil.
local function breaker_move(brk, fails, outcome, overage, policy)
  if overage and brk ~= 'open' then return 'open', 'budget_exhausted' end
  if brk == 'half_open' then
    if outcome == 'succeeded' then return 'closed', 'probe_succeeded' end
    return 'open', 'probe_failed'
  end
  if brk == 'closed' and fails >= policy.brk_fails then return 'open', 'failures' end
end

-- An outcome reported on the tenant's own scope (only a tenant-wide token reaches it): it moves
-- the tenant-wide reputation by the policy's weight, failure count and breaker.
local function record_tenant_outcome(a, outcome, sample, overage, policy)
  a.rep = moved(a.rep, sample, policy.rep_weight)
  a.fails = outcome == 'succeeded' and 0 or a.fails + 1
  local state, why = breaker_move(a.brk, a.fails, outcome, overage, policy)
  if state then set_breaker(a, state, why, policy.brk_cool) end
end

-- An outcome reported in subtree s: it moves the agent's standing there (reputation by the
-- policy's weight, failure count, breaker: agent_subtrees.lua), and the tenant-wide record only
-- as far as one of the n subtrees reporting may. The tenant-wide reputation moves by the weight / n
-- (never more than one subtree's share of it: one subtree's failures cannot drag the agent down
-- for the others, which rank it by their own standing, or by this reputation until they have one);
-- the tenant-wide breaker opens once a second subtree's breaker opens (two subtrees, not one
-- dispatcher, found the agent failing), and a tenant-wide half-open breaker takes the outcome as
-- its probe's, whichever subtree ran it.
local function record_subtree_outcome(a, s, outcome, sample, overage, policy)
  local all, count = load_standings(a.id)
  local e = all[s]
  if not e then
    e = new_standing(a, all, count)
    all[s], count = e, math.min(count, MAX_SUBTREES - 1) + 1
  end
  e.seen = H.now
  e.rep = moved(e.rep, sample, policy.rep_weight)
  e.fails = outcome == 'succeeded' and 0 or e.fails + 1
  local state, why = breaker_move(standing_breaker(e), e.fails, outcome, overage, policy)
  if state then set_standing_breaker(a, s, e, state, why, policy.brk_cool) end
  save_standing(a.id, s, e)
  a.standing = e
  a.rep = moved(a.rep, sample, policy.rep_weight / count)
  a.srmax = highest_standing(all)
  if a.brk == 'half_open' then
    local probed = outcome == 'succeeded' and not overage
    set_breaker(a, probed and 'closed' or 'open', probed and 'probe_succeeded' or 'probe_failed',
      policy.brk_cool)
  elseif a.brk == 'closed' and state == 'open' and open_standings(all) >= 2 then
    set_breaker(a, 'open', 'subtrees', policy.brk_cool)
  end
end

-- Records a lease's outcome on its agent a (see record_tenant_outcome, record_subtree_outcome).
-- The agent hash's reputation and failure count change in a only: end_lease() saves them with the
-- freed slot, in one write.
local function record_outcome(a, l, outcome, latency_ms, overage, policy)
  local sample = sample_of(outcome, latency_ms, overage, a.slo)
  local s = subtree_of(l.scope)
  if s then
    record_subtree_outcome(a, s, outcome, sample, overage, policy)
  else
    record_tenant_outcome(a, outcome, sample, overage, policy)
  end
end

-- The agent as claims on the scope of the lease whose outcome record_outcome() just recorded meet
-- it: the reputation they rank it by (its standing's in the lease's subtree, else its tenant-wide
-- one) and the breaker that keeps it from them (the tenant-wide one unless closed, else its
-- breaker in that subtree).
local function outcome_reply(a)
  local e = a.standing
  if not e then return int(a.rep), a.brk end
  return int(e.rep), a.brk ~= 'closed' and a.brk or standing_breaker(e)
end

-- A lease that ends without an outcome (its agent was disabled) while it runs as the half-open
-- probe of its subtree's breaker: the next claim there probes again, else no claim there would
-- ever reach the agent and nothing would close or open that breaker.
local function forget_standing_probe(a, l)
  local s = subtree_of(l.scope)
  local e = s and load_standing(a.id, s)
  if e and e.probe == l.member then
    e.probe = ''
    save_standing(a.id, s, e)
  end
end

-- The largest clock skew a grant verifier accepts (JwtSettings: 5 minutes).
local MAX_GRANT_SKEW_MS = 300000

-- Gives a task's record its end: the task retention after its latest lease ends (ended_at: its
-- expiry while active; now once it ended), and never before that lease's record (kept for the
-- record retention) or its grants' revocation (until its expiry plus the grant skew). So a claim
-- of the same id after the record expired starts at lease 1 without meeting a lease record or a
-- revocation of an earlier lease 1.
local function keep_task(id, ended_at)
  local after = math.max(TASK_RETENTION, H.retention, MAX_GRANT_SKEW_MS)
  redis.call('PEXPIRE', task_key(id), int(math.max(ended_at - H.now, 0) + after))
end

-- Revokes the grants signed for a lease, which never outlive it: the revocation is kept until the
-- lease's expiry plus the verifier's skew, after which the grants are refused as expired anyway.
local function revoke_grants(l, state)
  local tenant = string.match(l.scope, '^[^/]+')
  local ttl = math.max(l.exp - H.now, 0) + MAX_GRANT_SKEW_MS
  redis.call('SET', H.prefix .. 'revoked:' .. tenant .. '/' .. l.member, state, 'PX', int(ttl))
end

-- Ends an active lease as state: frees the agent's slot (saving the reputation, failure count and
-- highest subtree reputation record_outcome() gave a) and its place in its subtree's share,
-- reopens the task (or completes it) and revokes the lease's grants. A half-open breaker whose
-- probe is still marked running once the agent holds no lease lost its probe without an outcome
-- (the agent was disabled while it ran): the next claim probes again, else no claim would ever
-- reach the agent and nothing would close or open its breaker.
local function end_lease(l, state, a)
  revoke_grants(l, state)
  redis.call('HSET', lease_key(l.member), 'state', state, 'ended', H.stamp)
  redis.call('PEXPIRE', lease_key(l.member), H.retention)
  redis.call('ZREM', H.prefix .. 'lexp', l.member)
  redis.call('SREM', agent_leases_key(l.agent), l.member)
  local s = subtree_of(l.scope)
  if s then redis.call('SREM', subtree_leases_key(s), l.member) end
  redis.call('HSET', task_key(l.task), 'state', state == 'succeeded' and 'completed' or 'open')
  keep_task(l.task, l.exp)
  a.busy = a.busy - 1
  if a.brk == 'half_open' and a.probe == '1' and a.busy == 0 then a.probe = '0' end
  local fields = {'busy', int(a.busy), 'rep', int(a.rep), 'fails', int(a.fails),
    'probe', a.probe or '0'}
  if a.srmax then
    fields[#fields + 1] = 'srmax'
    fields[#fields + 1] = int(a.srmax)
  end
  redis.call('HSET', agent_key(a.id), unpack(fields))
  reindex(a)
end

-- The ledger entry of each way an active lease can end without its holder's report.
local LAPSE_ENTRY = {expired = 'lease_expire', agent_disabled = 'lease_disable'}

-- Ends an active lease without its holder's report: 'expired' when its holder stopped
-- heartbeating, 'agent_disabled' when an admin disabled its agent. Its reservation expires (the
-- ledger says so, as for any expired reservation), the slot is freed, the task can be claimed
-- again and the lease's grants are revoked. Only an expiry charges the agent a failure (in the
-- lease's subtree, as a reported one would be): a disabled agent was stopped, it did not fail.
local function lapse_lease(l, state, policy)
  local rkey = H.prefix .. 'r:' .. l.rid
  local r = load_reservation(rkey)
  if r and r.state == 'active' then expire_reservation(rkey, l.rid, r) end
  local a = load_agent(l.agent)
  if state == 'expired' then
    record_outcome(a, l, 'expired', 0, false, policy)
    LEASES_EXPIRED = LEASES_EXPIRED + 1
  else
    forget_standing_probe(a, l)
  end
  end_lease(l, state, a)
  append_ledger({LAPSE_ENTRY[state], 'scope', l.scope, 'task', l.task, 'lease', l.n,
    'agent', l.agent, 'rid', l.rid})
  l.state = state
end

-- Brings a lease its holder is about to act on up to date: an active lease whose time has passed
-- expires now if nobody expired it yet. Disabling an agent ends its leases at once
-- (end_agent_leases); one its set did not list (claimed before the set was kept) ends here.
local function settle_lease(l, policy)
  if l.state ~= 'active' then return end
  if l.exp <= H.now then
    lapse_lease(l, 'expired', policy)
  elseif redis.call('HGET', agent_key(l.agent), 'status') == 'disabled' then
    lapse_lease(l, 'agent_disabled', policy)
  end
end

-- Ends every active lease of agent id as 'agent_disabled': its tasks can be claimed by others at
-- once, and its holder's heartbeat or finish hears that the lease is over.
local function end_agent_leases(id, policy)
  for _, member in ipairs(redis.call('SMEMBERS', agent_leases_key(id))) do
    local l = load_lease(member)
    if l and l.state == 'active' then
      lapse_lease(l, 'agent_disabled', policy)
    else
      redis.call('SREM', agent_leases_key(id), member)
    end
  end
end

-- Expires up to max leases whose time has passed; returns how many were due.
local function expire_leases(max, policy)
  local due = redis.call('ZRANGEBYSCORE', H.prefix .. 'lexp', '-inf', H.now, 'LIMIT', 0, max)
  for _, member in ipairs(due) do
    local l = load_lease(member)
    if l and l.state == 'active' then
      lapse_lease(l, 'expired', policy)
    else
      redis.call('ZREM', H.prefix .. 'lexp', member)
    end
  end
  return #due
end

-- The expiry work every claim path script does on the way, bounded by the lazy batch.
local function expire_lazily(policy)
  expire_due(LAZY_BATCH)
  expire_leases(LAZY_BATCH, policy)
  half_open_due(LAZY_BATCH)
  expire_contracts_due(LAZY_BATCH)
end

-- What this script did besides its answer, for the caller's metrics.
local function side_effects()
  return {leases_expired = int(LEASES_EXPIRED), transitions = TRANSITIONS}
end
