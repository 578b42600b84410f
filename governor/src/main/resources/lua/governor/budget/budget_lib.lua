-- Shared library of every tenant script (TenantScripts.compose puts it in each one's function
-- library, loaded once per server: see on_call below for what is set anew on every call).
--
-- Every key a script touches starts with the tenant prefix "gov:{tenant}:", so all of them hash to
-- one Redis Cluster slot. Amounts are integer micro-dollars; Lua numbers are doubles, exact up to
-- 2^53. MAX_COUNTER (Money.MAX_MICROS, 2^53 - 1, declared before this library by
-- TenantScripts.compose) bounds every amount, every counter and every spent + reserved: a script
-- that would take one past it answers 'counter_limit' before it saves anything (beyond_max()), so
-- counters are always exact and never wrap. Numbers leave the script as decimal strings formatted
-- with %d, never through tostring() or cjson, which would print 1e+15.
--
-- Layout (P = prefix):
--   P config        hash: 'zone', and '<scope>|<window>' = '<cap>' or '<cap>;<pct>,<pct>...' per cap
--   P u:<scope>     hash: usage counters of each window id ('life', 'dYYYYMMDD', 'mYYYYMM'):
--                   '<id>.s' spent, '<id>.r' reserved, '<id>.t' tokens as 'input,cached,output'
--                   (few fields per read: a script's cost grows with the fields it touches)
--   P r:<id>        hash: one reservation;  P rexp  zset: active reservations by expiry
--   P grant:<grant id>  string: what the active holds and the commits of the reservations made
--                   under one grant add up to, bounded by its cost cap (grant_refusal() for a hold,
--                   grant_overrun() for a commit); expires with the grant. The claim scripts'
--                   P revoked:<lease> ends every grant of a lease
--   P idem:<key>    string: request fingerprint, newline, stored JSON result
--   P ledger        stream: one entry per operation
--   P events        stream: budget events (thresholds crossed, caps reached); the claim path's
--                   breaker and escalation events go to their own stream (agent_lib.lua), so a
--                   storm of one kind can never trim the other's undelivered events
--   P policy        hash: the tenant's policy (see TenantPolicy); reserve reads 'dg:<model>', the
--                   downgrade advice for a model, as '<cheaper model>;<remaining percent>'
--   P th:<scope>|<window id>  hash: thresholds already fired in that window instance
--   P scopes        set: every scope whose usage counters a script created or that has a budget,
--                   at most H.max_scopes (admit(), put_budget.lua: a spend or a budget that would
--                   count one more is refused and writes nothing)
--   P scopes:sub    hash: '<scope>' = how many members of P scopes lie in that scope's subtree
--                   (itself included), for each scope below the tenant's root (subtree_room())
--   P wq:<n>        string: the records the tenant's requests were charged in the n-th hour since the
--                   epoch, at most H.records_per_hour (quota_refusal(); kept an hour past it)
--
-- Arguments are read by name, ARGV[ARG_<NAME>]: the constants come before this library, generated
-- from each script's declaration in Java (TenantScripts.HEADER, then the script's own). The
-- header: prefix, now (ms), zone the caller assumed, day and month window ids, oldest day and month
-- ids to keep, idempotency key ('' for none), request fingerprint, idempotency TTL (ms), retention
-- of finished records (ms), the most scopes the tenant may hold counters for, the most records its
-- requests may be charged in one QUOTA_WINDOW_MS (RECORDS and the window come before this library,
-- generated from RecordCharge).
-- Common keys, read by name as KEYS[KEY.<name>]: the table KEY comes before this library, generated
-- from TenantScripts.HeaderKey: config hash, idempotency record, ledger, events, reservation expiry
-- zset, reservation hash (the config hash when the operation has none).

