-- Shared prelude of every budget script (BudgetScripts prepends it to each one).
--
-- Every key a script touches starts with the tenant prefix "gov:{tenant}:", so all of them hash to
-- one Redis Cluster slot. Amounts are integer micro-dollars; Lua numbers are doubles, exact up to
-- 2^53, and the Java side caps every amount far below that. Numbers leave the script as decimal
-- strings formatted with %d, never through tostring() or cjson, which would print 1e+15.
--
-- Common arguments (ARGV):
--   1 prefix  2 now (ms)  3 zone the caller assumed  4 day window id  5 day key expiry (ms)
--   6 month window id  7 month key expiry (ms)  8 idempotency key ('' for none)
--   9 request fingerprint  10 idempotency TTL (ms)  11 retention of finished records (ms)
-- Common keys (KEYS):
--   1 tenant hash  2 idempotency hash  3 ledger stream  4 events stream  5 reservation expiry zset
--   6 reservation hash (or the tenant hash when the operation has none)

local H = {
  prefix = ARGV[1], now = tonumber(ARGV[2]), zone = ARGV[3],
  day = ARGV[4], day_exp = tonumber(ARGV[5]), month = ARGV[6], month_exp = tonumber(ARGV[7]),
  idem = ARGV[8], fp = ARGV[9], idem_ttl = tonumber(ARGV[10]), retention = tonumber(ARGV[11]),
  tenant_key = KEYS[1], idem_key = KEYS[2], ledger = KEYS[3], events = KEYS[4], rexp = KEYS[5],
  res_key = KEYS[6],
}

local WINDOWS = {'lifetime', 'day', 'month'}
local LAZY_EXPIRY_BATCH = 8
local EVENTS_MAX_LENGTH = 100000

local function int(n)
  return string.format('%d', n)
end

