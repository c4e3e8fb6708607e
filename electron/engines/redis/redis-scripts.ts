/**
 * The Lua scripts (centrifuge's broker_redis.go, adapted). A script runs atomically in Redis, so
 * everything it does to a channel happens in one step that no other node can interleave:
 *
 * - PUBLISH_SCRIPT numbers a whole batch (read or create the epoch, HINCRBY the top seq), appends
 *   it to the stream (entry id = seq), trims the stream to the channel's retention by count and
 *   by bytes (the byte total is kept in the hash), renews the TTL, and PUBLISHes the batch with
 *   its first seq and epoch. Pub/sub delivers messages in the order scripts ran, so every node
 *   sees a channel's publications in seq order (with gaps only where pub/sub lost a message, which
 *   the hub fills from the stream). A retry of a publish whose answer was lost (same writer,
 *   incarnation and counter as one already applied) changes nothing: at most once per publish.
 * - HISTORY_SCRIPT reads the position, the oldest retained seq and up to `limit` entries (at most
 *   `maxBytes`, at least one) after `since`; a channel that does not exist gets its epoch now, so
 *   that every later answer, on any node, carries the same one (with a short TTL until its first
 *   publication: a viewer subscribing to made-up names leaves nothing lasting behind).
 *
 * Seqs are consecutive in the stream: an entry larger than the byte bound empties the stream (as
 * the in-memory history does), so what is retained is always a contiguous suffix.
 */

/**
 * KEYS: stream, meta. ARGV: maxMessages, maxBytes, ttlMs (0: none), pub/sub channel, epoch if new,
 * writer field (`w:<node>`), writer incarnation, writer counter, payloads...
 * Returns {top seq, epoch, retained, retainedBytes, 1 when it was a retry already applied}.
 * Publishes `epoch \n first \n retained \n retainedBytes \n len,len,... \n payloads`.
 */
export const PUBLISH_SCRIPT = `
local stream, meta = KEYS[1], KEYS[2]
local maxN, maxB, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local epoch = redis.call('HGET', meta, 'e')
if not epoch then
  epoch = ARGV[5]
  redis.call('DEL', stream)
  redis.call('HSET', meta, 'e', epoch, 's', 0, 'b', 0)
end
local last = redis.call('HGET', meta, ARGV[6])
if last then
  local inc, counter = string.match(last, '^([^:]*):(%d+)$')
  if inc == ARGV[7] and tonumber(counter) >= tonumber(ARGV[8]) then
    return {tonumber(redis.call('HGET', meta, 's')), epoch, redis.call('XLEN', stream), tonumber(redis.call('HGET', meta, 'b')), 1}
  end
end
redis.call('HSET', meta, ARGV[6], ARGV[7] .. ':' .. ARGV[8])
local n = #ARGV - 8
local top = redis.call('HINCRBY', meta, 's', n)
local first = top - n + 1
local bytes = tonumber(redis.call('HGET', meta, 'b'))
local lens = {}
for i = 1, n do
  local p = ARGV[8 + i]
  local len = string.len(p)
  lens[i] = len
  if maxN <= 0 or len > maxB then
    redis.call('DEL', stream)
    bytes = 0
  else
    redis.call('XADD', stream, string.format('%d-0', first + i - 1), 'd', p)
    bytes = bytes + len
  end
end
local count = redis.call('XLEN', stream)
if count > maxN or bytes > maxB then
  local from, cut = '-', nil
  while count > 0 and (count > maxN or bytes > maxB) do
    local want = count - maxN
    if want < 8 then want = 8 end
    if want > 256 then want = 256 end
    local batch = redis.call('XRANGE', stream, from, '+', 'COUNT', want)
    if #batch == 0 then break end
    for _, entry in ipairs(batch) do
      if count <= maxN and bytes <= maxB then break end
      bytes = bytes - string.len(entry[2][2])
      count = count - 1
      cut = entry[1]
    end
    from = '(' .. batch[#batch][1]
  end
  if cut then
    redis.call('XTRIM', stream, 'MINID', string.format('%d-0', tonumber(string.match(cut, '^(%d+)')) + 1))
  end
end
redis.call('HSET', meta, 'b', bytes)
if ttl > 0 then
  redis.call('PEXPIRE', meta, ttl)
  redis.call('PEXPIRE', stream, ttl)
end
redis.call('PUBLISH', ARGV[4], epoch .. '\\n' .. string.format('%d', first) .. '\\n' .. string.format('%d', count) .. '\\n' .. string.format('%d', bytes) .. '\\n' .. table.concat(lens, ',') .. '\\n' .. table.concat(ARGV, '', 9))
return {top, epoch, count, bytes, 0}
`;

/**
 * KEYS: stream, meta. ARGV: since, limit, maxBytes (-1: unbounded), epoch if new, ttlMs of a
 * channel never published to (renewed by every read while nothing is published, so that a
 * watched channel keeps its epoch and names nobody publishes to do not pile up in Redis).
 * Returns {top seq, epoch, first retained seq, retained, retainedBytes, seq, payload, seq, payload...}.
 */
export const HISTORY_SCRIPT = `
local stream, meta = KEYS[1], KEYS[2]
local since, limit, maxB, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5])
local epoch = redis.call('HGET', meta, 'e')
if not epoch then
  epoch = ARGV[4]
  redis.call('DEL', stream)
  redis.call('HSET', meta, 'e', epoch, 's', 0, 'b', 0)
  if ttl > 0 then redis.call('PEXPIRE', meta, ttl) end
  return {0, epoch, 1, 0, 0}
end
local top = tonumber(redis.call('HGET', meta, 's'))
if top == 0 and ttl > 0 then redis.call('PEXPIRE', meta, ttl) end
local count = redis.call('XLEN', stream)
local bytes = tonumber(redis.call('HGET', meta, 'b'))
local firstSeq = top + 1
if count > 0 then
  local head = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
  firstSeq = tonumber(string.match(head[1][1], '^(%d+)'))
end
local out = {top, epoch, firstSeq, count, bytes}
if limit > 0 and since < top and count > 0 then
  local start = since + 1
  if start < firstSeq then start = firstSeq end
  local from = string.format('%d-0', start)
  local got, size, full = 0, 0, false
  while not full and got < limit do
    local want = limit - got
    if want > 256 then want = 256 end
    local batch = redis.call('XRANGE', stream, from, '+', 'COUNT', want)
    if #batch == 0 then break end
    for _, entry in ipairs(batch) do
      local p = entry[2][2]
      if got > 0 and maxB >= 0 and size + string.len(p) > maxB then
        full = true
        break
      end
      out[#out + 1] = tonumber(string.match(entry[1], '^(%d+)'))
      out[#out + 1] = p
      got = got + 1
      size = size + string.len(p)
    end
    from = '(' .. batch[#batch][1]
  end
end
return out
`;
