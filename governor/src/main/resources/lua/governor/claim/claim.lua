-- Hands a task to the best eligible agent in one atomic step: checks the task, ranks candidates,
-- holds the agent's cost on the task's scope with hold() (budget_lib.lua), then records the owner,
-- the lease and the slot. Every check comes before the first write, so a claim that is refused
-- changes nothing but the lazy expiry it did on the way, the counting of the slots of agents
-- registered before the tenant counted them (load_candidate()), its escalation event, which it is
-- charged (RECORDS.escalation) against the tenant's write quota it asked room in, and, when it was
-- refused for want of a slot, its subtree's place in the contention record (note_contention()).
--
-- Candidates are the top ARGV[ARG_CANDIDATES] agents of the available index of each required capability:
-- the search costs O(required x top-K) whatever the number of agents, and the best agent is
-- searched among the best-ranked (reputation / cost) holders of each required capability. Only
-- agents that can still reach the minimum match are read, best bound first, and the search stops
-- as soon as no later one can win (see bounded_candidates() and pick()), so a claim usually reads
-- one or two agents.
--
-- Arguments: ClaimEngine.CLAIM (required: 'name:level,...'; candidates: per capability;
--   pricing_version: the current catalogue's, recorded on the hold so that a finish by tokens is
--   priced at it).
local rid, task_id, scope = ARGV[ARG_RESERVATION_ID], ARGV[ARG_TASK_ID], ARGV[ARG_SCOPE]
local caps, rejected = load_config(layers_of(scope))
rejected = rejected or replay_or_refusal(RECORDS.claim)
-- A claim made under this idempotency key is answered again only while its lease lives: one that
-- ended (expired, finished, its agent disabled) is no claim to hand an agent; the caller hears so.
if rejected and rejected[1] == 'replay' then
  local made = cjson.decode(rejected[2])
  if made.lease then
    local l = load_lease(task_id .. '#' .. made.lease)
    if l then settle_lease(l, load_policy()) end
    local state = l and l.state or 'ended'
    if state ~= 'active' then
      return {'lease_ended', cjson.encode({lease = made.lease, state = state})}
    end
  end
end
if rejected then return rejected end
if #caps == 0 then return {'unknown_scope', scope} end
local policy = load_policy()
expire_lazily(policy)

