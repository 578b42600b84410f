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

-- Picks the best agent for a task requiring required_count capabilities. candidates are
-- {id, bound} sorted by bound, highest first, where bound = reputation / cost is the agent's
-- score if it matched everything, hence never below its real score; load(id) gives the agent
-- (rate, rep, levels). Agents that do not qualify or cost more than max_cost are skipped. The
-- search stops at the first candidate whose bound is below the best score found, since no later
-- one can beat it (an equal bound may still tie and win on cost or id). Returns the best agent
-- (with matched and score set) or nil, and counts of what was looked at (examined, matched,
-- over_cost: complete whenever nothing was picked, since nothing was skipped then).
local function pick(candidates, load, required, required_count, min_match, max_cost)
  local best, counts = nil, {examined = 0, matched = 0, over_cost = 0}
  for _, candidate in ipairs(candidates) do
    if best and candidate.bound < best.score then break end
    local a = load(candidate.id)
    counts.examined = counts.examined + 1
    local matched = match_count(a.levels, required)
    if qualifies(matched, required_count, min_match) then
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
