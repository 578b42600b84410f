-- Removes an agent that holds no lease (drain it first), with its standing in every subtree; its
-- contract version stays remembered. The ledger entry ('agent', op 'removed') names who removed it.
-- Arguments: AgentRegistry.REMOVE.
local id = ARGV[ARG_AGENT_ID]
local a = load_agent(id)
if not a then return {'agent_not_found', ''} end
if a.busy > 0 then return {'agent_busy', int(a.busy)} end
unindex(a)
redis.call('DEL', agent_key(id), standings_key(id))
redis.call('ZREM', H.prefix .. 'bdue', id)
redis.call('ZREM', H.prefix .. 'cdue', id)
redis.call('ZREM', H.prefix .. 'ids', id)
append_ledger({'agent', 'scope', call_tenant(), 'agent', id, 'op', 'removed', 'by', ARGV[ARG_BY]})
return {'ok', cjson.encode({})}
