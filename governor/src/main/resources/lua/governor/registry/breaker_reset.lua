-- An admin closes an agent's breakers by hand, its tenant-wide one and its breaker in each subtree
-- (an event for each that was not closed); every failure count starts over. The ledger entry
-- ('agent', op 'breaker_reset') names who reset it; the reset is refused with 'write_quota',
-- writing nothing, when the tenant's write quota has no room for that entry (RECORDS.change). An
-- agent whose breakers are all closed with no failure counted has nothing to reset: the call
-- writes, records and is charged nothing.
-- Arguments: AgentRegistry.RESET.
local a = load_agent(ARGV[ARG_AGENT_ID])
if not a then return {'agent_not_found', ''} end
if a.brk == 'closed' and a.fails == 0 and standings_at_rest(a.id) then
  return {'ok', cjson.encode({agent = agent_reply(a.id), reset = false})}
end
local refused = quota_refusal(RECORDS.change)
if refused then return refused end
local closed = reset_standings(a)
local was_open = a.brk ~= 'closed'
if was_open then
  set_breaker(a, 'closed', 'admin_reset', 0)
  reindex(a)
end
a.fails = 0
redis.call('HSET', agent_key(a.id), 'fails', '0')
record_change({'agent', 'scope', call_tenant(), 'agent', a.id, 'op', 'breaker_reset',
  'by', ARGV[ARG_BY]})
return {'ok', cjson.encode({agent = agent_reply(a.id), reset = was_open or closed > 0})}
