-- wrk script for bench/refresh and bench/run: every request spends one refresh token and keeps the one it gets back.
-- Each wrk thread takes its own share of the tokens in the file given after "--" (one per line).
local queue = {}
local threads = {}

function setup(thread)
    thread:set("index", #threads)
    table.insert(threads, thread)
end

function init(args)
    local total = tonumber(args[2])
    local n = 0
    for line in io.lines(args[1]) do
        if n % total == index then
            table.insert(queue, line)
        end
        n = n + 1
    end
end

function request()
    local token = table.remove(queue, 1) or "lkr_exhausted"
    return wrk.format("POST", "/api/jwt/refresh", {["Content-Type"] = "application/json"},
        '{"refresh":"' .. token .. '"}')
end

function response(status, headers, body)
    if status == 200 then
        local token = body:match('"refresh":"([^"]+)"')
        if token then
            table.insert(queue, token)
        end
    end
end
