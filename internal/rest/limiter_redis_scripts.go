package rest

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// The Lua scripts of the shared limiter. Each runs atomically in Redis and
// reads Redis's own clock (TIME), so the clocks of the processes never meet.

// slotScript reads the pause and, when a lease id is given and no pause
// holds, takes a concurrency slot: expired leases (of dead processes) are
// dropped first, then the lease is added if fewer than max are live.
//
//	KEYS: slots (sorted set of lease ids scored by expiry, ms), pause
//	ARGV: max, lease id ("" for none), lease ttl (ms)
//	returns {acquired 0|1, pause left (ms, 0 for none)}
var slotScript = redis.NewScript(slotScriptSource)

const slotScriptSource = `
redis.replicate_commands()
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return {0, pause} end
local max = tonumber(ARGV[1])
if max <= 0 or ARGV[2] == '' then return {0, 0} end
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= max then return {0, 0} end
local ttl = tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return {1, 0}
`

// renewScript extends the leases a live process holds.
//
//	KEYS: slots
//	ARGV: lease ttl (ms), lease ids…
var renewScript = redis.NewScript(`
redis.replicate_commands()
local t = redis.call('TIME')
local ttl = tonumber(ARGV[1])
local exp = t[1] * 1000 + math.floor(t[2] / 1000) + ttl
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], exp, ARGV[i]) end
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 0
`)

// pauseScript makes every process wait: the pause lasts at least ms from
// now, and a shorter pause never cuts a longer one.
//
//	KEYS: pause
//	ARGV: ms
var pauseScript = redis.NewScript(`
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 0
`)

// companion is the slot request that rides in the same pipeline as
// redis_rate's GCRA script, so that one round trip serves both.
type companion struct {
	keys  redisKeys
	max   int
	lease string
	ttl   time.Duration

	ran      bool // its answer is in
	acquired bool
	pause    time.Duration
}

func (c *companion) scriptKeys() []string { return []string{c.keys.slots, c.keys.pause} }

func (c *companion) args() []any { return []any{c.max, c.lease, c.ttl.Milliseconds()} }

// run sends the companion on its own (when the pipeline could not carry it).
func (c *companion) run(ctx context.Context, rdb redis.Scripter) error {
	return c.take(slotScript.Run(ctx, rdb, c.scriptKeys(), c.args()...))
}

func (c *companion) take(cmd *redis.Cmd) error {
	v, err := cmd.Result()
	if err != nil {
		return err
	}
	vals, ok := v.([]any)
	if !ok || len(vals) != 2 {
		return fmt.Errorf("the slot script answered %T", v)
	}
	acquired, ok1 := vals[0].(int64)
	pause, ok2 := vals[1].(int64)
	if !ok1 || !ok2 {
		return fmt.Errorf("the slot script answered %v", vals)
	}
	c.ran, c.acquired, c.pause = true, acquired == 1, time.Duration(pause)*time.Millisecond
	return nil
}

type companionKey struct{}

func withCompanion(ctx context.Context, c *companion) context.Context {
	return context.WithValue(ctx, companionKey{}, c)
}

// piggyback is the Redis client as redis_rate sees it: when the context
// carries a companion, its script goes in one pipeline with redis_rate's,
// ahead of it. redis_rate keeps the GCRA; the request pays one round trip.
type piggyback struct{ *redis.Client }

func (p piggyback) EvalSha(ctx context.Context, sha string, keys []string, args ...any) *redis.Cmd {
	c, _ := ctx.Value(companionKey{}).(*companion)
	if c == nil || c.ran {
		return p.Client.EvalSha(ctx, sha, keys, args...)
	}
	pipe := p.Client.Pipeline()
	slot := pipe.EvalSha(ctx, slotScript.Hash(), c.scriptKeys(), c.args()...)
	cmd := pipe.EvalSha(ctx, sha, keys, args...)
	execPipe(ctx, pipe, slot, cmd)
	_ = c.take(slot) // on NOSCRIPT (Redis restarted) the caller sends it alone
	return cmd
}

// execPipe sends a pipeline. A failure before any command ran (a refused
// AUTH, a broken connection) leaves the commands without a value or an
// error; they get the pipeline's error, which redis_rate expects to find
// in its command rather than a nil value.
func execPipe(ctx context.Context, pipe redis.Pipeliner, cmds ...*redis.Cmd) {
	_, err := pipe.Exec(ctx)
	if err == nil {
		return
	}
	for _, c := range cmds {
		if c.Err() == nil && c.Val() == nil {
			c.SetErr(err)
		}
	}
}

func (p piggyback) Eval(ctx context.Context, script string, keys []string, args ...any) *redis.Cmd {
	c, _ := ctx.Value(companionKey{}).(*companion)
	if c == nil || c.ran {
		return p.Client.Eval(ctx, script, keys, args...)
	}
	pipe := p.Client.Pipeline()
	slot := pipe.Eval(ctx, slotScriptSource, c.scriptKeys(), c.args()...)
	cmd := pipe.Eval(ctx, script, keys, args...)
	execPipe(ctx, pipe, slot, cmd)
	_ = c.take(slot)
	return cmd
}
