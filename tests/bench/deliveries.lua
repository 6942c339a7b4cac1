-- wrk script: POST one webhook payload as GitHub does, over and over, and report what came back.
--
--   wrk ... -s deliveries.lua URL -- body=FILE [secret=FILE] [sign=good|bad|none] [event=push]
--                                    [vary_after=1] [nonce=N] [stop_after=N done_file=PATH]
--
-- body        the payload file; its exact bytes are sent (and signed)
-- secret      the secret file (a trailing newline is not part of it); needed for sign=good
-- sign        good: X-Hub-Signature-256 over the body; bad: well-formed, matches nothing
-- vary_after  give every request its own top-level `after` commit (then signed per request,
--             with libcrypto's HMAC through the FFI), so no two bodies are alike; the commit is
--             nonce, thread and count in hex
-- stop_after  stop each thread after this many responses (0: run for wrk's --duration); wrk
--             itself then waits out its duration unless interrupted (SIGINT), so each thread
--             that stops creates the file done_file.<thread> for the caller to watch
--
-- done() prints one line, "WRK-RESULT {json}": requests, duration_us, status counts, latency
-- percentiles (µs) and socket errors, summed over threads.

local ffi = require("ffi")

ffi.cdef [[
typedef struct evp_md_st EVP_MD;
const EVP_MD *EVP_sha256(void);
unsigned char *HMAC(const EVP_MD *md, const void *key, int key_len, const unsigned char *data,
                    size_t data_len, unsigned char *out, unsigned int *out_len);
]]

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  threads[#threads + 1] = thread
  next_id = next_id + 1
end

local function read_file(path)
  local file = assert(io.open(path, "rb"), "cannot open " .. path)
  local data = file:read("*a")
  file:close()
  return data
end

local function options(args)
  local parsed = {sign = "good", event = "push", vary_after = "0", stop_after = "0", nonce = "0"}
  for _, arg in ipairs(args) do
    local key, value = arg:match("^([%w_]+)=(.*)$")
    assert(key, "expected key=value, got " .. arg)
    parsed[key] = value
  end
  return parsed
end

local crypto
local function hmac_sha256_hex(key, data)
  if not crypto then
    -- wrk links libcrypto already; fall back to loading it by name.
    local ok = pcall(function() return ffi.C.EVP_sha256 end)
    crypto = ok and ffi.C or ffi.load("libcrypto.so.3")
  end
  local out = ffi.new("unsigned char[32]")
  local length = ffi.new("unsigned int[1]")
  crypto.HMAC(crypto.EVP_sha256(), key, #key, data, #data, out, length)
  local hex = {}
  for i = 0, 31 do hex[#hex + 1] = string.format("%02x", out[i]) end
  return table.concat(hex)
end

local body, secret, headers, fixed_request
local prefix, suffix  -- the body around its `after` value, when each request varies it
local nonce, sign_mode, stop_after, done_file
local sent, responses = 0, 0
statuses = {}  -- global: done() reads it from every thread

local function with_signature(payload)
  if sign_mode == "good" then
    headers["X-Hub-Signature-256"] = "sha256=" .. hmac_sha256_hex(secret, payload)
  elseif sign_mode == "bad" then
    headers["X-Hub-Signature-256"] = "sha256=" .. string.rep("0", 64)
  end
  return headers
end

function init(args)
  local opts = options(args)
  body = read_file(opts.body)
  sign_mode = opts.sign
  stop_after = tonumber(opts.stop_after)
  done_file = opts.done_file
  nonce = tonumber(opts.nonce)
  if opts.secret then secret = read_file(opts.secret):gsub("\n$", "") end
  headers = {
    ["Content-Type"] = "application/json",
    ["User-Agent"] = "GitHub-Hookshot/044aadd",
    ["X-GitHub-Event"] = opts.event,
    ["X-GitHub-Delivery"] = string.format("bench-%d-fixed", id),
  }
  if opts.vary_after == "1" then
    local first, last = body:find('"after"%s*:%s*"%x+"')
    assert(first, "the body has no top-level after commit")
    local value_start = body:find('"%x+"', first)
    prefix, suffix = body:sub(1, value_start), body:sub(last)
  else
    fixed_request = wrk.format("POST", nil, with_signature(body), body)
  end
end

function request()
  sent = sent + 1
  if fixed_request then return fixed_request end
  local after = string.format("%08x%08x%024x", nonce, id, sent)
  local payload = prefix .. after .. suffix
  headers["X-GitHub-Delivery"] = string.format("bench-%d-%d-%d", nonce, id, sent)
  return wrk.format("POST", nil, with_signature(payload), payload)
end

function response(status)
  responses = responses + 1
  statuses[status] = (statuses[status] or 0) + 1
  if stop_after > 0 and responses == stop_after then
    wrk.thread:stop()
    if done_file then assert(io.open(done_file .. "." .. id, "w")):close() end
  end
end

function done(summary, latency)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local counts = {}
  for status, count in pairs(totals) do
    counts[#counts + 1] = string.format('"%d": %d', status, count)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "statuses": {%s}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, table.concat(counts, ", "),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, e.connect, e.read, e.write, e.timeout))
end
