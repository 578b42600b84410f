-- Changes an agent's status (active, draining, disabled) or removes it. Draining and disabled
-- agents take no new tasks; removing one that still holds leases is refused (drain it first).
-- Arguments: AgentRegistry.STATUS (status: active, draining, disabled, or 'removed').
local id, status = ARGV[ARG_AGENT_ID], ARGV[ARG_STATUS]
local a = load_agent(id)
if not a then return {'agent_not_found', ''} end
if status == 'removed' then
  if a.busy > 0 then return {'agent_busy', int(a.busy)} end
  unindex(a)
  redis.call('DEL', agent_key(id))
  redis.call('ZREM', H.prefix .. 'bdue', id)
  append_ledger({'agent', 'scope', call_tenant(), 'agent', id, 'op', 'removed'})
  return {'ok', cjson.encode({})}
end
a.status = status
redis.call('HSET', agent_key(id), 'status', status)
reindex(a)
append_ledger({'agent', 'scope', call_tenant(), 'agent', id, 'op', status})
return {'ok', cjson.encode({agent = agent_reply(id)})}
