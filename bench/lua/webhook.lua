-- wrk: POST pre-signed LiveKit webhooks, each once, from the file BENCH_EVENTS ("<jwt>\t<json>" lines).
-- When the file runs out the requests wrap around (duplicates); bench/webhooks.py counts stored rows.
local path = os.getenv("BENCH_PATH")
local file = os.getenv("BENCH_EVENTS")
local requests = {}
local index = 0

function init(args)
  for line in io.lines(file) do
    local auth, body = line:match("^([^\t]+)\t(.*)$")
    requests[#requests + 1] = wrk.format("POST", path,
      { ["Content-Type"] = "application/webhook+json", ["Authorization"] = auth }, body)
  end
end

function request()
  index = index + 1
  if index > #requests then index = 1 end
  return requests[index]
end
