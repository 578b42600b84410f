-- Test body after claim_score.lua. With ARGV[6] = 'pick': ranks the agents of ARGV[1] (JSON list
-- of {id, rate, rep, levels}) for the requirement ARGV[2] (JSON {name: level}) of ARGV[3]
-- capabilities, minimum match ARGV[4], max cost ARGV[5], by calling pick() again and again on what
-- is left, with the candidates and bounds bounded_candidates() makes of them.
-- Returns 'id=score' in the order picked, then 'first=' and 'last=' with the
-- examined,matched,over_cost counts of the first pick and of the last one (which found nobody).
-- With ARGV[6] = 'bound': ARGV[1] is a JSON list of index tops (flat id, score lists), ARGV[5]
-- top-K; returns 'id=bound' for each candidate bounded_candidates() keeps, in its order.
if ARGV[6] == 'bound' then
  local ids, bounds = bounded_candidates(cjson.decode(ARGV[1]), tonumber(ARGV[5]),
    tonumber(ARGV[3]), tonumber(ARGV[4]))
  local out = {}
  for _, id in ipairs(ids) do out[#out + 1] = id .. '=' .. string.format('%.17g', bounds[id]) end
  return out
end

local by_id = {}
for _, a in ipairs(cjson.decode(ARGV[1])) do by_id[a.id] = a end
local required = cjson.decode(ARGV[2])

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
  for j = 1, tonumber(ARGV[3]) do lists[j] = flat end
  return bounded_candidates(lists, count + 1, tonumber(ARGV[3]), tonumber(ARGV[4]))
end

local function counts_text(counts)
  return counts.examined .. ',' .. counts.matched .. ',' .. counts.over_cost
end

local out, first = {}, nil
while true do
  local ids, bounds = remaining()
  local best, counts = pick(ids, bounds, function(id) return by_id[id] end, required,
    tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
  first = first or counts_text(counts)
  if not best then
    out[#out + 1] = 'first=' .. first
    out[#out + 1] = 'last=' .. counts_text(counts)
    return out
  end
  out[#out + 1] = best.id .. '=' .. string.format('%.17g', best.score)
  by_id[best.id] = nil
end
