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

-- Ranks candidates (tables with id, rate, rep and levels) for a task requiring required_count
-- capabilities: those that qualify and cost at most max_cost, best first (each given matched and
-- score), and counts of what was seen (examined, matched, over_cost).
local function rank(candidates, required, required_count, min_match, max_cost)
  local counts = {examined = #candidates, matched = 0, over_cost = 0}
  local eligible = {}
  for _, a in ipairs(candidates) do
    local matched = match_count(a.levels, required)
    if qualifies(matched, required_count, min_match) then
      counts.matched = counts.matched + 1
      if a.rate > max_cost then
        counts.over_cost = counts.over_cost + 1
      else
        a.matched, a.score = matched, score(matched, required_count, a.rep, a.rate)
        eligible[#eligible + 1] = a
      end
    end
  end
  table.sort(eligible, better)
  return eligible, counts
end
