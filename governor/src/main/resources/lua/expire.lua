-- Expires up to ARGV[12] reservations of one tenant whose TTL has passed (the sweeper's step).
return expire_due(tonumber(ARGV[12]))
