-- Registers an agent from its verified contract, or replaces its contract by a newer version.
-- Slots in use, reputation, status and breaker survive a new contract; the capability indexes
-- follow the new capabilities. A contract version below the registered one (or below that of a
-- removed agent) is refused as stale; the same version is accepted only as an exact repeat.
-- The contract's expiry is kept with the agent: once it passes, the agent takes no new task. An
-- exact repeat signed to expire later renews it (an operator renews a contract by signing it
-- again); one that expires sooner changes nothing.
-- The ledger entry ('agent', op 'register') names who registered it; a registration or a new
-- version is refused with 'write_quota', writing nothing, when the tenant's write quota has no room
-- for that entry (RECORDS.change). A renewal records nothing and is charged nothing.
-- A registration of an agent the tenant does not hold is refused with 'agent_limit', writing
-- nothing, once the tenant holds max_agents live agents (the 'ids' index): each agent keeps a
-- record, indexes and its standings in the tenant's Redis slot, which nothing else bounds.
-- Arguments: AgentRegistry.PUT (capabilities: 'name:level,...'; rate: micro-dollars per
--   task; contract_expires_at: epoch ms; max_agents).
local id, version, fingerprint = ARGV[ARG_AGENT_ID], tonumber(ARGV[ARG_VERSION]),
  ARGV[ARG_CONTRACT_FINGERPRINT]
local known = tonumber(redis.call('HGET', H.prefix .. 'agents', id) or '0')
local a = load_agent(id)
if version < known or (version == known and not a) then return {'stale', int(known)} end
local expires_at = tonumber(ARGV[ARG_CONTRACT_EXPIRES_AT])
if version == known then
  if redis.call('HGET', agent_key(id), 'fp') ~= fingerprint then return {'stale', int(known)} end
  if not a.cexp or a.cexp < expires_at then
    a.cexp = expires_at
    redis.call('HSET', agent_key(id), 'cexp', ARGV[ARG_CONTRACT_EXPIRES_AT])
    redis.call('ZADD', H.prefix .. 'cdue', expires_at, id)
    reindex(a)
  end
  return {'ok', cjson.encode({agent = agent_reply(id)})}
end
if not a and redis.call('ZCARD', H.prefix .. 'ids') >= tonumber(ARGV[ARG_MAX_AGENTS]) then
  return {'agent_limit', ARGV[ARG_MAX_AGENTS]}
end
local refused = quota_refusal(RECORDS.change)
if refused then return refused end

if a then
  unindex(a)
  local old = {}
  for _, name in ipairs(capability_names(a.caps)) do old[#old + 1] = 'c:' .. name end
  redis.call('HDEL', agent_key(id), unpack(old))
else
  a = {id = id, busy = 0, rep = INITIAL_REPUTATION, status = 'active', brk = 'closed', fails = 0,
       probe = '0'}
end
local rate, slots = ARGV[ARG_RATE], ARGV[ARG_SLOTS]
a.caps, a.model, a.rate, a.slots = ARGV[ARG_CAPABILITIES], ARGV[ARG_MODEL], tonumber(rate), tonumber(slots)
a.cexp = expires_at
local fields = {'caps', a.caps, 'model', a.model, 'rate', rate, 'slots', slots,
  'slo', ARGV[ARG_SLO_MS], 'ver', ARGV[ARG_VERSION], 'fp', fingerprint, 'busy', int(a.busy), 'rep', int(a.rep),
  'status', a.status, 'brk', a.brk, 'fails', int(a.fails), 'probe', a.probe, 'cexp', ARGV[ARG_CONTRACT_EXPIRES_AT]}
for _, entry in ipairs(split(a.caps, ',')) do
  local name, level = string.match(entry, '^([^:]+):(%d+)$')
  fields[#fields + 1] = 'c:' .. name
  fields[#fields + 1] = level
end
redis.call('HSET', agent_key(id), unpack(fields))
redis.call('HSET', H.prefix .. 'agents', id, ARGV[ARG_VERSION])
redis.call('ZADD', H.prefix .. 'cdue', expires_at, id)
redis.call('ZADD', H.prefix .. 'ids', 0, id)
pool_slots(a, a.slots)
reindex(a)
list_holder(a)
record_change({'agent', 'scope', call_tenant(), 'agent', id, 'op', 'register', 'ver', ARGV[ARG_VERSION],
  'caps', a.caps, 'rate', rate, 'slots', slots, 'model', a.model, 'by', ARGV[ARG_BY]})
return {'ok', cjson.encode({agent = agent_reply(id)})}
