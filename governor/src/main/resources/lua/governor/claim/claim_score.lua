-- How the claim path ranks agents for a task: pure functions of numbers, no Redis calls.
--
-- A task requires n capabilities, each at a level. An agent matches one if it holds it at that
-- level or higher; matched / n is its capability match, which must reach the policy minimum
-- (in thousandths, compared in integers: no rounding at the boundary).
-- score = match x reputation / cost, reputation in parts per million and cost in micro-dollars;
-- the higher the better. Equal scores go to the cheaper agent, then to the smaller agent id, so
-- the choice never depends on the order candidates were found in.

-- How many of required ({name = level}) the agent's levels ({name = level}) satisfy.
local function match_count(levels, required)
  local matched = 0
  for name, level in pairs(required) do
    if (levels[name] or 0) >= level then matched = matched + 1 end
  end
  return matched
end

local function qualifies(matched, required_count, min_match_permille)
  return matched * 1000 >= min_match_permille * required_count
end

local function score(matched, required_count, reputation, rate)
  return (matched / required_count) * reputation / rate
end

-- True if candidate a ranks before candidate b (both have score, rate and id).
local function better(a, b)
  if a.score ~= b.score then return a.score > b.score end
  if a.rate ~= b.rate then return a.rate < b.rate end
  return a.id < b.id
end

-- The candidates a claim must look at, from the top of each required capability's index of
-- available agents. lists[j] is the j-th index's top as ZREVRANGE WITHSCORES returns it (id,
-- score, id, score..., highest first), top_k entries at most. Every index scores an agent alike
-- (reputation / cost), so an agent missing from a list that was cut at top_k, with a score above
-- that list's last one, is not in that index at all: it would have ranked inside the list. Such
-- an agent cannot match that capability. With possible the number of capabilities an agent may
-- match, bound = possible / required_count x score is never below its real score. Returns the ids
-- of the agents whose possible reaches min_match, highest bound first, then by id (so the order
-- never depends on which index an agent came from), and the bound of each.
local function bounded_candidates(lists, top_k, required_count, min_match)
  local score, ids, member, cut = {}, {}, {}, {}
  for j, flat in ipairs(lists) do
    member[j] = {}
    if #flat == 2 * top_k then cut[j] = tonumber(flat[#flat]) end
    for i = 1, #flat, 2 do
      local id = flat[i]
      member[j][id] = true
      if not score[id] then
        score[id] = tonumber(flat[i + 1])
        ids[#ids + 1] = id
      end
    end
  end
  local found, bounds = {}, {}
  for _, id in ipairs(ids) do
    local possible, s = 0, score[id]
    for j = 1, #lists do
      if member[j][id] or (cut[j] and s <= cut[j]) then possible = possible + 1 end
    end
    if qualifies(possible, required_count, min_match) then
      found[#found + 1] = id
      bounds[id] = (possible / required_count) * s
    end
  end
  table.sort(found, function(a, b)
    local bound_a, bound_b = bounds[a], bounds[b]
    if bound_a ~= bound_b then return bound_a > bound_b end
    return a < b
  end)
  return found, bounds
end

-- Picks the best agent for a task requiring required_count capabilities. candidates are ids
-- sorted by bounds[id], highest first, where a bound is never below the agent's real score (see
-- bounded_candidates); load(id) gives the agent (rate, rep: the reputation to rank it by, levels).
-- Agents that do not qualify or cost more than max_cost are skipped, and so are those load() marked
-- lapsed (their contract expired) or held (their breaker in the task's subtree keeps them from it).
-- The search stops at the first candidate whose bound is below the best score found, since no
-- later one can beat it (an equal bound may still tie and win on cost or id). Returns the best
-- agent (with matched and score set) or nil, and counts of what was read (examined, matched,
-- over_cost).
local function pick(candidates, bounds, load, required, required_count, min_match, max_cost)
  local best, counts = nil, {examined = 0, matched = 0, over_cost = 0, contracts_expired = 0}
  for _, id in ipairs(candidates) do
    if best and bounds[id] < best.score then break end
    local a = load(id)
    counts.examined = counts.examined + 1
    local matched = match_count(a.levels, required)
    if a.lapsed then
      counts.contracts_expired = counts.contracts_expired + 1
    elseif not a.held and qualifies(matched, required_count, min_match) then
      counts.matched = counts.matched + 1
      if a.rate > max_cost then
        counts.over_cost = counts.over_cost + 1
      else
        a.matched, a.score = matched, score(matched, required_count, a.rep, a.rate)
        if not best or better(a, best) then best = a end
      end
    end
  end
  return best, counts
end
