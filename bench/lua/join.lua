-- wrk: POST a join with a fresh identity each request.
-- Environment: BENCH_PATH (the URL path), BENCH_TOKEN (caller JWT, optional), BENCH_PREFIX (identities).
local path = os.getenv("BENCH_PATH")
local token = os.getenv("BENCH_TOKEN") or ""
local prefix = os.getenv("BENCH_PREFIX") or "u"
local headers = { ["Content-Type"] = "application/json" }
if token ~= "" then headers["Authorization"] = "Bearer " .. token end
local counter = 0
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end

function request()
  counter = counter + 1
  local body = '{"identity":"' .. prefix .. "-" .. tostring(tid) .. "-" .. counter .. '"}'
  return wrk.format("POST", path, headers, body)
end
