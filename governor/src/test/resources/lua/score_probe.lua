-- Test body after claim_score.lua: ranks the candidates of ARGV[1] (JSON list of {id, rate, rep,
-- levels}) for the requirement ARGV[2] (JSON {name: level}) of ARGV[3] capabilities, minimum match
-- ARGV[4], max cost ARGV[5]. Returns 'id=score' best first, then 'examined,matched,over_cost'.
local eligible, counts = rank(cjson.decode(ARGV[1]), cjson.decode(ARGV[2]), tonumber(ARGV[3]),
  tonumber(ARGV[4]), tonumber(ARGV[5]))
local out = {}
for _, a in ipairs(eligible) do out[#out + 1] = a.id .. '=' .. string.format('%.17g', a.score) end
out[#out + 1] = counts.examined .. ',' .. counts.matched .. ',' .. counts.over_cost
return out
