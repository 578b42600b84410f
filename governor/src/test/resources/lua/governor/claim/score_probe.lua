-- Test body after claim_score.lua. With ARGV[ARG_MODE] = 'pick': ranks the agents of ARGV[ARG_ITEMS] (JSON list
-- of {id, rate, rep, levels}) for the requirement ARGV[ARG_REQUIRED] (JSON {name: level}) of ARGV[ARG_REQUIRED_COUNT]
-- capabilities, minimum match ARGV[ARG_MIN_MATCH], max cost ARGV[ARG_LIMIT], by calling pick() again and again on what
-- is left, with the candidates and bounds bounded_candidates() makes of them.
-- Returns 'id=score' in the order picked, then 'first=' and 'last=' with the
-- examined,matched,over_cost counts of the first pick and of the last one (which found nobody).
-- With ARGV[ARG_MODE] = 'bound': ARGV[ARG_ITEMS] is a JSON list of index tops (flat id, score lists), ARGV[ARG_LIMIT]
-- top-K; returns 'id=bound' for each candidate bounded_candidates() keeps, in its order.
if ARGV[ARG_MODE] == 'bound' then
  local ids, bounds = bounded_candidates(cjson.decode(ARGV[ARG_ITEMS]), tonumber(ARGV[ARG_LIMIT]),
    tonumber(ARGV[ARG_REQUIRED_COUNT]), tonumber(ARGV[ARG_MIN_MATCH]))
  local out = {}
  for _, id in ipairs(ids) do out[#out + 1] = id .. '=' .. string.format('%.17g', bounds[id]) end
  return out
end

local by_id = {}
for _, a in ipairs(cjson.decode(ARGV[ARG_ITEMS])) do by_id[a.id] = a end
local required = cjson.decode(ARGV[ARG_REQUIRED])

-- What is left, as claims see it: every agent in the index of every required capability, so its
-- bound is reputation / cost (the top-K is larger than the list: no index is cut).
local function remaining()
  local flat, count = {}, 0
  for id, a in pairs(by_id) do
    flat[#flat + 1] = id
    flat[#flat + 1] = a.rep / a.rate
    count = count + 1
  end
  local lists = {}
  for j = 1, tonumber(ARGV[ARG_REQUIRED_COUNT]) do lists[j] = flat end
  return bounded_candidates(lists, count + 1, tonumber(ARGV[ARG_REQUIRED_COUNT]), tonumber(ARGV[ARG_MIN_MATCH]))
end

local function counts_text(counts)
  return counts.examined .. ',' .. counts.matched .. ',' .. counts.over_cost
end

local out, first = {}, nil
while true do
  local ids, bounds = remaining()
  local best, counts = pick(ids, bounds, function(id) return by_id[id] end, required,
    tonumber(ARGV[ARG_REQUIRED_COUNT]), tonumber(ARGV[ARG_MIN_MATCH]), tonumber(ARGV[ARG_LIMIT]))
  first = first or counts_text(counts)
  if not best then
    out[#out + 1] = 'first=' .. first
    out[#out + 1] = 'last=' .. counts_text(counts)
    return out
  end
  out[#out + 1] = best.id .. '=' .. string.format('%.17g', best.score)
  by_id[best.id] = nil
end
