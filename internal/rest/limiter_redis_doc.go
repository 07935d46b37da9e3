package rest

// The shared limiter (RedisLimiter), in short.
//
// Twilio's limits belong to the account, so processes that share an account
// must share one budget. Its state lives in Redis under one key prefix
// (RedisOptions.Key, the driver's limiter_key):
//
//   - "rate:KEY": the rate, 25 × nodes requests per second, as a GCRA
//     theoretical arrival time kept by github.com/go-redis/redis_rate. Its
//     Limit has the real burst (a tenth of a second's budget, as the local
//     limiter's) plus a horizon of four seconds' budget: a request is
//     "allowed" up to four seconds ahead and learns from ResetAfter when its
//     turn is (ResetAfter − burst × interval from now). It waits for that
//     time locally, with the query's context, instead of polling; only
//     past the horizon does it come back after RetryAfter. A turn taken by
//     a request whose query is cancelled is lost, as one real request.
//   - "KEY:slots": max_concurrency across processes, a sorted set of lease
//     ids scored by their expiry (Redis's clock, ms). Taking a slot drops
//     expired leases and adds one if fewer than max are live, atomically in
//     Lua; a live process renews its leases every third of the lease time,
//     so a process that dies frees its slots within one lease time.
//     Releases are sent by a background goroutine, off the request's path.
//   - "KEY:pause": set for the Retry-After (or backoff) of a 429 seen by any
//     process, never shortened by a later, shorter one. Every request reads
//     it, so a 429 storm stops after one round instead of one per process.
//
// One round trip per request: the slot and pause script rides in the same
// pipeline as redis_rate's script (piggyback wraps the client redis_rate
// sees). A slot is taken in the same round trip as the turn, so a request
// may hold its slot while it waits for its turn; while every slot is
// taken, one goroutine per process polls (5 to 50 ms apart).
//
// When a Redis call fails (not the caller's cancellation), the limiter logs
// one WARN and uses a local x/time/rate limiter at budget ÷
// FallbackReplicas (and max_concurrency ÷ FallbackReplicas) until a probe
// every 250 ms finds Redis again (one INFO). Timeouts are 500 ms and the
// client does not retry, so an outage costs a request at most that once.
// A restarted Redis starts empty: rate and slots begin afresh.
//
// Every process sharing a key must use the same nodes and max_concurrency:
// each sends its own Limit with every call.