-- A function library's locals outlive a call: what a call reads from its arguments is set at its
-- start, by the function on_call() registers (TenantScripts.compose declares on_call and runs
-- what was registered, in order, before each script's body). H.stamp is now as the decimal text
-- TenantScripts sent (a long, as Java writes it): what int(H.now) would make, for the ledger and
-- every record that keeps a time, without formatting it again each time.
local H, LAYERS, CURRENT_WINDOWS, CURRENT_WINDOWS_JOINED, ATTRIBUTION, CHARGED
on_call(function()
  H = {
    prefix = ARGV[ARG_PREFIX], now = tonumber(ARGV[ARG_NOW]), stamp = ARGV[ARG_NOW],
    zone = ARGV[ARG_ZONE],
    day = ARGV[ARG_DAY], month = ARGV[ARG_MONTH], day_cutoff = ARGV[ARG_OLDEST_DAY],
    month_cutoff = ARGV[ARG_OLDEST_MONTH], idem = ARGV[ARG_IDEMPOTENCY_KEY],
    fp = ARGV[ARG_FINGERPRINT], idem_ttl = tonumber(ARGV[ARG_IDEMPOTENCY_TTL]),
    retention = tonumber(ARGV[ARG_RETENTION]), max_scopes = tonumber(ARGV[ARG_MAX_SCOPES]),
    records_per_hour = tonumber(ARGV[ARG_RECORDS_PER_HOUR]),
    scopes = ARGV[ARG_PREFIX] .. 'scopes', config = KEYS[KEY.config],
    idem_key = KEYS[KEY.idempotency], ledger = KEYS[KEY.ledger], events = KEYS[KEY.events],
    rexp = KEYS[KEY.reservation_expiry], res_key = KEYS[KEY.reservation],
  }
  LAYERS = {}
  CURRENT_WINDOWS = {'life', H.day, H.month}
  CURRENT_WINDOWS_JOINED = table.concat(CURRENT_WINDOWS, ',')
  ATTRIBUTION = {}
  CHARGED = 0
end)

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

-- The scope and every ancestor, root first: "a/b/c" -> {"a", "a/b", "a/b/c"}. Kept per scope in
-- LAYERS for the rest of the call, as a script asks for the same scope's layers at several steps.
local function layers_of(scope)
  local layers = LAYERS[scope]
  if layers then return layers end
  local path
  layers = {}
  for segment in string.gmatch(scope, '[^/]+') do
    path = path and (path .. '/' .. segment) or segment
    layers[#layers + 1] = path
  end
  LAYERS[scope] = layers
  return layers
end

-- The window ids of now: CURRENT_WINDOWS and CURRENT_WINDOWS_JOINED, set once per call (read,
-- never changed).
local function current_windows()
  return CURRENT_WINDOWS
end

-- Window ids joined by commas, as a reservation and the ledger keep them, split back into a list.
local function windows_of(joined)
  if joined == CURRENT_WINDOWS_JOINED then return CURRENT_WINDOWS end
  return split(joined, ',')
end

local function window_id(window)
  if window == 'day' then return H.day elseif window == 'month' then return H.month end
  return 'life'
end

-- The window of a window id: 'life' -> 'lifetime', 'dYYYYMMDD' -> 'day', 'mYYYYMM' -> 'month'.
local function window_of(id)
  if id == 'life' then return 'lifetime' end
  return string.sub(id, 1, 1) == 'd' and 'day' or 'month'
end

-- Both lists, without repeats (a commit touches the windows of its reservation and of now).
local function union(a, b)
  if a == b then return a end
  local seen, all = {}, {}
  for _, list in ipairs({a, b}) do
    for _, id in ipairs(list) do
      if not seen[id] then seen[id] = true; all[#all + 1] = id end
    end
  end
  return all
end

-- Usage of the given layers in the given windows: one HMGET per layer now, one HSET per changed
-- layer in save(), however many changes a script makes in between. Token counters are read only
-- when the script records tokens. A cell holds its counters and marks which of them changed (ds,
-- dr, dt), so that save() writes only those and beyond_max() checks only those: a counter the
-- script did not change was within MAX_COUNTER when it was saved. Counters are decimal strings
-- this library wrote: "+ 0" converts one at once, where tonumber() parses it twice (tonumber()
-- took 6% of the instructions Redis runs for a reserve + commit).
local function load_usage(layers, ids, with_tokens)
  local names = {}
  for _, id in ipairs(ids) do
    names[#names + 1] = id .. '.s'
    names[#names + 1] = id .. '.r'
    if with_tokens then names[#names + 1] = id .. '.t' end
  end
  local usage = {}
  for _, layer in ipairs(layers) do
    local key = H.prefix .. 'u:' .. layer
    local v = redis.call('HMGET', key, unpack(names))
    local cells, i = {}, 1
    for _, id in ipairs(ids) do
      local s, r = v[i], v[i + 1]
      local cell = {new = not (s or r), spent = (s or 0) + 0, reserved = (r or 0) + 0}
      i = i + 2
      if with_tokens then
        local t = v[i]
        if t then
          local a, b, c = string.match(t, '^(%d+),(%d+),(%d+)$')
          cell.tin, cell.tcin, cell.tout = a + 0, b + 0, c + 0
        else
          cell.tin, cell.tcin, cell.tout = 0, 0, 0
        end
        i = i + 1
      end
      cells[id] = cell
    end
    usage[layer] = {key = key, ids = ids, cells = cells, opened = false}
  end
  return usage
end

local CHANGED = {spent = 'ds', reserved = 'dr', tin = 'dt', tcin = 'dt', tout = 'dt'}

local function bump(usage, layers, ids, field, delta)
  if delta == 0 then return end
  local mark = CHANGED[field]
  for _, layer in ipairs(layers) do
    local u = usage[layer]
    for _, id in ipairs(ids) do
      local cell = u.cells[id]
      cell[field] = cell[field] + delta
      cell[mark] = true
      if cell.new and id ~= 'life' then u.opened = true end
    end
  end
end

-- The first changed counter of a cell (or its spent + reserved) above MAX_COUNTER, or nil. A sum
-- of two exact counters may round, but never across MAX_COUNTER + 1 = 2^53, which a double holds:
-- so each counter is compared first, then the sum as 'spent > MAX_COUNTER - reserved', exactly.
local function beyond(cell)
  if cell.ds and cell.spent > MAX_COUNTER then return 'spent' end
  if cell.dr and cell.reserved > MAX_COUNTER then return 'reserved' end
  if cell.dt then
    if cell.tin > MAX_COUNTER then return 'tin' end
    if cell.tcin > MAX_COUNTER then return 'tcin' end
    if cell.tout > MAX_COUNTER then return 'tout' end
  end
  if (cell.ds or cell.dr) and cell.spent > MAX_COUNTER - cell.reserved then
    return 'spent+reserved'
  end
  return nil
end

-- Nil when every counter the script changed in usage stays within MAX_COUNTER; otherwise the
-- 'counter_limit' reply naming the first one that would not (root layer first). A script returns
-- that reply before it saves anything, so a refused operation writes nothing.
local function beyond_max(usage, layers)
  for _, layer in ipairs(layers) do
    local u = usage[layer]
    for _, id in ipairs(u.ids) do
      local counter = beyond(u.cells[id])
      if counter then
        return {'counter_limit', cjson.encode({scope = layer, window = window_of(id),
          window_id = id, counter = counter, max = int(MAX_COUNTER)})}
      end
    end
  end
  return nil
end

-- The layers of usage that have no lifetime counters and that the tenant's scope set does not
-- list: the scopes whose counters this call would create. Lifetime counters are never dropped, so
-- a layer that has them was counted already (or before the set was kept); only a new layer costs a
-- SISMEMBER.
local function new_scopes(usage, layers)
  local fresh = {}
  for depth, layer in ipairs(layers) do
    local life = usage[layer].cells.life
    if life and life.new and redis.call('SISMEMBER', H.scopes, layer) == 0 then
      fresh[#fresh + 1] = depth
    end
  end
  return fresh
end

-- What the subtree of a scope at depth (the tenant's root is 1) may hold of a tenant-wide
-- bound: the whole bound at the root, half of its parent's share below it, at least one. A
-- principal confined to a subtree can fill its share and no more, so its parent keeps at least as
-- much again for the siblings and itself: one team's agent cannot lock the others out of the
-- tenant's scopes or keys.
local function subtree_share(depth, bound)
  local share = bound
  for _ = 2, depth do share = math.floor(share / 2) end
  return math.max(share, 1)
end

-- How many of the depths in fresh lie at or below depth j: the members added to layer j's subtree.
local function added_under(fresh, j)
  local added = 0
  for _, depth in ipairs(fresh) do
    if depth >= j then added = added + 1 end
  end
  return added
end

-- Nil when layers (root first) have room for members added at the depths in fresh (ascending):
-- each layer j counts those at depth >= j against its share of bound, the root reading
-- root_count, the others their fields of the hash counts. Otherwise the first layer without room,
-- root first, and its share. Writes nothing.
local function subtree_full(counts, layers, fresh, root_count, bound)
  for j = 1, #layers do
    local added = added_under(fresh, j)
    if added == 0 then return nil end
    local held = j == 1 and root_count or tonumber(redis.call('HGET', counts, layers[j]) or '0')
    local share = subtree_share(j, bound)
    if held + added > share then return layers[j], share end
  end
  return nil
end

-- Counts members added (delta each, at the depths in fresh; negative for members removed) in the
-- hash counts of every layer below the root whose subtree holds them. A count that reaches zero is
-- dropped (members counted before the hash was kept would take it below).
local function subtree_count(counts, layers, fresh, delta)
  for j = 2, #layers do
    local added = added_under(fresh, j) * delta
    if added ~= 0 and redis.call('HINCRBY', counts, layers[j], added) <= 0 then
      redis.call('HDEL', counts, layers[j])
    end
  end
end

-- Nil after adding the layers at the depths in fresh to the tenant's scope set, when the tenant
-- and every subtree they lie in have room for them (subtree_share of H.max_scopes); otherwise the
-- 'scope_limit' reply naming the first new scope and the full subtree, writing nothing.
local function take_scopes(layers, fresh)
  local counts = H.scopes .. ':sub'
  local full, share =
    subtree_full(counts, layers, fresh, redis.call('SCARD', H.scopes), H.max_scopes)
  if full then
    return {'scope_limit', cjson.encode({scope = layers[fresh[1]], subtree = full,
      max = int(share), tenant_max = int(H.max_scopes)})}
  end
  local added = {}
  for i, depth in ipairs(fresh) do added[i] = layers[depth] end
  redis.call('SADD', H.scopes, unpack(added))
  subtree_count(counts, layers, fresh, 1)
  return nil
end

-- Nil when the script may save usage: every changed counter stays within MAX_COUNTER
-- (beyond_max) and the scopes it would create fit the tenant's and their subtrees' shares of
-- H.max_scopes (take_scopes), which are then counted. Otherwise the reply refusing it
-- ('counter_limit' or 'scope_limit'), before anything is written. Lifetime counters never roll
-- over, so without this bound every fresh sub-scope a caller names would leave permanent keys for
-- a micro-dollar.
local function admit(usage, layers)
  local over = beyond_max(usage, layers)
  if over then return over end
  local fresh = new_scopes(usage, layers)
  if #fresh == 0 then return nil end
  return take_scopes(layers, fresh)
end

-- Drops counters of day and month windows older than the retention; runs only when a layer opens
-- a new window, so at most once a day per layer.
local function prune(key)
  local stale = {}
  for _, name in ipairs(redis.call('HKEYS', key)) do
    local id = string.match(name, '^([dm]%d+)%.')
    if id and ((string.sub(id, 1, 1) == 'd' and id < H.day_cutoff)
        or (string.sub(id, 1, 1) == 'm' and id < H.month_cutoff)) then
      stale[#stale + 1] = name
    end
  end
  if #stale > 0 then redis.call('HDEL', key, unpack(stale)) end
end

local function save(usage)
  for _, u in pairs(usage) do
    local args = {}
    for _, id in ipairs(u.ids) do
      local cell = u.cells[id]
      if cell.ds then
        args[#args + 1] = id .. '.s'
        args[#args + 1] = int(cell.spent)
      end
      if cell.dr then
        args[#args + 1] = id .. '.r'
        args[#args + 1] = int(cell.reserved)
      end
      if cell.dt then
        args[#args + 1] = id .. '.t'
        args[#args + 1] = string.format('%d,%d,%d', cell.tin, cell.tcin, cell.tout)
      end
    end
    if #args > 0 then
      redis.call('HSET', u.key, unpack(args))
      if u.opened then prune(u.key) end
    end
  end
end

-- The tenant of this call, named in the ledger entries of tenant-wide changes (zone, policy, the
-- registry's), read from the key prefix only by the scripts that write one.
local function call_tenant()
  return string.match(H.prefix, '^gov:{(.*)}:$')
end

-- The tenant's zone (false when the tenant is unknown) and the caps of the given layers, read in
-- one step.
local function read_config(layers)
  local names = {'zone'}
  for _, layer in ipairs(layers) do
    for _, window in ipairs(WINDOWS) do
      names[#names + 1] = layer .. '|' .. window
    end
  end
  local v = redis.call('HMGET', H.config, unpack(names))
  local caps, i = {}, 2
  for _, layer in ipairs(layers) do
    for _, window in ipairs(WINDOWS) do
      if v[i] then
        local cap, thresholds = string.match(v[i], '^(%d+);?(.*)$')
        caps[#caps + 1] = {scope = layer, window = window, id = window_id(window),
                           cap = tonumber(cap), th = thresholds}
      end
      i = i + 1
    end
  end
  return v[1], caps
end

-- Reads the tenant's zone and the caps of the given layers in one step. Returns nil and a reply
-- when the tenant is unknown (naming the scope looked up, the last layer: the caller's subject may
-- be a reservation or a lease) or the caller computed windows in a stale zone.
local function load_config(layers)
  local zone, caps = read_config(layers)
  if not zone then return nil, {'unknown_tenant', layers[#layers]} end
  if zone ~= H.zone then return nil, {'zone', zone} end
  return caps, nil
end

-- Binds each cap to the usage cell it limits.
local function bind(caps, usage)
  for _, cap in ipairs(caps) do cap.cell = usage[cap.scope].cells[cap.id] end
  return caps
end

-- Binds each cap to the usage cell of its window among ids (a reservation's window ids, which may
-- be of a day or month that has ended since), rather than of the window of now as bind() does.
local function bind_windows(caps, usage, ids)
  local id_of = {}
  for _, id in ipairs(ids) do id_of[window_of(id)] = id end
  for _, cap in ipairs(caps) do
    cap.id = id_of[cap.window]
    cap.cell = usage[cap.scope].cells[cap.id]
  end
  return caps
end

-- Each limit as an array in the order LAYER gives (generated before this library from
-- ScriptReply.LAYER_FIELDS): half the size of an object, in every reply and idempotency record.
local function encode_limits(limits)
  local out = {}
  for i, limit in ipairs(limits) do
    local layer = {}
    layer[LAYER.scope] = limit.scope
    layer[LAYER.window] = limit.window
    layer[LAYER.cap] = int(limit.cap)
    layer[LAYER.spent] = int(limit.cell.spent)
    layer[LAYER.reserved] = int(limit.cell.reserved)
    out[i] = layer
  end
  return out
end

-- The tenant's write quota: the records its requests leave for hours or days (idempotency records,
-- reservation, lease and task records, grant revocations, ledger entries) counted per fixed window
-- of QUOTA_WINDOW_MS, at most H.records_per_hour. A request that opens something is charged what
-- it and its settlement write at most (RECORDS.<name>, from RecordCharge), so a settlement is
-- charged nothing (RECORDS.prepaid) and never refused; a change to the tenant's configuration is
-- charged its ledger entry (RECORDS.change, record_change()).
local function quota_window()
  return math.floor(H.now / QUOTA_WINDOW_MS)
end

local function quota_key(window)
  return H.prefix .. 'wq:' .. int(window)
end

-- Nil, noting the charge for remember(), when the quota's current window has room for records;
-- otherwise the 'write_quota' refusal with how long until the window ends. Writes nothing.
local function quota_refusal(records)
  if records == 0 then return nil end
  local window = quota_window()
  local used = tonumber(redis.call('GET', quota_key(window)) or '0')
  if used + records <= H.records_per_hour then
    CHARGED = records
    return nil
  end
  return {'write_quota', cjson.encode({max = int(H.records_per_hour), used = int(used),
    records = int(records), retry_after_ms = int((window + 1) * QUOTA_WINDOW_MS - H.now)})}
end

-- Counts the charge quota_refusal() admitted, when the request has written its records, or
-- records, when a request wrote fewer than it was admitted for (a refused claim: claim.lua). The
-- counter lives until an hour after its window ends (by the caller's clock, which Redis's may not
-- match exactly).
local function pay_charge(records)
  local charge = records or CHARGED
  if charge == 0 then return end
  local window = quota_window()
  local key = quota_key(window)
  if redis.call('INCRBY', key, charge) == charge then
    redis.call('PEXPIRE', key, int((window + 2) * QUOTA_WINDOW_MS - H.now))
  end
end

-- Counts what a request that ends without the records it asked room for did write (records, at
-- most the charge quota_refusal() admitted): a claim that finds no agent writes its escalation
-- event, not a lease. A refusal that leaves a record behind is charged it, like any write, so
-- repeating it cannot fill the tenant's streams past its quota.
local function pay_written(records)
  CHARGED = math.min(CHARGED, records)
  pay_charge()
end

-- Returns the stored reply for a repeated key, a conflict for the same key with another request,
-- the 'write_quota' refusal when the tenant's write quota has no room for the records this request
-- is charged (RECORDS.<name>), or nil for a first request that may go ahead: every script that
-- remembers its answer asks this before it writes anything. A repeat is answered free.
-- An idempotency record is '<fingerprint>\n<answer>'. One with no answer is a call released
-- unmade (release.lua, forget_key): the key stays bound to its request, so the same request again
-- is a new call (charged again) and any other is a conflict.
local function replay_or_refusal(records)
  local stored = H.idem ~= '' and redis.call('GET', H.idem_key)
  if stored then
    local newline = string.find(stored, '\n', 1, true)
    if string.sub(stored, 1, newline - 1) ~= H.fp then return {'conflict', ''} end
    if newline < #stored then return {'replay', string.sub(stored, newline + 1)} end
  end
  return quota_refusal(records)
end

-- Stores the answer under the request's idempotency key, if any, and counts the request's charge.
local function remember(json)
  if H.idem ~= '' then
    redis.call('SET', H.idem_key, H.fp .. '\n' .. json, 'PX', H.idem_ttl)
  end
  pay_charge()
  return {'ok', json}
end

-- Who made an LLM call (CallAttribution: key id, provider, latency, outcome): set by the scripts
-- that take an attribution argument group; written into the ledger entry of their own operation
-- only, never into the entries of reservations a script expires on the way.
local ATTRIBUTION_FIELDS = {'kid', 'prov', 'lat_ms', 'out'}
local function attribute(group)
  for _, name in ipairs(ATTRIBUTION_FIELDS) do
    local value = ARGV[group[name]]
    if value ~= '' then
      ATTRIBUTION[#ATTRIBUTION + 1] = name
      ATTRIBUTION[#ATTRIBUTION + 1] = value
    end
  end
end

-- The value of one attribution field this script was given, or nil.
local function attributed(name)
  for i = 1, #ATTRIBUTION, 2 do
    if ATTRIBUTION[i] == name then return ATTRIBUTION[i + 1] end
  end
  return nil
end

local function append_ledger(fields, attribution)
  for _, value in ipairs(attribution or {}) do fields[#fields + 1] = value end
  redis.call('XADD', H.ledger, '*', 't', fields[1], 'ts', H.stamp, unpack(fields, 2))
end

-- Appends the ledger entry of a change to the tenant's configuration (a budget, its zone, its
-- policy, an agent) and counts its charge. The script asked quota_refusal(RECORDS.change) before it
-- wrote anything, once it knew the request changes something: an exact repeat of what is stored
-- writes nothing, so it records nothing and is free.
local function record_change(fields)
  append_ledger(fields)
  pay_charge()
end

-- A reservation's fields; lease and holder are false when it has none (see settled_by_other()),
-- grant (the key of its grant's counter, see hold_grant()), gcap (that grant's cost cap) and kid
-- (the virtual key it was made with) too; by is 'expiry' when its expiry committed it
-- (commit_at_expiry()) and false otherwise; released_at is when its holder released it after its
-- expiry (close_expired()), false otherwise.
local function load_reservation(key)
  local v = redis.call('HMGET', key, 'scope', 'amt', 'state', 'exp', 'rw', 'lease', 'pv', 'holder',
    'model', 'by', 'grant', 'kid', 'gcap', 'released_at')
  if not v[1] then return nil end
  return {scope = v[1], amount = tonumber(v[2]), state = v[3], exp = tonumber(v[4]),
          rw = windows_of(v[5]), lease = v[6], pv = v[7] or '0', holder = v[8],
          model = v[9] or '', by = v[10], grant = v[11], kid = v[12], gcap = tonumber(v[13]),
          released_at = v[14]}
end

-- True for a hold a service made (ReservationHolder#service, whose prefix SERVICE_HOLDER_PREFIX
-- comes before this library: the gateway's, the chassis's). A service makes the call upstream
-- itself once it holds the worst case, so such a hold still active at its expiry is of a call a
-- provider may have billed whose settlement never reached Redis: its expiry commits it.
local function held_by_service(r)
  return r.holder and string.sub(r.holder, 1, #SERVICE_HOLDER_PREFIX) == SERVICE_HOLDER_PREFIX
end

-- The counter of a grant (ReserveRequest.grant, signed by this governor): what its active holds
-- and its commits add up to, which its cost cap bounds, across every call made under it.
local function grant_key(grant_id)
  return H.prefix .. 'grant:' .. grant_id
end

-- The refusal of a hold of amount until expires_at (ms) under a grant, or nil: its lease ended
-- (the claim scripts' revocation, GrantRevocation.java), the hold would outlive it (until_ms), or
-- its counter plus amount would pass its cap. Writes nothing.
local function grant_refusal(counter, lease, cap, until_ms, amount, expires_at)
  local revoked = redis.call('GET', H.prefix .. 'revoked:' .. lease)
  if revoked then return {'grant_revoked', revoked} end
  if expires_at > until_ms then return {'grant_expires_first', int(until_ms)} end
  local used = tonumber(redis.call('GET', counter) or '0')
  if used + amount > cap then return {'grant_capped', int(math.max(cap - used, 0))} end
  return nil
end

-- Counts reservation rid's hold of amount on its grant's counter, which lives as long as the grant
-- (no hold outlives it: grant_refusal()), and names the counter and the grant's cost cap in the
-- reservation, for its commit is held to that cap too (grant_overrun()). The lifetime is relative to
-- H.now, the injected clock's, never Redis's own.
local function hold_grant(counter, rid, amount, cap, until_ms)
  redis.call('INCRBY', counter, int(amount))
  redis.call('PEXPIRE', counter, int(math.max(until_ms - H.now, 1)))
  redis.call('HSET', H.prefix .. 'r:' .. rid, 'grant', counter, 'gcap', int(cap))
end

-- The refusal of a settlement of r that would move its grant's counter up by delta past the
-- grant's cost cap, or nil; writes nothing. Checking the hold alone let a commit above it (or a late
-- one) add its whole cost to the counter: four holds of 1,000 under a cap of 5,000 committed 16,000.
-- The refusal ('grant_commit_capped') names what the cap has left and the most r may be committed
-- at: its hold while it is active (the counter counts it already, so that is always allowed) plus
-- what is left. A counter gone with its grant has nothing left, nor has a hold recorded without its
-- cap (fail closed: its cap is unknown here).
local function grant_overrun(r, delta)
  if not r.grant or delta <= 0 then return nil end
  local used = redis.call('GET', r.grant)
  local left = (used and r.gcap) and math.max(r.gcap - tonumber(used), 0) or 0
  if delta <= left then return nil end
  local held = r.state == 'active' and r.amount or 0
  return {'grant_commit_capped',
          cjson.encode({max_commit = int(held + left), remaining = int(left)})}
end

-- Moves r's grant counter by delta as its hold ends (given back, or replaced by its actual cost,
-- which grant_overrun() admitted); a counter gone with its grant stays gone.
local function settle_grant(r, delta)
  if r.grant and delta ~= 0 and redis.call('EXISTS', r.grant) == 1 then
    redis.call('INCRBY', r.grant, int(delta))
  end
end

-- The refusal of a commit or release of r by holder (ReservationHolder: '' for a caller that holds
-- nothing), or nil when it may settle r: a claim's hold is settled by its lease's finish alone, a
-- hold with a holder by that holder alone. A hold without either (one recorded before holders
-- were) is settled by anyone whose subtree covers its scope, checked before.
local function settled_by_other(r, holder)
  if r.lease then return {'held_by_lease', r.lease} end
  if r.holder and r.holder ~= holder then return {'held_by_another', ''} end
  return nil
end

-- True if scope is within (equal to or below) the subtree; '' means no restriction.
local function within(scope, subtree)
  return subtree == '' or scope == subtree or string.sub(scope, 1, #subtree + 1) == subtree .. '/'
end

-- Marks a reservation finished; its record stays readable for the retention period.
local function finish_reservation(key, rid, fields)
  redis.call('HSET', key, 'ended', H.stamp, unpack(fields))
  redis.call('PEXPIRE', key, H.retention)
  redis.call('ZREM', H.rexp, rid)
end

-- Appends one event (type, then name/value pairs, then the time) to one of the tenant's event
-- streams, which keeps about the last EVENTS_MAX_LENGTH events.
local function append_event(stream, type, fields)
  local args = {'type', type}
  for _, value in ipairs(fields) do args[#args + 1] = value end
  args[#args + 1] = 'ts'
  args[#args + 1] = H.stamp
  redis.call('XADD', stream, 'MAXLEN', '~', EVENTS_MAX_LENGTH, '*', unpack(args))
end

-- Appends a budget event to the tenant's budget events stream.
local function emit_event(type, fields)
  append_event(H.events, type, fields)
end

-- Thresholds are percentages of a cap; the cap itself is the 100% mark. Each mark fires once per
-- scope, window instance and cap value, decided here so concurrent charges cannot both fire it.
local function threshold_level(cap, pct)
  local rest = cap % 100
  return ((cap - rest) / 100) * pct + math.ceil(rest * pct / 100)
end

-- True when a spend from before to after reaches level: takes it across, or, for a mark at 0 (a
-- cap of 0 and its thresholds), is the window's first spend (after > before is the caller's).
local function reaches(before, after, level)
  return after >= level and (before < level or before == 0)
end

-- Fires, once each, the marks of limit that a spend from before to after reached. Marks are at
-- most the cap (thresholds are 1..99 percent), so a limit whose spend was already past its cap (a
-- cap of 0: had any spend) reaches none; a limit without thresholds has only the cap's own mark.
local function fire_marks(limit, before, after)
  if not (before < limit.cap or before == 0) then return end
  if limit.th == '' and after < limit.cap then return end
  local marks = split(limit.th, ',')
  marks[#marks + 1] = '100'
  for _, mark in ipairs(marks) do
    local pct = tonumber(mark)
    if reaches(before, after, threshold_level(limit.cap, pct)) then
      local fired = H.prefix .. 'th:' .. limit.scope .. '|' .. limit.id
      if redis.call('HSETNX', fired, mark .. '@' .. int(limit.cap), H.stamp) == 1 then
        if limit.id ~= 'life' then redis.call('PEXPIRE', fired, 400 * 86400000) end
        emit_event(pct == 100 and 'budget.cap_reached' or 'budget.threshold_crossed',
          {'scope', limit.scope, 'window', limit.window, 'window_id', limit.id,
           'threshold_pct', mark, 'cap', int(limit.cap), 'spent', int(after)})
      end
    end
  end
end

-- Fires the marks that spent_now took a limit across.
local function fire_thresholds(limits, spent_now)
  if spent_now <= 0 then return end
  for _, limit in ipairs(limits) do
    local after = limit.cell.spent
    fire_marks(limit, after - spent_now, after)
  end
end

-- Fires the marks of scope's own caps that the spend already counted in their current windows is
-- past, as the spend that counted it would have (each once: a mark already fired stays quiet). A
-- budget put (put_budget.lua) after the spend, a cap lowered to or below it, or a cap of 0 once
-- anything was spent, leaves marks behind that no later spend would take across.
local function fire_reached(scope)
  local caps = load_config({scope})
  local usage = load_usage({scope}, current_windows(), false)
  for _, limit in ipairs(bind(caps, usage)) do
    if limit.cell.spent > 0 then fire_marks(limit, 0, limit.cell.spent) end
  end
end

-- Records that a reservation expired: its state and the ledger entry. The caller gives the hold
-- back to the usage counters.
local function record_expiry(key, rid, r)
  finish_reservation(key, rid, {'state', 'expired'})
  append_ledger({'expire', 'rid', rid, 'scope', r.scope, 'dr', int(-r.amount),
    'rw', table.concat(r.rw, ',')})
end

-- Commits a service's hold still active at its expiry (held_by_service()) at its whole amount, the
-- worst case the call was allowed before it was made: the provider bills a call whose commit never
-- came, and the budget must see it. The hold becomes spend in the windows it was held in, so no cap
-- of theirs is passed (each cell's spent + reserved stays what it was) and no counter can pass
-- MAX_COUNTER; the marks it takes spend across fire as a commit's do. The ledger's commit entry
-- and the record say by = 'expiry'; a commit arriving later is answered as settled
-- (settled_at_expiry()), never charged again.
local function commit_at_expiry(key, rid, r)
  local layers = layers_of(r.scope)
  local usage = load_usage(layers, r.rw, false)
  bump(usage, layers, r.rw, 'reserved', -r.amount)
  bump(usage, layers, r.rw, 'spent', r.amount)
  save(usage)
  local _, caps = read_config(layers)
  fire_thresholds(bind_windows(caps, usage, r.rw), r.amount)
  local amount, windows = int(r.amount), table.concat(r.rw, ',')
  finish_reservation(key, rid,
    {'state', 'committed', 'actual', amount, 'late', '0', 'by', 'expiry'})
  append_ledger({'commit', 'rid', rid, 'scope', r.scope, 'amt', amount, 'dr', int(-r.amount),
    'rw', windows, 'ds', amount, 'sw', windows, 'model', r.model, 'pv', r.pv, 'ovr', '0',
    'late', '0', 'by', 'expiry'}, r.kid and {'kid', r.kid} or nil)
end

-- Ends a reservation still active at its expiry and returns its state then: a service's hold is
-- committed at its amount (commit_at_expiry()), any other's is released (an agent's, a claim's:
-- its holder reports what it spent, or did not make the call).
local function expire_reservation(key, rid, r)
  if held_by_service(r) then
    commit_at_expiry(key, rid, r)
    return 'committed'
  end
  local layers = layers_of(r.scope)
  local usage = load_usage(layers, r.rw, false)
  bump(usage, layers, r.rw, 'reserved', -r.amount)
  save(usage)
  settle_grant(r, -r.amount)
  record_expiry(key, rid, r)
  return 'expired'
end

-- Records that r's holder released it after its expiry had given its hold back: a late commit is
-- refused from then on (commit_reservation()), on every node, as for a hold released while active.
-- Its record keeps the first such release; nothing is given back, as nothing is held.
local function close_expired(key, r)
  if not r.released_at then redis.call('HSET', key, 'released_at', H.stamp) end
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

-- Spends amount and the tokens in the windows of now on every layer: one pass over the cells, as
-- bump() per counter would make four.
local function add_spend(usage, layers, amount, tin, tcin, tout)
  local spends, counts = amount ~= 0, tin ~= 0 or tcin ~= 0 or tout ~= 0
  if not (spends or counts) then return end
  for _, layer in ipairs(layers) do
    local u = usage[layer]
    for _, id in ipairs(CURRENT_WINDOWS) do
      local cell = u.cells[id]
      if spends then
        cell.spent, cell.ds = cell.spent + amount, true
      end
      if counts then
        cell.tin, cell.tcin, cell.tout = cell.tin + tin, cell.tcin + tcin, cell.tout + tout
        cell.dt = true
      end
      if cell.new and id ~= 'life' then u.opened = true end
    end
  end
end

-- Holds amount on scope and every budgeted ancestor, all or nothing (shared by reserve.lua and any
-- script that reserves as part of a larger step). caps come from load_config(layers_of(scope)).
-- Returns (result table, nil, nil, limits) when held, (nil, denial table) when a layer refused, or
-- (nil, nil, counter_limit reply) when a layer's counters would pass MAX_COUNTER; only a hold
-- writes. A caller that answers with the layers adds encode_limits(limits) to the result; a claim,
-- whose answer has none, does not pay for them. holder (ReservationHolder), when given and not '',
-- is the one who may settle the reservation (settled_by_other()); a claim's hold has its lease.
local function hold(caps, rid, scope, amount, expires_at, model, pricing_version, ein, eout,
                    holder)
  local layers = layers_of(scope)
  local ids = current_windows()
  local usage = load_usage(layers, ids, false)
  local limits = bind(caps, usage)
  local refusals = {}
  for _, limit in ipairs(limits) do
    local remaining = limit.cap - limit.cell.spent - limit.cell.reserved
    if remaining < amount then
      refusals[#refusals + 1] = {scope = limit.scope, window = limit.window,
                                 shortfall = int(amount - math.max(remaining, 0))}
    end
  end
  if #refusals > 0 then
    return nil, {refusals = refusals, layers = encode_limits(limits)}
  end

  bump(usage, layers, ids, 'reserved', amount)
  local over = admit(usage, layers)
  if over then return nil, nil, over end
  save(usage)
  local windows = CURRENT_WINDOWS_JOINED
  local key = H.prefix .. 'r:' .. rid
  local amount_text, expires_text = int(amount), int(expires_at)
  local fields = {'scope', scope, 'amt', amount_text, 'state', 'active',
    'exp', expires_text, 'rw', windows, 'model', model, 'pv', pricing_version,
    'created', H.stamp, 'key', H.idem}
  if holder and holder ~= '' then
    fields[#fields + 1] = 'holder'
    fields[#fields + 1] = holder
  end
  -- The call's key id, for the ledger entry of a commit its expiry makes (commit_at_expiry()).
  local kid = attributed('kid')
  if kid then
    fields[#fields + 1] = 'kid'
    fields[#fields + 1] = kid
  end
  redis.call('HSET', key, unpack(fields))
  redis.call('ZADD', H.rexp, expires_at, rid)
  append_ledger({'reserve', 'rid', rid, 'scope', scope, 'amt', amount_text, 'dr', amount_text,
    'rw', windows, 'model', model, 'pv', pricing_version, 'ein', ein, 'eout', eout,
    'key', H.idem}, ATTRIBUTION)
  return {rid = rid, amount = amount_text, expires_at = expires_text}, nil, nil, limits
end

-- Moves the expiry of an active reservation (a claim's lease was extended by a heartbeat).
local function extend_reservation(key, rid, expires_at)
  redis.call('HSET', key, 'exp', int(expires_at))
  redis.call('ZADD', H.rexp, expires_at, rid)
end

-- The actual cost of a commit from a spend argument group (TenantScripts.SPEND, filled by
-- PricedSpend.putArgs): amount, input, cached input and output tokens, model, pricing version.
local function spend_of(group)
  return {amount = tonumber(ARGV[group.amount]), tin = ARGV[group.input_tokens],
          tcin = ARGV[group.cached_input_tokens], tout = ARGV[group.output_tokens],
          model = ARGV[group.model], pv = ARGV[group.pricing_version]}
end

-- A commit's tokens are priced at the catalogue version its reservation was priced at, which only
-- the reservation knows: the engine prices them at the current version (PricedSpend: -1 when that
-- version does not list the model; a fixed amount has version 0 and is never repriced). Returns
-- {'reprice', version} when spend must be priced again at version (0: at the current catalogue, for
-- a reservation no catalogue priced), or nil when spend may settle r: it is an amount, it is priced
-- at r's version, or settles (the version the engine was told to price at, '' on a first attempt)
-- is r's version (the engine priced at it, or at the current catalogue when it does not list the
-- model). Runs before the caller writes anything, so the retry starts from the same state.
local function repricing(r, spend, settles)
  if spend.pv == '0' or settles == r.pv then return nil end
  if r.pv == '0' then return spend.pv == '-1' and {'reprice', '0'} or nil end
  if spend.pv == r.pv then return nil end
  return {'reprice', r.pv}
end

-- The answer to a commit of r after its expiry committed it (commit_at_expiry()): settled already,
-- charged its whole amount then, nothing charged now; the limits are the layers' windows of now.
local function settled_at_expiry(rid, r, caps)
  local amount = int(r.amount)
  local limits = bind(caps, load_usage(layers_of(r.scope), current_windows(), false))
  return {rid = rid, scope = r.scope, reserved = amount, actual = amount, released = '0',
          overage = false, late = true, by_expiry = true}, nil, nil, limits
end

-- Settles reservation r (stored at key) with spend: the hold is given back to the windows it was
-- taken from and the actual cost is spent in the current windows. A cost above the hold is recorded
-- all the same (the money is gone) and flagged as overage; a commit after expiry is a late commit
-- (an active reservation past its expiry is expired first, as the ledger then says). A service's
-- hold is committed by its expiry (commit_at_expiry()), so a commit of one after it charges
-- nothing more: it is answered as settled at expiry (settled_at_expiry()), exactly one charge per
-- reservation whichever of the two reaches Redis first. With
-- charge_ended (a service's commit: the call was made, and the service settles it once), a hold
-- already released or committed, by someone else then, is committed late as well: its spend is
-- charged, never lost.
-- A hold its holder released after its expiry (close_expired()) takes no late commit either, as
-- one released while active does not. Under a grant, a spend that would take the grant's counter
-- past its cost cap is refused (grant_overrun()), and the hold stays as it is.
-- Shared by commit.lua and the claim path's finish. caps come from load_config(layers_of(r.scope)).
-- Returns (result table, nil, nil, limits), (nil, state) when the reservation had already ended
-- otherwise, or (nil, nil, refusal reply) when the spend would take a counter past MAX_COUNTER
-- ('counter_limit') or its grant past its cap ('grant_commit_capped'); only a commit writes. As
-- with hold(), a caller that answers with the layers adds encode_limits(limits) to the result.
local function commit_reservation(key, rid, r, caps, spend, charge_ended)
  if r.state == 'active' and r.exp <= H.now and held_by_service(r) then
    commit_at_expiry(key, rid, r)
    r.by = 'expiry'
  end
  if r.by == 'expiry' then return settled_at_expiry(rid, r, caps) end
  local closed = r.state ~= 'active' and (r.state ~= 'expired' or r.released_at)
  if closed and not charge_ended then return nil, r.released_at and 'released' or r.state end
  local grant_delta = r.state == 'active' and spend.amount - r.amount or spend.amount
  local capped = grant_overrun(r, grant_delta)
  if capped then return nil, nil, capped end
  local layers, actual = layers_of(r.scope), spend.amount
  local due = r.state == 'active' and r.exp <= H.now
  local late = due or r.state ~= 'active'
  -- Token counters are read only when the spend has tokens to add to them (a claim's finish
  -- usually reports an amount alone).
  local tin, tcin, tout = tonumber(spend.tin), tonumber(spend.tcin), tonumber(spend.tout)
  local counts = tin ~= 0 or tcin ~= 0 or tout ~= 0
  local usage = load_usage(layers, union(r.rw, current_windows()), counts)
  if r.state == 'active' then bump(usage, layers, r.rw, 'reserved', -r.amount) end
  add_spend(usage, layers, actual, tin, tcin, tout)
  local over = admit(usage, layers)
  if over then return nil, nil, over end
  if due then record_expiry(key, rid, r) end
  local limits = bind(caps, usage)
  save(usage)
  settle_grant(r, grant_delta)
  fire_thresholds(limits, actual)
  local actual_text = int(actual)
  finish_reservation(key, rid,
    {'state', 'committed', 'actual', actual_text, 'late', late and '1' or '0'})

  local released = late and 0 or math.max(r.amount - actual, 0)
  local overage = actual > r.amount
  append_ledger({'commit', 'rid', rid, 'scope', r.scope, 'amt', actual_text,
    'dr', late and '0' or int(-r.amount), 'rw', table.concat(r.rw, ','), 'ds', actual_text,
    'sw', CURRENT_WINDOWS_JOINED, 'tin', spend.tin, 'tcin', spend.tcin,
    'tout', spend.tout, 'model', spend.model, 'pv', spend.pv, 'ovr', overage and '1' or '0',
    'late', late and '1' or '0', 'key', H.idem}, ATTRIBUTION)
  return {rid = rid, scope = r.scope, reserved = int(r.amount), actual = actual_text,
          released = int(released), overage = overage, late = late}, nil, nil, limits
end
