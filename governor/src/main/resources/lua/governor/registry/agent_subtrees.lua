-- An agent's standing in each subtree of its tenant: the reputation, failure count and breaker that
-- the outcomes of its tasks in one subtree give it there. A tenant's agents are shared by all its
-- subtrees, whose dispatchers hold tokens confined to their own; kept apart, one subtree's reports
-- take the agent away from that subtree only (claim_lib.lua, record_outcome(), says how they reach
-- the tenant-wide record). Shared by the registry's and the claim path's scripts, which run it
-- after agent_lib.lua.
--
-- A task's subtree is the first segment of its scope below the tenant ('teamA' for
-- 'acme/teamA/p'): a token that confines a dispatcher at any depth confines it to one such subtree,
-- so however many tokens one subtree holds, all its reports land in one standing. A task on the
-- tenant's own scope has no subtree: only a tenant-wide token reaches it, and its outcome moves the
-- tenant-wide record directly.
--
-- Layout (P = prefix, as in budget_lib.lua; standings_key() in agent_lib.lua):
--   P as:<agent>  hash: field = subtree, value 'rep|fails|reopens|seen|probe': the agent's
--                 reputation there (ppm), its consecutive failures there, when its breaker there
--                 ends its cool-down (epoch ms; 0 while closed: open before it, half-open from
--                 it on, so no sweep is needed), when an outcome there was last recorded (epoch
--                 ms), and the lease running as that breaker's half-open probe ('' if none);
--                 SubtreeStanding.java reads it. At most MAX_SUBTREES fields: a new subtree
--                 evicts the one that reported least recently, closed breakers before open ones,
--                 so no caller grows it without bound.

local MAX_SUBTREES = 16

-- The subtree of a task's scope; nil for the tenant's own scope.
local function subtree_of(scope)
  return string.match(scope, '^[^/]+/([^/]+)')
end

local function decode_standing(value)
  if not value then return nil end
  local rep, fails, reopens, seen, probe = string.match(value, '^(%d+)|(%d+)|(%d+)|(%d+)|(.*)$')
  return {rep = tonumber(rep), fails = tonumber(fails), reopens = tonumber(reopens),
          seen = tonumber(seen), probe = probe}
end

local function encode_standing(e)
  return int(e.rep) .. '|' .. int(e.fails) .. '|' .. int(e.reopens) .. '|' .. int(e.seen) .. '|'
    .. e.probe
end

-- The agent's standing in subtree s; nil if it has none there. One HGET: what a claim reads of
-- each candidate it considers.
local function load_standing(id, s)
  return decode_standing(redis.call('HGET', standings_key(id), s))
end

-- Every standing of the agent, by subtree (at most MAX_SUBTREES), and how many there are.
local function load_standings(id)
  local flat = redis.call('HGETALL', standings_key(id))
  local all = {}
  for i = 1, #flat, 2 do all[flat[i]] = decode_standing(flat[i + 1]) end
  return all, #flat / 2
end

local function save_standing(id, s, e)
  redis.call('HSET', standings_key(id), s, encode_standing(e))
end

-- The breaker of a standing at the script's clock: closed, open, or half_open once its cool-down
-- is over.
local function standing_breaker(e)
  if e.reopens == 0 then return 'closed' end
  return e.reopens > H.now and 'open' or 'half_open'
end

-- True if a claim on the standing's subtree may give the agent a task: its breaker there is
-- closed, or half-open with no probe running yet.
local function standing_admits(e)
  local brk = standing_breaker(e)
  return brk == 'closed' or (brk == 'half_open' and e.probe == '')
end

-- Moves the agent's breaker in subtree s to state, with an event naming the subtree and why; the
-- caller saves e. Half-open is where the cool-down leads by itself, unwritten: the claim that takes
-- the probe records the move from open (and the probe's lease).
local function set_standing_breaker(a, s, e, state, why, cooldown_ms)
  local from = state == 'half_open' and 'open' or standing_breaker(e)
  emit_claim_event('breaker.' .. state, {'agent', a.id, 'subtree', s, 'from', from,
    'reason', why, 'failures', int(e.fails)})
  TRANSITIONS[#TRANSITIONS + 1] = state
  e.probe = ''
  if state == 'open' then
    e.reopens = H.now + cooldown_ms
  elseif state == 'closed' then
    e.reopens, e.fails = 0, 0
  end
end

-- True if the standing e of subtree s goes before the standing v of subtree w when one must make
-- room: a closed breaker's before an open one's, then the one that reported least recently, then
-- by name (so the choice does not depend on the order a hash is read in).
local function evicted_before(s, e, w, v)
  local closed, other_closed = e.reopens == 0, v.reopens == 0
  if closed ~= other_closed then return closed end
  if e.seen ~= v.seen then return e.seen < v.seen end
  return s < w
end

-- A standing for a subtree where the agent has none yet, made room for among all (its standings,
-- by subtree; count of them): once MAX_SUBTREES are kept, the first evicted_before() goes. It
-- starts from the agent's tenant-wide reputation.
local function new_standing(a, all, count)
  if count >= MAX_SUBTREES then
    local victim
    for s, e in pairs(all) do
      if not victim or evicted_before(s, e, victim, all[victim]) then victim = s end
    end
    redis.call('HDEL', standings_key(a.id), victim)
    all[victim] = nil
  end
  return {rep = a.rep, fails = 0, reopens = 0, seen = H.now, probe = ''}
end

-- The highest reputation among the standings (nil if none): agent_lib.lua's 'srmax'.
local function highest_standing(all)
  local top
  for _, e in pairs(all) do
    if not top or e.rep > top then top = e.rep end
  end
  return top
end

-- How many of the standings have their breaker open or half-open.
local function open_standings(all)
  local open = 0
  for _, e in pairs(all) do
    if e.reopens ~= 0 then open = open + 1 end
  end
  return open
end

-- True when every standing of the agent has its breaker closed and no failure counted: a reset
-- would change none of them.
local function standings_at_rest(id)
  local all = load_standings(id)
  for _, e in pairs(all) do
    if e.reopens ~= 0 or e.fails ~= 0 then return false end
  end
  return true
end

-- Closes the agent's breaker in every subtree (an event for each that was not closed) and starts
-- each failure count over; its reputations there stay, as a reset keeps the tenant-wide one.
-- Returns how many it closed.
local function reset_standings(a)
  local all, count = load_standings(a.id)
  if count == 0 then return 0 end
  local fields, closed = {}, 0
  for s, e in pairs(all) do
    if e.reopens ~= 0 then
      set_standing_breaker(a, s, e, 'closed', 'admin_reset', 0)
      closed = closed + 1
    end
    e.fails = 0
    fields[#fields + 1] = s
    fields[#fields + 1] = encode_standing(e)
  end
  redis.call('HSET', standings_key(a.id), unpack(fields))
  return closed
end
