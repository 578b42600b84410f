-- Changes an agent's status: active, draining (takes no new tasks; its leases run on) or disabled
-- (takes no new tasks, and its active leases end now, as 'agent_disabled', so their tasks go to
-- other agents at once and re-enabling the agent revives none of them).
-- The ledger entry ('agent', op the new status) names who changed it; the change is refused with
-- 'write_quota', writing nothing, when the tenant's write quota has no room for it (RECORDS.change).
-- Setting the status the agent has is a no-op: nothing is written, recorded or charged.
-- Arguments: ClaimEngine.STATUS (status: active, draining or disabled; who changes it).
local id, status = ARGV[ARG_AGENT_ID], ARGV[ARG_STATUS]
local a = load_agent(id)
if not a then return {'agent_not_found', ''} end
if a.status == status then return {'ok', cjson.encode({agent = agent_reply(id)})} end
local refused = quota_refusal(RECORDS.change)
if refused then return refused end
a.status = status
redis.call('HSET', agent_key(id), 'status', status)
reindex(a)
record_change({'agent', 'scope', call_tenant(), 'agent', id, 'op', status, 'by', ARGV[ARG_BY]})
if status == 'disabled' then
  end_agent_leases(id, load_policy())
end
return {'ok', cjson.encode({agent = agent_reply(id)})}
