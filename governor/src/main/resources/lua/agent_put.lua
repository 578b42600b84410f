-- Registers an agent from its verified contract, or replaces its contract by a newer version.
-- Slots in use, reputation, status and breaker survive a new contract; the capability indexes
-- follow the new capabilities. A contract version below the registered one (or below that of a
-- removed agent) is refused as stale; the same version is accepted only as an exact repeat.
-- ARGV from 12: 12 agent id  13 capabilities ('name:level,...')  14 model  15 cost per task
--   (micro-dollars)  16 slots  17 SLO (ms)  18 contract version  19 contract fingerprint
local id, version, fingerprint = ARGV[12], tonumber(ARGV[18]), ARGV[19]
local known = tonumber(redis.call('HGET', H.prefix .. 'agents', id) or '0')
local a = load_agent(id)
if version < known or (version == known and not a) then return {'stale', int(known)} end
if version == known then
  if redis.call('HGET', agent_key(id), 'fp') ~= fingerprint then return {'stale', int(known)} end
  return {'ok', cjson.encode({agent = agent_reply(id)})}
end

if a then
  unindex(a)
  local old = {}
  for _, name in ipairs(capability_names(a.caps)) do old[#old + 1] = 'c:' .. name end
  redis.call('HDEL', agent_key(id), unpack(old))
else
  a = {id = id, busy = 0, rep = INITIAL_REPUTATION, status = 'active', brk = 'closed', fails = 0,
       probe = '0'}
end
a.caps, a.model, a.rate, a.slots = ARGV[13], ARGV[14], tonumber(ARGV[15]), tonumber(ARGV[16])
local fields = {'caps', a.caps, 'model', a.model, 'rate', ARGV[15], 'slots', ARGV[16],
  'slo', ARGV[17], 'ver', ARGV[18], 'fp', fingerprint, 'busy', int(a.busy), 'rep', int(a.rep),
  'status', a.status, 'brk', a.brk, 'fails', int(a.fails), 'probe', a.probe}
for _, entry in ipairs(split(a.caps, ',')) do
  local name, level = string.match(entry, '^([^:]+):(%d+)$')
  fields[#fields + 1] = 'c:' .. name
  fields[#fields + 1] = level
end
redis.call('HSET', agent_key(id), unpack(fields))
redis.call('HSET', H.prefix .. 'agents', id, ARGV[18])
reindex(a)
list_holder(a)
append_ledger({'agent', 'scope', TENANT, 'agent', id, 'op', 'register', 'ver', ARGV[18],
  'caps', a.caps, 'rate', ARGV[15], 'slots', ARGV[16], 'model', a.model})
return {'ok', cjson.encode({agent = agent_reply(id)})}
