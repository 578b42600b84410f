-- An admin closes an agent's breakers by hand, its tenant-wide one and its breaker in each subtree
-- (an event for each that was not closed); every failure count starts over.
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
return {'ok', cjson.encode({agent = agent_reply(a.id), reset = was_open or closed > 0})}
