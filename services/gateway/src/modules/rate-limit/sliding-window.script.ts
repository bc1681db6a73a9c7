/**
 * Sliding-window counter, decided and counted in one atomic step for every rule of a request.
 * A rule's count is its previous fixed window weighted by how much of it still overlaps the
 * sliding minute, plus its current window. A refused request counts nowhere, so Retry-After holds.
 *
 * KEYS[2i-1], KEYS[2i]: rule i's counter of the current and of the previous window.
 * ARGV[1]: ms elapsed in the current window; ARGV[2]: window length in ms; ARGV[2+i]: rule i's limit.
 * Returns { index of the refusing rule or 0, ms until it admits a request, then each rule's count in thousandths }.
 */
export const SLIDING_WINDOW_SCRIPT = `
local elapsed = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local rest = window - elapsed
local weight = rest / window
local result = { 0, 0 }
for i = 1, #KEYS / 2 do
  local limit = tonumber(ARGV[2 + i])
  local current = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local previous = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  local count = previous * weight + current
  result[2 + i] = math.floor(count * 1000)
  if count + 1 > limit then
    local wait
    if current + 1 <= limit then
      -- the previous window's share shrinks enough within the current window
      wait = rest - window * (limit - 1 - current) / previous
    else
      -- the current window becomes the previous one and must shrink enough in the next
      wait = rest + window * (1 - (limit - 1) / current)
    end
    if result[1] == 0 or wait > result[2] then
      result[1] = i
      result[2] = math.max(1, math.ceil(wait))
    end
  end
end
if result[1] == 0 then
  for i = 1, #KEYS / 2 do
    if redis.call('INCR', KEYS[2 * i - 1]) == 1 then
      redis.call('PEXPIRE', KEYS[2 * i - 1], window * 2)
    end
  end
end
return result
`;
