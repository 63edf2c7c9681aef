-- wrk script: a mix of valid WebDAV requests and requests mod_retrywith
-- refuses, in a fixed rotation. Counts answers by status; a 5xx without a
-- Retrywith-Substatus header (the module's 502 for a foreign Destination
-- has one) is unexpected.
local host = wrk.host .. ":" .. wrk.port
local propfind = '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop>'
  .. '<D:getetag/><D:getcontentlength/></D:prop></D:propfind>'
local lockinfo = '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/>'
  .. '</D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>'
local n = 0

local mix = {
  -- valid, read-only or into scratch/
  {"GET", "/dav/load/ro/1k.txt", {}, nil},
  {"PROPFIND", "/dav/load/ro/1k.txt", {Depth = "0"}, propfind},
  {"PROPFIND", "/dav/load/ro/", {Depth = "1"}, propfind},
  -- per-thread names: two COPYs racing onto one destination make mod_dav_fs
  -- answer 404, which is not what this measures
  {"PUT", "/dav/load/scratch/%s.txt", {}, "written under load\n"},
  {"COPY", "/dav/load/ro/1k.txt", {Destination = "/dav/load/scratch/c%s.txt",
                                    Overwrite = "T"}, nil},
  -- refused by the module: none may change ro/
  {"PROPFIND", "/dav/load/ro/", {Depth = "2"}, nil},
  {"PUT", "/dav/load/ro/1k.txt", {If = "(<urn:x:a>"}, "x"},
  {"PROPFIND", "/dav/load/ro/1k.txt", {Depth = "0"}, "<D:propfind xmlns:D="},
  {"COPY", "/dav/load/ro/1k.txt", {Destination = "https://other.example/dav/x"}, nil},
  {"DELETE", "/dav/load/ro/1k.txt", {}, "body"},
  {"LOCK", "/dav/load/ro/1k.txt", {Timeout = "Second-99999999999"}, lockinfo},
  {"UNLOCK", "/dav/load/ro/1k.txt", {["Lock-Token"] = "opaquelocktoken:x"}, nil},
  {"PUT", "/dav/retry/load.txt", {}, "no acknowledgement"},
}

tid = 0

request = function()
  n = n + 1
  local m = mix[(n % #mix) + 1]
  local name = tid .. "-" .. n
  local headers = {Host = host}
  for k, v in pairs(m[3]) do headers[k] = string.format(v, name) end
  return wrk.format(m[1], string.format(m[2], name), headers, m[4])
end

counts = {}
unexpected = 0
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status >= 500 and not headers["Retrywith-Substatus"] then
    unexpected = unexpected + 1
  end
end

done = function(summary, latency, requests)
  local total = {}
  local bad = 0
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for s, k in pairs(c) do total[s] = (total[s] or 0) + k end
    bad = bad + t:get("unexpected")
  end
  local keys = {}
  for s in pairs(total) do table.insert(keys, s) end
  table.sort(keys)
  for _, s in ipairs(keys) do
    io.write(string.format("status %d: %d\n", s, total[s]))
  end
  io.write(string.format("unexpected 5xx: %d\n", bad))
end
