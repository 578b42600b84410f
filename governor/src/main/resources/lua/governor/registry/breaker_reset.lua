-- An admin closes an agent's breakers by hand, its tenant-wide one and its breaker in each subtree
-- (an event for each that was not closed); every failure count starts over. The ledger entry
-- ('agent', op 'breaker_reset') names who reset it, whether or not a breaker was open: the failure
-- counts started over either way.
-- Arguments: AgentRegistry.RESET.
local a = load_agent(ARGV[ARG_AGENT_ID])
if not a then return {'agent_not_found', ''} end
local closed = reset_standings(a)
local was_open = a.brk ~= 'closed'
if was_open then
  set_breaker(a, 'closed', 'admin_reset', 0)
  reindex(a)
end
a.fails = 0
redis.call('HSET', agent_key(a.id), 'fails', '0')
append_ledger({'agent', 'scope', call_tenant(), 'agent', a.id, 'op', 'breaker_reset',
  'by', ARGV[ARG_BY]})
return {'ok', cjson.encode({agent = agent_reply(a.id), reset = was_open or closed > 0})}
