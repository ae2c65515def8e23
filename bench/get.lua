-- wrk script for `make bench`: adds the API token to every request (GET by
-- default, on the URL given to wrk).  The token comes from the first script
-- argument (wrk ... -- TOKEN) or else from TRUCE_TOKEN in the environment.

function init(args)
   local token = args[1] or os.getenv("TRUCE_TOKEN")
   if not token or token == "" then
      error("get.lua needs the API token: wrk ... -- TOKEN, or TRUCE_TOKEN in the environment")
   end
   wrk.headers["Authorization"] = "Bearer " .. token
end
