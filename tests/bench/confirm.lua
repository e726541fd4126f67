-- wrk script of registry-bench.py's "confirm over HTTP": each connection
-- confirms transfers one request at a time, each transaction once, taken
-- in turn from the file named after "--". When every confirmation has
-- answered it prints confirmed=N, failed=N and seconds=S (from the first
-- request to the last answer), one a line, and ends wrk: wrk itself would
-- wait for the whole -d duration. Run it with one thread (-t1).
--
--   wrk -t1 -cN -d600s -H "Authorization: Bearer TOKEN" -s confirm.lua URL -- IDS_FILE

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } kvota_timespec;
int clock_gettime(int clock, kvota_timespec *time);
]]
local CLOCK_MONOTONIC = 1

local function now()
   local time = ffi.new("kvota_timespec")
   ffi.C.clock_gettime(CLOCK_MONOTONIC, time)
   return tonumber(time.tv_sec) + tonumber(time.tv_nsec) / 1e9
end

local ids = {}
local next_id = 1
local answered = 0
local confirmed = 0
local failed = 0
local first_failure = nil
local verified = false
local started = nil

function init(args)
   for line in io.lines(args[1]) do
      table.insert(ids, line)
   end
end

function request()
   -- wrk calls request() once before the run, to look at what it makes.
   if not verified then
      verified = true
      return wrk.format("GET", "/api/v1/health")
   end
   if next_id > #ids then
      -- Every transfer is taken: keep the connection busy with a read
      -- until the last confirmation answers.
      return wrk.format("GET", "/api/v1/health")
   end
   started = started or now()
   local id = ids[next_id]
   next_id = next_id + 1
   return wrk.format("POST", "/api/v1/transactions/" .. id .. "/confirm", nil, "")
end

function response(status, headers, body)
   -- The reads that fill the tail answer neither a transaction nor an error.
   if not (body:find('"transaction"', 1, true) or body:find('"error"', 1, true)) then
      return
   end
   answered = answered + 1
   if status == 200 then
      confirmed = confirmed + 1
   else
      failed = failed + 1
      first_failure = first_failure or (status .. " " .. body:gsub("\n", " "))
   end
   if answered == #ids then
      io.write(string.format("confirmed=%d\nfailed=%d\nseconds=%.6f\n", confirmed, failed, now() - started))
      if first_failure then
         io.write("first_failure=" .. first_failure .. "\n")
      end
      io.flush()
      os.exit(0)
   end
end
