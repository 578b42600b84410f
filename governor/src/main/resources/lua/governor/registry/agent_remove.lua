-- Removes an agent that holds no lease (drain it first), with its standing in every subtree; its
-- contract version stays remembered. The ledger entry ('agent', op 'removed') names who removed it;
-- the removal is refused with 'write_quota', writing nothing, when the tenant's write quota has no
-- room for that entry (RECORDS.change).
-- Arguments: AgentRegistry.REMOVE.
local id = ARGV[ARG_AGENT_ID]
local a = load_agent(id)
if not a then return {'agent_not_found', ''} end
if a.busy > 0 then return {'agent_busy', int(a.busy)} end
local refused = quota_refusal(RECORDS.change)
if refused then return refused end
unindex(a)
pool_slots(a, 0)
redis.call('DEL', agent_key(id), standings_key(id))
redis.call('ZREM', H.prefix .. 'bdue', id)
redis.call('ZREM', H.prefix .. 'cdue', id)
redis.call('ZREM', H.prefix .. 'ids', id)
record_change({'agent', 'scope', call_tenant(), 'agent', id, 'op', 'removed', 'by', ARGV[ARG_BY]})
return {'ok', cjson.encode({})}
