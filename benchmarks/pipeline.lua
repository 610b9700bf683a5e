-- wrk script: HTTP/1.1 pipelining, as TechEmpower's plaintext test runs it.
-- wrk -s benchmarks/pipeline.lua URL -- DEPTH   sends DEPTH requests in each write (default 16).
init = function(args)
  local depth = tonumber(args[1]) or 16
  local r = {}
  for i = 1, depth do
    r[i] = wrk.format()
  end
  req = table.concat(r)
end

request = function()
  return req
end
