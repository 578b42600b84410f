-- Agents, their capability indexes and their circuit breakers: shared by the registry's and the
-- claim path's scripts, which run it after budget_lib.lua.
--
-- Layout (P = prefix, as in budget_lib.lua):
--   P a:<agent>  hash: one agent: 'caps' ('name:level,...'), 'c:<name>' the level of each
--                capability, 'model', 'rate' (micro-dollars per task), 'slots', 'busy' (slots in
--                use), 'rep' (reputation in parts per million), 'slo' (ms), 'status'
--                (active|draining|disabled), 'brk' (closed|open|half_open), 'fails' (consecutive
--                failures), 'probe' ('1' while a half-open breaker's probe task runs), 'ver'
--                (contract version), 'fp' (contract fingerprint), 'cexp' (when its signed contract
--                expires, epoch ms; absent for agents registered before it was kept: no expiry),
--                'srmax' (the highest of its reputations in subtrees, agent_subtrees.lua; absent
--                while it has none), 'pooled' (its slots as counted in 'slots'; absent for an
--                agent registered before that count was kept, until pool_slots() counts it)
--   P as:<agent> hash: its standing in each subtree of the tenant (agent_subtrees.lua)
--   P ix:<cap>   zset: agents with capability <cap> that can take a task now, scored by
--                index_score() (exactly: claims rely on it as a bound of the agent's score)
--   P cx:<cap>   zset: every registered agent with capability <cap>, scored as at registration:
--                only read to say why nobody could take a task
--   P agents     hash: the contract version of every agent ever registered; it outlives removal so
--                that an old contract cannot be replayed
--   P ids        zset: the id of every registered agent, all scored 0 so that ZRANGE BYLEX pages
--                them in id order; an agent leaves it in the step that removes it
--   P ids:built  string: set once 'ids' lists every agent (agent_index.lua added those an older
--                layout registered before it was kept)
--   P slots      string: the slots of every registered agent, whatever its status (the sum of
--                their 'pooled'): what a subtree's share of the tenant's agents is a share of
--                (claim_lib.lua, subtree_share_refusal())
--   P cdue       zset: registered agents by the expiry of their contract, to drop them from the
--                available indexes once it passes
--   P bdue       zset: open breakers by the end of their cool-down
--   P claim-events  stream: the claim path's events (breaker moves, escalations), apart from the
--                budget's events stream so that a storm of refused claims cannot trim budget events
--
-- The indexes are changed by the same script that changes what they depend on (slots in use,
-- status, breaker, reputation, capabilities), so they never disagree with the agent hashes.

local AGENT_FIELDS = {'caps', 'model', 'rate', 'slots', 'busy', 'rep', 'slo', 'status', 'brk',
                      'fails', 'probe', 'cexp', 'srmax', 'pooled'}
local INITIAL_REPUTATION = 500000
-- The breaker transitions made by this call (for the caller's metrics).
local TRANSITIONS
on_call(function()
  TRANSITIONS = {}
end)

-- Appends an event of the claim path (a breaker move, an escalation) to its own stream.
local function emit_claim_event(type, fields)
  append_event(H.prefix .. 'claim-events', type, fields)
end

local function agent_key(id)
  return H.prefix .. 'a:' .. id
end

local function standings_key(id)
  return H.prefix .. 'as:' .. id
end

-- The fields load_agent() reads to know the levels of the capabilities in wanted: AGENT_FIELDS,
-- then 'c:<name>' for each. A caller that loads several agents for the same capabilities (a claim
-- reading its candidates) builds this once.
local function agent_fields(wanted)
  local names = {unpack(AGENT_FIELDS)}
  for _, cap in ipairs(wanted) do names[#names + 1] = 'c:' .. cap end
  return names
end

-- The agent's fields, with the level of each capability in wanted (0 if it lacks it); nil if
-- there is no such agent. fields is agent_fields(wanted), when the caller built it already.
local function load_agent(id, wanted, fields)
  wanted = wanted or {}
  fields = fields or (#wanted == 0 and AGENT_FIELDS or agent_fields(wanted))
  local v = redis.call('HMGET', agent_key(id), unpack(fields))
  if not v[1] then return nil end
  local a = {id = id, caps = v[1], model = v[2], rate = tonumber(v[3]), slots = tonumber(v[4]),
             busy = tonumber(v[5]), rep = tonumber(v[6]), slo = tonumber(v[7]), status = v[8],
             brk = v[9], fails = tonumber(v[10]), probe = v[11], cexp = tonumber(v[12]),
             srmax = tonumber(v[13]), pooled = tonumber(v[14]), levels = {}}
  for i, cap in ipairs(wanted) do
    a.levels[cap] = tonumber(v[#AGENT_FIELDS + i] or '0')
  end
  return a
end

-- Every field of the agent hash, and its standing in each subtree as a field 's:<subtree>', for
-- the reply; the Java side reads it as Agent (Agent.STANDING_FIELD).
local function agent_reply(id)
  local fields = {}
  local flat = redis.call('HGETALL', agent_key(id))
  for i = 1, #flat, 2 do fields[flat[i]] = flat[i + 1] end
  flat = redis.call('HGETALL', standings_key(id))
  for i = 1, #flat, 2 do fields['s:' .. flat[i]] = flat[i + 1] end
  return fields
end

-- The names of 'name:level,...', in one pass over the entries (a reindex runs it on every finish).
local function capability_names(caps)
  local names = {}
  for entry in string.gmatch(caps, '[^,]+') do
    names[#names + 1] = string.match(entry, '^([^:]+)')
  end
  return names
end

-- Counts slots as the agent's share of the tenant's slots ('slots'), in place of what it counted
-- before (nothing for a new agent, or one registered before the count was kept): registering,
-- re-registering with other slots and removing (slots 0) keep the count equal to the sum of the
-- registered agents' slots. An agent stored before the count was kept is counted the first time a
-- claim reads it as a candidate (claim.lua), or when its contract changes.
local function pool_slots(a, slots)
  local delta = slots - (a.pooled or 0)
  if delta ~= 0 then redis.call('INCRBY', H.prefix .. 'slots', delta) end
  redis.call('HSET', agent_key(a.id), 'pooled', int(slots))
  a.pooled = slots
end

-- True once the agent's signed contract has expired (at the script's clock): what the operator
-- granted it is over, so it takes no new task until a current contract is registered. An agent
-- stored before expiries were kept has none.
local function contract_expired(a)
  return a.cexp ~= nil and a.cexp <= H.now
end

-- Free slot, active, contract current, breaker closed (or half-open with no probe running yet).
local function can_take(a)
  return a.status == 'active' and a.busy < a.slots and not contract_expired(a)
    and (a.brk == 'closed' or (a.brk == 'half_open' and a.probe ~= '1'))
end

-- What orders an index: reputation per micro-dollar, the part of a claim's score that does not
-- depend on the task. A claim ranks an agent by its reputation in the task's subtree when it has
-- one there (agent_subtrees.lua), which may be above its tenant-wide one: the index takes the
-- highest of them, so that it bounds the score any claim gives the agent.
local function index_score(a)
  return math.max(a.rep, a.srmax or 0) / a.rate
end

-- Puts the agent in (or takes it out of) the index of each of its capabilities, as it can take a
-- task or not, with its current score.
local function reindex(a)
  local take, score = can_take(a), index_score(a)
  for _, name in ipairs(capability_names(a.caps)) do
    if take then
      redis.call('ZADD', H.prefix .. 'ix:' .. name, score, a.id)
    else
      redis.call('ZREM', H.prefix .. 'ix:' .. name, a.id)
    end
  end
end

-- Lists a newly registered (or re-registered) agent under each of its capabilities.
local function list_holder(a)
  for _, name in ipairs(capability_names(a.caps)) do
    redis.call('ZADD', H.prefix .. 'cx:' .. name, index_score(a), a.id)
  end
end

local function unindex(a)
  for _, name in ipairs(capability_names(a.caps)) do
    redis.call('ZREM', H.prefix .. 'ix:' .. name, a.id)
    redis.call('ZREM', H.prefix .. 'cx:' .. name, a.id)
  end
end

-- Takes out of the available indexes up to max agents whose contract expired; returns how many
-- were due. A claim also skips an expired candidate it meets (claim.lua), so this only keeps the
-- indexes from filling with agents nobody can give a task to.
local function expire_contracts_due(max)
  local due = redis.call('ZRANGEBYSCORE', H.prefix .. 'cdue', '-inf', H.now, 'LIMIT', 0, max)
  for _, id in ipairs(due) do
    redis.call('ZREM', H.prefix .. 'cdue', id)
    local a = load_agent(id)
    if a then reindex(a) end
  end
  return #due
end

-- Moves the breaker to state (closed|open|half_open), with an event naming why; the caller
-- reindexes the agent.
local function set_breaker(a, state, why, cooldown_ms)
  emit_claim_event('breaker.' .. state, {'agent', a.id, 'from', a.brk, 'reason', why,
    'failures', int(a.fails)})
  TRANSITIONS[#TRANSITIONS + 1] = state
  a.brk, a.probe = state, '0'
  if state == 'closed' then a.fails = 0 end
  redis.call('HSET', agent_key(a.id), 'brk', state, 'probe', '0', 'fails', int(a.fails))
  if state == 'open' then
    redis.call('ZADD', H.prefix .. 'bdue', H.now + cooldown_ms, a.id)
  else
    redis.call('ZREM', H.prefix .. 'bdue', a.id)
  end
end

-- Lets one probe task through each breaker whose cool-down has ended (at most max of them).
local function half_open_due(max)
  local due = redis.call('ZRANGEBYSCORE', H.prefix .. 'bdue', '-inf', H.now, 'LIMIT', 0, max)
  for _, id in ipairs(due) do
    local a = load_agent(id)
    redis.call('ZREM', H.prefix .. 'bdue', id)
    if a and a.brk == 'open' then
      set_breaker(a, 'half_open', 'cooldown_over', 0)
      reindex(a)
    end
  end
  return #due
end
