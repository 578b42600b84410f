-- Expires up to ARGV[ARG_MAX] reservations of one tenant whose TTL has passed (the sweeper's step).
return expire_due(tonumber(ARGV[ARG_MAX]))
