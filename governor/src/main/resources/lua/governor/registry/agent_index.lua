-- Lists in the tenant's id index ('ids', agent_lib.lua) the agents among ARGV[ARG_AGENT_IDS]
-- (comma-separated) that are registered: the agents an older layout stored before the index was
-- kept. An id whose agent was removed is left out, checked here in the same step as the add, so a
-- removal that raced the caller's scan leaves no stale entry. With ARGV[ARG_LAST] = '1' the index
-- is marked built, and listings stop calling this.
-- Arguments: AgentRegistry.INDEX.
for _, id in ipairs(split(ARGV[ARG_AGENT_IDS], ',')) do
  if redis.call('EXISTS', agent_key(id)) == 1 then
    redis.call('ZADD', H.prefix .. 'ids', 0, id)
  end
end
if ARGV[ARG_LAST] == '1' then redis.call('SET', H.prefix .. 'ids:built', '1') end
return {'ok', cjson.encode({})}
