-- One mix of tests/bench/ab.sh, sent to one side (module on or off).
-- Environment: MIX (the mix), BASE (/dav/on or /dav/off), HOSTPORT, RUN
-- (a number unique per wrk run: a run may end between a LOCK and its
-- UNLOCK, so every run locks files of its own).
-- Each wrk thread drives one connection, so LOCK and its UNLOCK stay in
-- order; done() prints "RESULT req/s p99-us unexpected-statuses requests".
local mix = os.getenv("MIX")
local base = os.getenv("BASE")
local hostport = os.getenv("HOSTPORT")
local run = os.getenv("RUN") or "0"

local PF0 = '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:getcontentlength/><D:getlastmodified/><D:resourcetype/></D:prop></D:propfind>'
local PP = '<?xml version="1.0" encoding="utf-8"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="http://example.com/ns"><D:set><D:prop><Z:color>red</Z:color></D:prop></D:set></D:propertyupdate>'
local LI = '<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>bench</D:owner></D:lockinfo>'
local BADPF = '<D:propfind xmlns:D="DAV:"><D:prop/><D:allprop/></D:propfind>'

local expect = {
   get = { [200] = true }, propfind0 = { [207] = true },
   propfind1 = { [207] = true }, proppatch = { [207] = true },
   copy = { [201] = true, [204] = true },
   -- LOCK creates its file (201), then UNLOCK (204)
   lock_unlock = { [200] = true, [201] = true, [204] = true },
   refuse_depth = { [400] = true }, refuse_body = { [400] = true },
}
-- mod_dav itself takes DAV:prop beside DAV:allprop (207); the module
-- refuses it (400.6)
if base:sub(-4) == "/off" then
   expect.refuse_body = { [207] = true }
end

local threads = {}
function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   bad = 0
   token = nil
end

local XML = { ["Content-Type"] = "application/xml" }
local function with(h, extra)
   local t = {}
   for k, v in pairs(h) do t[k] = v end
   for k, v in pairs(extra) do t[k] = v end
   return t
end

function request()
   if mix == "get" then
      return wrk.format("GET", base .. "/1k.txt")
   elseif mix == "propfind0" then
      return wrk.format("PROPFIND", base .. "/1k.txt", with(XML, { Depth = "0" }), PF0)
   elseif mix == "propfind1" then
      return wrk.format("PROPFIND", base .. "/coll100/", with(XML, { Depth = "1" }), PF0)
   elseif mix == "proppatch" then
      return wrk.format("PROPPATCH", base .. "/1k.txt", XML, PP)
   elseif mix == "copy" then
      return wrk.format("COPY", base .. "/1k.txt", {
         Destination = "http://" .. hostport .. base .. "/copy-" .. id .. ".txt",
         Overwrite = "T", If = "(Not <DAV:no-lock>)" })
   elseif mix == "lock_unlock" then
      local path = base .. "/lock-" .. run .. "-" .. id .. ".txt"
      if token then
         local t = token
         token = nil
         return wrk.format("UNLOCK", path, { ["Lock-Token"] = t })
      end
      return wrk.format("LOCK", path, with(XML, { Timeout = "Second-60" }), LI)
   elseif mix == "refuse_depth" then
      return wrk.format("PROPFIND", base .. "/coll100/", { Depth = "2" })
   elseif mix == "refuse_body" then
      return wrk.format("PROPFIND", base .. "/1k.txt", with(XML, { Depth = "0" }), BADPF)
   end
end

function response(status, headers, body)
   if not expect[mix][status] then
      bad = bad + 1
   end
   if mix == "lock_unlock" and (status == 200 or status == 201) then
      token = headers["Lock-Token"]
   end
end

function done(summary, latency, requests)
   local b = 0
   for _, t in ipairs(threads) do
      b = b + t:get("bad")
   end
   io.write(string.format("RESULT %.1f %d %d %d\n",
      summary.requests / (summary.duration / 1e6),
      latency:percentile(99), b, summary.requests))
end
