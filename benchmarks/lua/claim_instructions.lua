-- Lua VM instructions and Redis commands of the claim path's scripts, counted outside Redis: the
-- composed functions (as ScriptSources writes them) run in Lua 5.1 against a small in-memory
-- imitation of the Redis commands they call, which is not counted. The counts are deterministic, so
-- two versions of the scripts compare without noise; what a command costs Redis is not in them.
--
--   lua5.1 benchmarks/lua/claim_instructions.lua <dir of claim.lua, finish.lua> [claims] [agents]
--
-- The scenario is ClaimPathLoad's, one claim + finish at a time: tenant 'load' with day, month and
-- lifetime caps on 'load' and 'load/proj', policy min_match 500, agents with three of 50
-- capabilities at rates 1000..1960, tasks requiring two capabilities, each finished as succeeded.
-- The first claims warm nothing (a script keeps nothing across calls), so every claim counts.

cjson = require('cjson')
local dir, claims, agents = arg[1], tonumber(arg[2] or '200'), tonumber(arg[3] or '1000')
local CAPABILITIES = 50

-- The store: strings, hashes and sorted sets as Lua tables; streams only count their entries.
local db = {}
local counting, instructions = false, 0
local commands = {}

local function hash(key)
  db[key] = db[key] or {}
  return db[key]
end

