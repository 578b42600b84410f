-- Cancels a reservation and gives its amount back. Releasing one that already ended gives nothing
-- back and says how it ended, and remembers no answer either: asked again, it says the same, and
-- a record per such call (each under a fresh key) was shared memory nobody paid for. Releasing one
-- its expiry ended marks it released all the same (close_expired() in budget_lib.lua): a late
-- commit after it is refused, as after the release of an active hold. Releasing a committed one is
-- refused, as is releasing a service's hold past its expiry, which that expiry committed
-- (commit_at_expiry()).
-- Arguments: BudgetScripts.RELEASE (subtree: the scopes the caller may touch, '' for any; holder:
-- the caller's, which must be the reservation's if it has one, see settled_by_other();
-- forget_key: the stored name of the idempotency record the reservation was made under, for a call
-- that was never made, or ''; when this release ends the reservation and the record still names
-- it, the record keeps only its fingerprint: the same request may be made again, no other under
-- that key).
local rejected = replay_or_refusal(RECORDS.prepaid)
if rejected then return rejected end
attribute(ARG_ATTRIBUTION)

local rid = ARGV[ARG_RESERVATION_ID]
local r = load_reservation(H.res_key)
if not r or not within(r.scope, ARGV[ARG_SUBTREE]) then return {'not_found', ''} end
rejected = settled_by_other(r, ARGV[ARG_HOLDER])
if rejected then return rejected end
if r.state == 'active' and r.exp <= H.now then
  r.state = expire_reservation(H.res_key, rid, r)
end
if r.state == 'committed' then return {'not_active', r.state} end
if r.state == 'expired' then close_expired(H.res_key, r) end

local released = 0
if r.state == 'active' then
  local layers = layers_of(r.scope)
  local usage = load_usage(layers, r.rw, false)
  bump(usage, layers, r.rw, 'reserved', -r.amount)
  save(usage)
  settle_grant(r, -r.amount)
  finish_reservation(H.res_key, rid, {'state', 'released'})
  append_ledger({'release', 'rid', rid, 'scope', r.scope, 'dr', int(-r.amount),
    'rw', table.concat(r.rw, ','), 'key', H.idem}, ATTRIBUTION)
  released = r.amount
  r.state = 'released'
  if ARGV[ARG_FORGET_KEY] ~= '' then
    local record_key = H.prefix .. 'idem:' .. ARGV[ARG_FORGET_KEY]
    local record = redis.call('GET', record_key)
    local newline = record and string.find(record, '\n', 1, true)
    if newline and newline < #record and cjson.decode(string.sub(record, newline + 1)).rid == rid then
      redis.call('SET', record_key, string.sub(record, 1, newline), 'KEEPTTL')
    end
  end
end
local reply = cjson.encode({rid = rid, scope = r.scope, released = int(released), state = r.state})
if released == 0 then return {'ok', reply} end
return remember(reply)
