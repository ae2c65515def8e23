-- wrk script for `make bench`: POST /api/v1/tickets with a realistic ticket.
--
-- The API token comes from the first script argument (wrk ... -- TOKEN) or
-- else from the TRUCE_TOKEN environment variable.  Every request is from a
-- different customer (bench-T-N@example.com: thread T, request N), so the
-- run measures opening tickets for new customers, not appending to one.

local threads = {}
local counter = 0

function setup(thread)
   thread:set("thread_id", #threads + 1)
   table.insert(threads, thread)
end

local subjects = {
   "Order has not arrived",
   "Charged twice for one order",
   "Cannot log in to my account",
   "Refund still not received",
}
local bodies = {
   "Hello, I ordered a kettle ten days ago and the tracking page still says "
      .. "'label created'. Could you tell me where it is? Thanks.",
   "My card statement shows two payments of 49.90 for the same order. "
      .. "Please refund the second one as soon as possible.",
   "Since yesterday the login page says my password is wrong, and the reset "
      .. "email never arrives. I need to download my invoices today.",
   "You confirmed my return three weeks ago but the refund is not on my "
      .. "account yet. This is the third time I am writing about it.",
}

function init(args)
   local token = args[1] or os.getenv("TRUCE_TOKEN")
   if not token or token == "" then
      error("post.lua needs the API token: wrk ... -- TOKEN, or TRUCE_TOKEN in the environment")
   end
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Authorization"] = "Bearer " .. token
   -- thread_id is set by setup(); a single-threaded run without it uses 1.
   thread_id = thread_id or 1
end

function request()
   counter = counter + 1
   local k = counter % #subjects + 1
   local body = string.format(
      '{"subject":"%s","channel":"email",'
         .. '"customer":{"email":"bench-%d-%d@example.com","name":"Customer %d-%d"},'
         .. '"message":{"body":"%s"}}',
      subjects[k], thread_id, counter, thread_id, counter, bodies[k])
   return wrk.format(nil, nil, nil, body)
end