-- The refusals that say the task's subtree wants a slot: every matching agent is busy, or the
-- subtree is at its share. Others (cost, budget, breakers, no match, the task's own state) would
-- not be cured by a free slot, so they do not hold other subtrees to their share.
local WANTS_SLOT = {all_busy = true, subtree_share = true}
local subtree = subtree_of(scope)

-- A refusal for want of a slot records the subtree as contending; one that adds it to the record
-- pays for that record (RECORDS.contention), within the claim's charge quota_refusal() admitted.
-- Refreshing its time adds no record and is free, as a heartbeat is.
local function note_refusal(reason)
  if not (subtree and WANTS_SLOT[reason]) then return end
  if note_contention(subtree, H.now, policy) == 1 then pay_charge(RECORDS.contention) end
end

local function not_claimed(reason, counts, refusals)
  note_refusal(reason)
  local escalate = reason ~= 'task_already_owned' and reason ~= 'task_completed'
  if escalate then
    emit_claim_event('claim.escalated', {'task', task_id, 'scope', scope, 'reason', reason})
    pay_written(RECORDS.escalation)
  end
  return {'not_claimed', cjson.encode({task = task_id, reason = reason, counts = counts,
    refusals = refusals or {}, escalated = escalate, effects = side_effects()})}
end

local task = load_task(task_id)
if task and task.scope ~= scope then
  return {'task_scope', within(task.scope, ARGV[ARG_SUBTREE]) and task.scope or ''}
end
local max_agents = math.min(tonumber(ARGV[ARG_MAX_AGENTS]), policy.max_agents)
if task and task.state == 'owned' then return not_claimed('task_already_owned', {}) end
if task and task.state == 'completed' then return not_claimed('task_completed', {}) end
if task and task.n >= max_agents then
  return not_claimed('max_agents_reached', {claims = task.n, max_agents = max_agents})
end

local required, names = {}, {}
for _, entry in ipairs(split(ARGV[ARG_REQUIRED], ',')) do
  local name, level = string.match(entry, '^([^:]+):(%d+)$')
  required[name] = tonumber(level)
  names[#names + 1] = name
end
local tried = task and task.tried or ''
local top_k = tonumber(ARGV[ARG_CANDIDATES])
local max_cost = math.min(tonumber(ARGV[ARG_MAX_COST]), policy.max_cost)

local function owned_before(id)
  return string.find(tried, ',' .. id .. ',', 1, true) ~= nil
end

-- The top of each required capability's index, as ZREVRANGE WITHSCORES returns it.
local function index_tops(index)
  local lists = {}
  for j, name in ipairs(names) do
    lists[j] = redis.call('ZREVRANGE', H.prefix .. index .. name, 0, top_k - 1, 'WITHSCORES')
  end
  return lists
end

-- The available agents worth reading for this task, without its earlier owners, and their bounds.
local function candidates()
  local ids, bounds = bounded_candidates(index_tops('ix:'), top_k, #names, policy.min_match)
  if tried == '' then return ids, bounds end
  local found = {}
  for _, id in ipairs(ids) do
    if not owned_before(id) then found[#found + 1] = id end
  end
  return found, bounds
end

-- A candidate's whole record with its levels of the required capabilities: the one read of the
-- agent the claim makes, as the chosen agent's record is what the writes below start from. The
-- fields to read are the same for every candidate, so they are listed once. One whose contract
-- expired since the sweep last ran is marked lapsed (pick() skips it) and leaves the indexes now.
-- On a task in a subtree, its standing there (one HGET) decides: it is ranked by its reputation
-- there (a.rep: this script only ever takes agents out of the indexes, so the tenant-wide
-- reputation they are scored by is not needed here), and held back (pick() skips it) while its
-- breaker there is open or its probe runs. One registered before the tenant counted its slots is
-- counted now (pool_slots(), agent_lib.lua), before subtree_share_refusal() reads the count.
local fields = agent_fields(names)
local function load_candidate(id)
  local a = load_agent(id, names, fields)
  if not a.pooled then pool_slots(a, a.slots) end
  if contract_expired(a) then
    a.lapsed = true
    reindex(a)
  end
  local e = subtree and load_standing(id, subtree)
  if e then
    a.standing, a.rep, a.held = e, e.rep, not standing_admits(e)
  end
  return a
end

local function pick_within(cost_limit)
  local ids, bounds = candidates()
  return pick(ids, bounds, load_candidate, required, #names, policy.min_match, cost_limit)
end

local best, counts = pick_within(max_cost)

-- Nobody available qualifies: look at every holder of the capabilities to say why.
local function why_not()
  if counts.over_cost > 0 then return 'over_cost' end
  local busy, broken, off, owners, seen, holders = 0, 0, 0, 0, {}, {}
  for _, flat in ipairs(index_tops('cx:')) do
    for i = 1, #flat, 2 do
      if not seen[flat[i]] then
        seen[flat[i]] = true
        holders[#holders + 1] = load_candidate(flat[i])
      end
    end
  end
  local lapsed = 0
  for _, a in ipairs(holders) do
    if qualifies(match_count(a.levels, required), #names, policy.min_match) then
      if owned_before(a.id) then owners = owners + 1
      elseif a.lapsed then lapsed = lapsed + 1
      elseif a.status ~= 'active' then off = off + 1
      elseif a.brk ~= 'closed' or a.held then broken = broken + 1
      else busy = busy + 1 end
    end
  end
  counts.busy, counts.breakers_open, counts.unavailable = busy, broken, off
  counts.owned_before, counts.contracts_expired = owners, lapsed
  if busy > 0 then return 'all_busy' end
  if broken > 0 then return 'breakers_open' end
  return 'no_capability_match'
end

if not best then return not_claimed(why_not(), counts) end
-- A subtree at its share of the tenant's slots gets no more of them while another subtree
-- contends for them, however many are free.
local over_share = subtree and subtree_share_refusal(subtree, policy)
if over_share then return not_claimed('subtree_share', over_share) end

local expires_at = H.now + policy.lease_ttl
local held, denied, over = hold(caps, rid, scope, best.rate, expires_at, best.model,
  ARGV[ARG_PRICING_VERSION], '0', '0')
if over then return over end
if denied then
  -- The best agent does not fit the budget; the best one that does fit gets the task.
  local room = nil
  for _, layer in ipairs(denied.layers) do
    local left = tonumber(layer[LAYER.cap]) - tonumber(layer[LAYER.spent])
      - tonumber(layer[LAYER.reserved])
    room = room and math.min(room, left) or left
  end
  best = pick_within(math.min(max_cost, room))
  if not best then return not_claimed('budget', counts, denied.refusals) end
  held, denied, over = hold(caps, rid, scope, best.rate, expires_at, best.model,
  ARGV[ARG_PRICING_VERSION], '0', '0')
  if over then return over end
end

-- Numbers already written out once are not formatted again: the lease number, and the hold's
-- amount (the agent's rate) and expiry.
local lease = int((task and task.n or 0) + 1)
local member = task_id .. '#' .. lease
redis.call('HSET', task_key(task_id), 'scope', scope, 'state', 'owned', 'n', lease,
  'tried', (tried == '' and ',' or tried) .. best.id .. ',', 'agent', best.id)
keep_task(task_id, expires_at)
redis.call('HSET', lease_key(member), 'agent', best.id, 'rid', rid, 'scope', scope,
  'exp', held.expires_at, 'claimed', H.stamp, 'state', 'active')
-- The hold is the lease's: only its holder's finish (or the lease's end) settles it.
redis.call('HSET', H.prefix .. 'r:' .. rid, 'lease', member)
redis.call('ZADD', H.prefix .. 'lexp', expires_at, member)
redis.call('SADD', agent_leases_key(best.id), member)
if subtree then
  redis.call('SADD', subtree_leases_key(subtree), member)
  note_contention(subtree, 0, policy)
end
best.busy = best.busy + 1
if best.brk == 'half_open' then
  -- This task is the half-open breaker's probe; otherwise 'probe' stays as it is, unwritten.
  best.probe = '1'
  redis.call('HSET', agent_key(best.id), 'busy', int(best.busy), 'probe', '1')
else
  redis.call('HSET', agent_key(best.id), 'busy', int(best.busy))
end
if not can_take(best) then reindex(best) end
if best.standing and standing_breaker(best.standing) == 'half_open' then
  -- This task is the probe of the agent's half-open breaker in the task's subtree.
  set_standing_breaker(best, subtree, best.standing, 'half_open', 'cooldown_over', 0)
  best.standing.probe = member
  save_standing(best.id, subtree, best.standing)
end
append_ledger({'claim', 'scope', scope, 'task', task_id, 'lease', lease, 'agent', best.id,
  'rid', rid, 'amt', held.amount, 'key', H.idem})

return remember(cjson.encode({task = task_id, lease = lease, agent = best.id,
  model = best.model, rid = rid, amount = held.amount, expires_at = held.expires_at,
  score = string.format('%.17g', best.score), matched = int(best.matched),
  required = int(#names), effects = side_effects()}))
