-- The sweeper's step for one tenant: expires up to ARGV[ARG_MAX] due leases, lets due breakers go
-- half-open, drops agents whose contract expired from the available indexes, and expires due
-- reservations (claims' and others'). Returns how many leases and
-- reservations it expired, and the side effects for metrics.
local max = tonumber(ARGV[ARG_MAX])
local policy = load_policy()
local leases = expire_leases(max, policy)
half_open_due(max)
expire_contracts_due(max)
local reservations = expire_due(max)
return {'ok', cjson.encode({expired = int(leases + reservations), effects = side_effects()})}
