-- Shared by the key scripts (VirtualKeys.keyScript puts it after budget_lib.lua): where a key's
-- record lives, finding a key the caller may touch, and recording a change in the ledger (the key
-- id and scope and who made the change, ARGV[ARG_BY] in every key script; never the secret nor its
-- hash).

local function key_record(id)
  return H.prefix .. 'k:' .. id
end

-- How many keys each scope below the tenant's root holds in its subtree (subtree_count).
local function key_counts()
  return H.prefix .. 'keys:sub'
end

-- The scope of key id if it exists and lies within subtree ('' for any), else nil.
local function key_scope_within(id, subtree)
  local scope = redis.call('HGET', key_record(id), 'scope')
  if scope and within(scope, subtree) then return scope end
  return nil
end

-- The key's expiry (epoch ms, as text) if it has passed: such a key stays expired, so neither a
-- later expiry nor a new secret brings back a key an admin may have expired because it leaked.
local function key_expired(id)
  local exp = redis.call('HGET', key_record(id), 'exp')
  if exp and exp ~= '' and tonumber(exp) <= H.now then return exp end
  return nil
end

local function key_changed(op, id, scope)
  append_ledger({'vkey', 'scope', scope, 'kid', id, 'op', op, 'key', H.idem, 'by', ARGV[ARG_BY]})
  return remember(cjson.encode({id = id}))
end
