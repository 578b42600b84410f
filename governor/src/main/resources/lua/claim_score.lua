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