local function ranked(key, reverse)
  local z, list = db[key] or {}, {}
  for member, score in pairs(z) do list[#list + 1] = {member, score} end
  table.sort(list, function(a, b)
    if a[2] ~= b[2] then return (a[2] < b[2]) ~= reverse end
    return (a[1] < b[1]) ~= reverse
  end)
  return list
end

local function score_text(score)
  return string.format('%.17g', score)
end

local ops = {}
function ops.GET(k) return db[k] or false end
function ops.SET(k, v) db[k] = v; return {ok = 'OK'} end
function ops.HGET(k, f) return hash(k)[f] or false end
function ops.HMGET(k, ...)
  local h, out = db[k] or {}, {}
  for i, f in ipairs({...}) do out[i] = h[f] or false end
  return out
end
function ops.HSET(k, ...)
  local h, a, added = hash(k), {...}, 0
  for i = 1, #a, 2 do
    if h[a[i]] == nil then added = added + 1 end
    h[a[i]] = tostring(a[i + 1])
  end
  return added
end
function ops.HSETNX(k, f, v)
  local h = hash(k)
  if h[f] then return 0 end
  h[f] = tostring(v)
  return 1
end
function ops.HINCRBY(k, f, by)
  local h = hash(k)
  h[f] = tostring((tonumber(h[f]) or 0) + tonumber(by))
  return tonumber(h[f])
end
function ops.HGETALL(k)
  local out = {}
  for f, v in pairs(db[k] or {}) do out[#out + 1] = f; out[#out + 1] = v end
  return out
end
function ops.HKEYS(k)
  local out = {}
  for f in pairs(db[k] or {}) do out[#out + 1] = f end
  return out
end
function ops.HDEL(k, ...)
  local h = hash(k)
  for _, f in ipairs({...}) do h[f] = nil end
  return 1
end
function ops.PEXPIRE() return 1 end
function ops.ZADD(k, score, member)
  local z = hash(k)
  z[member] = tonumber(score)
  return 1
end
function ops.ZREM(k, member)
  local z = hash(k)
  local had = z[member] and 1 or 0
  z[member] = nil
  return had
end
function ops.ZREVRANGE(k, first, last)
  local list, out = ranked(k, true), {}
  for i = first + 1, math.min(last + 1, #list) do
    out[#out + 1] = list[i][1]
    out[#out + 1] = score_text(list[i][2])
  end
  return out
end
function ops.ZRANGEBYSCORE(k, _, max, _, offset, count)
  local out = {}
  for _, e in ipairs(ranked(k, false)) do
    if e[2] <= tonumber(max) and #out < count then out[#out + 1] = e[1] end
  end
  return out
end
local entries = 0
function ops.XADD()
  entries = entries + 1
  return '1-' .. entries
end

redis = {}
function redis.call(name, ...)
  local was = counting
  counting = false
  commands[name] = (commands[name] or 0) + 1
  local op = ops[name] or error('no imitation of ' .. name)
  local reply = op(...)
  counting = was
  return reply
end

-- Counts the instructions the scripts run (the imitation's own are not counted), and with 'lines'
-- as the fourth argument where they ran.
local lines = arg[4] == 'lines' and {} or nil
-- Calls of C functions from the scripts (string.format, tonumber, unpack, cjson...) are counted
-- apart: each costs far more than one instruction.
local HARNESS = debug.getinfo(1, 'S').source
local c_calls = 0
debug.sethook(function(event)
  if not counting then return end
  if event == 'call' then
    if debug.getinfo(2, 'S').what == 'C' and debug.getinfo(3, 'S').source ~= HARNESS then
      c_calls = c_calls + 1
      if lines then
        local name = 'C ' .. (debug.getinfo(2, 'n').name or '?')
        lines[name] = (lines[name] or 0) + 1
      end
    end
  elseif debug.getinfo(2, 'S').source ~= HARNESS then
    instructions = instructions + 1
    if lines then
      local at = debug.getinfo(2, 'Sl')
      local where = at.short_src .. ':' .. at.currentline
      lines[where] = (lines[where] or 0) + 1
    end
  end
end, 'c', 1)

local functions = {}
local SOURCES = {}
function redis.register_function(name, f) functions[#functions + 1] = f end

-- A composed function: its library runs once here, as FUNCTION LOAD would; the body per call.
local function load(name)
  local path = dir .. '/' .. name .. '.lua'
  local file = assert(io.open(path), 'missing ' .. path)
  local source = file:read('*a'):gsub('^#![^\n]*\n', '')
  file:close()
  local text = {}
  for line in (source .. '\n'):gmatch('([^\n]*)\n') do text[#text + 1] = line end
  SOURCES[name] = text
  local args = {}
  for constant, position in source:gmatch('local (ARG_[%w_]+) = (%d+)\n') do
    args[constant] = tonumber(position)
  end
  for constant, members in source:gmatch('local (ARG_[%w_]+) = (%b{})\n') do
    args[constant] = {}
    for member, position in members:gmatch('([%w_]+) = (%d+)') do
      args[constant][member] = tonumber(position)
    end
  end
  assert(loadstring(source, '=' .. name))()
  return {call = table.remove(functions), args = args}
end

local PREFIX = 'gov:{load}:'
local NOW = 1796558400000
local POLICY = {min_match = '700', max_agents = '3', max_cost = '9007199254740991',
  brk_fails = '5', brk_cool = '30000', lease_ttl = '60000', rep_weight = '100'}

-- ARGV of one call by argument name (the ARG_ constants the source declares), KEYS in header order.
local function call(script, values, reservation)
  local argv = {}
  local header = {prefix = PREFIX, now = tostring(NOW), zone = 'UTC', day = 'd20261206',
    month = 'm202612', oldest_day = 'd20241201', oldest_month = 'm202401',
    idempotency_key = values.key, fingerprint = 'fp-' .. values.key,
    idempotency_ttl = '86400000', retention = '604800000', lazy_batch = '8'}
  for name, position in pairs(script.args) do
    local field = name:sub(5):lower()
    if type(position) == 'table' then
      for member, at in pairs(position) do
        argv[at] = field == 'policy' and POLICY[member] or values[field .. '.' .. member]
      end
    else
      argv[position] = header[field] or values[field]
    end
  end
  for i = 1, #argv do assert(argv[i], 'argument ' .. i .. ' not given') end
  local keys = {PREFIX .. 'config', PREFIX .. 'idem:' .. values.key, PREFIX .. 'ledger',
    PREFIX .. 'events', PREFIX .. 'rexp', reservation and PREFIX .. 'r:' .. reservation
    or PREFIX .. 'config'}
  local before = instructions
  counting = true
  local reply = script.call(keys, argv)
  counting = false
  return reply, instructions - before
end

local function seed()
  local config = hash(PREFIX .. 'config')
  config.zone = 'UTC'
  for _, layer in ipairs({'load', 'load/proj'}) do
    for _, window in ipairs({'lifetime', 'day', 'month'}) do
      config[layer .. '|' .. window] = '9007199254740991'
    end
  end
  hash(PREFIX .. 'policy').min_match = '500'
  for i = 0, agents - 1 do
    local id, rate = 'agent-' .. i, 1000 + (i % 97) * 10
    local held = {{'c' .. i % CAPABILITIES, 1 + i % 3}, {'c' .. (i + 17) % CAPABILITIES, 1},
      {'c' .. (i + 34) % CAPABILITIES, 2}}
    local a = hash(PREFIX .. 'a:' .. id)
    local caps = {}
    for _, c in ipairs(held) do
      caps[#caps + 1] = c[1] .. ':' .. c[2]
      a['c:' .. c[1]] = tostring(c[2])
      hash(PREFIX .. 'ix:' .. c[1])[id] = 500000 / rate
      hash(PREFIX .. 'cx:' .. c[1])[id] = 500000 / rate
    end
    a.caps, a.model, a.rate, a.slots, a.busy = table.concat(caps, ','), 'gpt-4o', tostring(rate), '4', '0'
    a.rep, a.slo, a.status, a.brk, a.fails, a.probe = '500000', '1000', 'active', 'closed', '0', '0'
    a.ver, a.fp = '1', 'fp'
  end
end

local function count(name, totals, n)
  totals[name] = (totals[name] or 0) + n
end

local claim, finish = load('claim'), load('finish')
seed()
local random = 12
local function next_random(n)
  random = (random * 1103515245 + 12345) % 2147483648
  return random % n
end

local totals, per = {}, {}
for t = 1, claims do
  local first = next_random(CAPABILITIES)
  local second = (first + 1 + next_random(CAPABILITIES - 1)) % CAPABILITIES
  local rid = 'load-r' .. t
  local reply, n = call(claim, {key = 'claim-' .. t, reservation_id = rid, task_id = 'task-' .. t,
    scope = 'load/proj', max_cost = '1000000', max_agents = '1',
    required = 'c' .. first .. ':1,c' .. second .. ':1', candidates = '8'}, rid)
  assert(reply[1] == 'ok', 'claim ' .. t .. ': ' .. tostring(reply[1]) .. ' ' .. tostring(reply[2]))
  count('claim', per, n)
  local claimed = cjson.decode(reply[2])
  reply, n = call(finish, {key = 'finish-' .. t, task_id = 'task-' .. t, lease = claimed.lease,
    agent_id = claimed.agent, outcome = 'succeeded', latency_ms = '200',
    ['spend.amount'] = tostring(tonumber(claimed.amount) - 100), ['spend.input_tokens'] = '0',
    ['spend.cached_input_tokens'] = '0', ['spend.output_tokens'] = '0', ['spend.model'] = '',
    ['spend.pricing_version'] = '0', subtree = ''})
  assert(reply[1] == 'ok', 'finish ' .. t .. ': ' .. tostring(reply[1]) .. ' ' .. tostring(reply[2]))
  count('finish', per, n)
end

print(string.format('%d claim + finish pairs, %d agents', claims, agents))
for _, name in ipairs({'claim', 'finish'}) do
  print(string.format('  %-8s %8.1f instructions per call', name, per[name] / claims))
end
print(string.format('  %-8s %8.1f instructions per claim + finish', 'both',
  (per.claim + per.finish) / claims))
print(string.format('  calls of C functions per claim + finish: %.1f', c_calls / claims))
local names, all = {}, 0
for name, n in pairs(commands) do names[#names + 1] = name; all = all + n end
table.sort(names)
print(string.format('  redis.call per claim + finish: %.2f', all / claims))
for _, name in ipairs(names) do
  print(string.format('    %-14s %6.2f', name, commands[name] / claims))
end

if lines then
  local where = {}
  for line, n in pairs(lines) do where[#where + 1] = {line, n} end
  table.sort(where, function(a, b) return a[2] > b[2] end)
  print('  busiest lines (instructions per claim + finish) and C functions (calls):')
  for i = 1, math.min(60, #where) do
    local chunk, line = where[i][1]:match('^(.*):(%d+)$')
    local text = chunk and SOURCES[chunk] and SOURCES[chunk][tonumber(line)] or ''
    print(string.format('    %-12s %8.1f  %s', where[i][1], where[i][2] / claims, text))
  end
end