local function split(text, sep)
  local parts = {}
  for part in string.gmatch(text, '[^' .. sep .. ']+') do
    parts[#parts + 1] = part
  end
  return parts
end

-- The scope and every ancestor, root first: "a/b/c" -> {"a", "a/b", "a/b/c"}.
local function layers_of(scope)
  local layers, path = {}, nil
  for segment in string.gmatch(scope, '[^/]+') do
    path = path and (path .. '/' .. segment) or segment
    layers[#layers + 1] = path
  end
  return layers
end

local function current_windows()
  return {'life', H.day, H.month}
end

local function window_id(window)
  if window == 'day' then return H.day elseif window == 'month' then return H.month end
  return 'life'
end

local function usage_key(scope, id)
  return H.prefix .. 'u:' .. scope .. '|' .. id
end

-- Day and month counters roll over by key name and expire long after their window ends.
local function expire_with_window(key, id)
  if id == H.day then
    redis.call('PEXPIREAT', key, H.day_exp)
  elseif id == H.month then
    redis.call('PEXPIREAT', key, H.month_exp)
  end
end

local function add_usage(layers, ids, field, delta)
  if delta == 0 then return end
  for _, layer in ipairs(layers) do
    for _, id in ipairs(ids) do
      local key = usage_key(layer, id)
      redis.call('HINCRBY', key, field, delta)
      expire_with_window(key, id)
    end
  end
end

-- Caps that apply now on the given layers: one entry per layer and window with a cap.
local function limits_of(layers)
  local limits, budgeted = {}, false
  for _, layer in ipairs(layers) do
    local flat = redis.call('HGETALL', H.prefix .. 'b:' .. layer)
    if #flat > 0 then
      budgeted = true
      local budget = {}
      for i = 1, #flat, 2 do budget[flat[i]] = flat[i + 1] end
      for _, window in ipairs(WINDOWS) do
        local cap = budget[window .. '.cap']
        if cap then
          limits[#limits + 1] = {scope = layer, window = window, id = window_id(window),
                                 cap = tonumber(cap), th = budget[window .. '.th'] or ''}
        end
      end
    end
  end
  return limits, budgeted
end

local function read_usage(limits)
  for _, limit in ipairs(limits) do
    local v = redis.call('HMGET', usage_key(limit.scope, limit.id), 'spent', 'reserved')
    limit.spent = tonumber(v[1] or '0')
    limit.reserved = tonumber(v[2] or '0')
  end
end

local function encode_limits(limits)
  local out = {}
  for i, limit in ipairs(limits) do
    out[i] = {scope = limit.scope, window = limit.window, cap = int(limit.cap),
              spent = int(limit.spent), reserved = int(limit.reserved)}
  end
  return out
end

-- Returns a reply when the tenant is unknown or the caller computed windows in a stale zone.
local function tenant_check()
  local zone = redis.call('HGET', H.tenant_key, 'zone')
  if not zone then return {'unknown_tenant', ''} end
  if zone ~= H.zone then return {'zone', zone} end
  return nil
end

-- Returns the stored reply for a repeated key, a conflict for the same key with another request,
-- or nil for a first request.
local function replay_or_conflict()
  if H.idem == '' then return nil end
  local prior = redis.call('HMGET', H.idem_key, 'fp', 'res')
  if not prior[1] then return nil end
  if prior[1] == H.fp then return {'replay', prior[2]} end
  return {'conflict', ''}
end

local function remember(json)
  if H.idem ~= '' then
    redis.call('HSET', H.idem_key, 'fp', H.fp, 'res', json)
    redis.call('PEXPIRE', H.idem_key, H.idem_ttl)
  end
  return {'ok', json}
end

local function append_ledger(fields)
  redis.call('XADD', H.ledger, '*', 't', fields[1], 'ts', int(H.now), unpack(fields, 2))
end

local function load_reservation(key)
  local v = redis.call('HMGET', key, 'scope', 'amt', 'state', 'exp', 'rw')
  if not v[1] then return nil end
  return {scope = v[1], amount = tonumber(v[2]), state = v[3], exp = tonumber(v[4]), rw = v[5]}
end

-- Gives a reservation's amount back to the windows it was taken from and ends it.
local function end_reservation(key, rid, r, state)
  add_usage(layers_of(r.scope), split(r.rw, ','), 'reserved', -r.amount)
  redis.call('HSET', key, 'state', state, 'ended', int(H.now))
  redis.call('PEXPIRE', key, H.retention)
  redis.call('ZREM', H.rexp, rid)
end

local function expire_reservation(key, rid, r)
  end_reservation(key, rid, r, 'expired')
  append_ledger({'expire', 'rid', rid, 'scope', r.scope, 'dr', int(-r.amount), 'rw', r.rw})
end

-- Expires up to max reservations whose TTL has passed; returns how many were due.
local function expire_due(max)
  local due = redis.call('ZRANGEBYSCORE', H.rexp, '-inf', H.now, 'LIMIT', 0, max)
  for _, rid in ipairs(due) do
    local key = H.prefix .. 'r:' .. rid
    local r = load_reservation(key)
    if r and r.state == 'active' then
      expire_reservation(key, rid, r)
    else
      redis.call('ZREM', H.rexp, rid)
    end
  end
  return #due
end

-- Thresholds are percentages of a cap; the cap itself is the 100% mark. Each mark fires once per
-- scope, window instance and cap value, decided here so concurrent charges cannot both fire it.
local function threshold_level(cap, pct)
  local rest = cap % 100
  return ((cap - rest) / 100) * pct + math.ceil(rest * pct / 100)
end

local function fire_thresholds(limits, spent_now)
  for _, limit in ipairs(limits) do
    local before = limit.spent - spent_now
    local marks = split(limit.th, ',')
    marks[#marks + 1] = '100'
    for _, mark in ipairs(marks) do
      local pct = tonumber(mark)
      local level = threshold_level(limit.cap, pct)
      if level > 0 and before < level and limit.spent >= level then
        local fired = H.prefix .. 'th:' .. limit.scope .. '|' .. limit.id
        if redis.call('HSETNX', fired, mark .. '@' .. int(limit.cap), int(H.now)) == 1 then
          expire_with_window(fired, limit.id)
          redis.call('XADD', H.events, 'MAXLEN', '~', EVENTS_MAX_LENGTH, '*',
            'type', pct == 100 and 'budget.cap_reached' or 'budget.threshold_crossed',
            'scope', limit.scope, 'window', limit.window, 'window_id', limit.id,
            'threshold_pct', mark, 'cap', int(limit.cap), 'spent', int(limit.spent),
            'ts', int(H.now))
        end
      end
    end
  end
end

local function add_spend(layers, amount, tin, tcin, tout)
  local ids = current_windows()
  add_usage(layers, ids, 'spent', amount)
  add_usage(layers, ids, 'tin', tin)
  add_usage(layers, ids, 'tcin', tcin)
  add_usage(layers, ids, 'tout', tout)
end
