/**
 * Sliding-window counter, decided and counted in one atomic step for every rule of a request,
 * for a batch of requests one after another (as separate calls would, in the same order). A
 * rule's count is its previous fixed window weighted by how much of it still overlaps the
 * sliding minute, plus its current window. A refused request counts nowhere, so Retry-After holds.
 * Before the batch, it adds the requests a gateway admitted on its own since its last call
 * (increments), so the decisions count them.
 *
 * ARGV[1]: ms elapsed in the current window; ARGV[2]: window length in ms; ARGV[3]: number of
 * increments m, then the m amounts; then the number of requests, then per request its number of
 * rules n and the n limits.
 * KEYS: per increment, then per request and rule in that order: the counter of the current and of the previous window.
 * Returns each increment's count afterwards in thousandths, then per request { index of the
 * refusing rule or 0, ms until it admits a request, then each rule's count in thousandths }.
 */
export const SLIDING_WINDOW_SCRIPT = `
local elapsed = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local rest = window - elapsed
local weight = rest / window
local result = {}
local increments = tonumber(ARGV[3])
for i = 1, increments do
  local current = redis.call('INCRBY', KEYS[2 * i - 1], ARGV[3 + i])
  if current == tonumber(ARGV[3 + i]) then
    redis.call('PEXPIRE', KEYS[2 * i - 1], window * 2)
  end
  local previous = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  result[i] = math.floor((previous * weight + current) * 1000)
end
local requests = tonumber(ARGV[4 + increments])
local arg = 4 + increments
local key = 2 * increments
for _ = 1, requests do
  local rules = tonumber(ARGV[arg + 1])
  arg = arg + 1
  local head = #result
  result[head + 1] = 0
  result[head + 2] = 0
  for i = 1, rules do
    local limit = tonumber(ARGV[arg + i])
    local current = tonumber(redis.call('GET', KEYS[key + 2 * i - 1]) or '0')
    local previous = tonumber(redis.call('GET', KEYS[key + 2 * i]) or '0')
    local count = previous * weight + current
    result[head + 2 + i] = math.floor(count * 1000)
    if count + 1 > limit then
      local wait
      if current + 1 <= limit then
        -- the previous window's share shrinks enough within the current window
        wait = rest - window * (limit - 1 - current) / previous
      else
        -- the current window becomes the previous one and must shrink enough in the next
        wait = rest + window * (1 - (limit - 1) / current)
      end
      if result[head + 1] == 0 or wait > result[head + 2] then
        result[head + 1] = i
        result[head + 2] = math.max(1, math.ceil(wait))
      end
    end
  end
  if result[head + 1] == 0 then
    for i = 1, rules do
      if redis.call('INCR', KEYS[key + 2 * i - 1]) == 1 then
        redis.call('PEXPIRE', KEYS[key + 2 * i - 1], window * 2)
      end
    end
  end
  arg = arg + rules
  key = key + 2 * rules
end
return result
`;
