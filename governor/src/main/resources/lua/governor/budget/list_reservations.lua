-- One page of a tenant's reservation records (open and finished ones, kept until recordRetention),
-- found with SCAN: the records have no index of their own, and adding one would cost every reserve.
-- KEYS[1] the tenant's rexp key (only to route the script to the tenant's slot).
-- Arguments: Reservations.LIST. pattern matches the tenant's record keys; cursor is the SCAN
-- cursor to go on from and after the last record key already returned from that SCAN step ('' for
-- none); at most max_steps SCAN steps of count each, so a call's work is bounded whatever the
-- keyspace holds. A step's matches come sorted by key and whole, unless the page fills part way:
-- then the page ends at its last record and the reply names the same step to go on from.
-- Returns {scan cursor, last key or '', then per record: key, scope, amt, state, exp, created,
-- ended, actual, model}; scan cursor '0' and last key '' when the scan is complete.
local pattern, cursor, after = ARGV[ARG_PATTERN], ARGV[ARG_CURSOR], ARGV[ARG_AFTER]
local limit, count = tonumber(ARGV[ARG_LIMIT]), tonumber(ARGV[ARG_COUNT])
local within, state = ARGV[ARG_WITHIN], ARGV[ARG_STATE]
local FIELDS = {'scope', 'amt', 'state', 'exp', 'created', 'ended', 'actual', 'model'}

local function in_subtree(scope)
  return scope == within or string.sub(scope, 1, #within + 1) == within .. '/'
end

local function wanted(record_state)
  if state == 'open' then return record_state == 'active' end
  if state == 'finished' then return record_state ~= 'active' end
  return true
end

-- The records of one SCAN step that the page wants, sorted by key.
local function matches(keys)
  table.sort(keys)
  local found = {}
  for _, key in ipairs(keys) do
    if key > after then
      local r = redis.call('HMGET', key, unpack(FIELDS))
      if r[1] and in_subtree(r[1]) and wanted(r[3]) then
        found[#found + 1] = {key, r}
      end
    end
  end
  return found
end

local page = {}
local function reply(next_cursor, last)
  local out = {next_cursor, last}
  for _, entry in ipairs(page) do
    out[#out + 1] = entry[1]
    for i = 1, #FIELDS do out[#out + 1] = entry[2][i] end
  end
  return out
end

for _ = 1, tonumber(ARGV[ARG_MAX_STEPS]) do
  local step = redis.call('SCAN', cursor, 'MATCH', pattern, 'COUNT', count)
  local found = matches(step[2])
  after = ''
  if #page + #found > limit then
    for i = 1, limit - #page do page[#page + 1] = found[i] end
    return reply(cursor, page[#page][1])
  end
  for _, entry in ipairs(found) do page[#page + 1] = entry end
  cursor = step[1]
  if cursor == '0' or #page == limit then return reply(cursor, '') end
end
return reply(cursor, '')
