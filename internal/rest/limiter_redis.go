package rest

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
	"golang.org/x/time/rate"
)

// RedisOptions configure a RedisLimiter (design in limiter_redis_doc.go).
type RedisOptions struct {
	URL       string      // redis://[user@]host:port/db or rediss://…; a password in it is refused
	Password  string      // the Redis password (AUTH); never printed
	TLSConfig *tls.Config // for rediss://: the CAs to trust; nil: the system's

	// Key names the shared budget: every process using the same Redis and
	// key draws from one budget. It prefixes the keys the limiter writes.
	Key string

	Nodes       int // budget: Nodes × 25 requests per second, shared
	MaxInFlight int // requests in flight at once over every process; 0: no cap

	// FallbackReplicas is how many processes share the key: while Redis is
	// unreachable each process limits itself to 1/FallbackReplicas of the
	// budget (and of MaxInFlight). 0 counts as 1.
	FallbackReplicas int

	// LeaseTTL is how long a concurrency slot stays taken without renewal,
	// so the slots of a process that died come back after at most this
	// long. 0: DefaultLeaseTTL.
	LeaseTTL time.Duration

	Logger *slog.Logger // WARN when Redis becomes unreachable, INFO when it is back; nil: none
}

// DefaultLeaseTTL is the default RedisOptions.LeaseTTL.
const DefaultLeaseTTL = 5 * time.Second

// Timing of the Redis client. Redis answers a script in well under a
// millisecond on a LAN; anything slower than redisTimeout is an outage, and
// the request goes on under the local fallback instead of waiting.
const (
	redisTimeout       = 500 * time.Millisecond
	redisProbeInterval = 250 * time.Millisecond
	// redisHorizon is how far ahead of now the shared budget is handed out:
	// a request gets its turn (up to this far in the future) in the same
	// round trip that asks for it, instead of polling.
	redisHorizon = 4 * time.Second
	// Polling for a concurrency slot while every slot is taken.
	slotPollMin, slotPollMax = 5 * time.Millisecond, 50 * time.Millisecond
	maxUnsent                = 4096
)

// RedisLimiter is a RequestLimiter whose budget lives in Redis and is
// shared by every process that uses the same Redis and key: a rate of
// Nodes × 25 requests per second (GCRA, by redis_rate), a cap on requests
// in flight (a semaphore of leases that expire when a process dies), and a
// pause that a 429 seen by any process imposes on all of them. When Redis
// is unreachable it falls back to a local limiter with the budget divided
// by FallbackReplicas, and returns to Redis once it answers again. Close
// releases its connections and its background goroutine.
type RedisLimiter struct {
	rdb      *redis.Client
	gcra     *redis_rate.Limiter
	limit    redis_rate.Limit
	burst    int           // the burst a request may really take; the rest of limit.Burst is the horizon
	interval time.Duration // between two requests at the full rate
	keys     redisKeys
	maxSlots int
	leaseTTL time.Duration
	logger   *slog.Logger
	where    string // the Redis URL, for log lines

	down       atomic.Bool
	pauseUntil atomic.Int64 // unix nanoseconds: no request before it (a 429 seen)

	fallback     *rate.Limiter
	fallbackSlot semaphore

	pollLine chan struct{} // one goroutine per process polls for a free slot

	mu   sync.Mutex
	held map[string]struct{} // leases taken and not yet released

	releases chan string
	unsent   []string // releases held back while Redis was unreachable (background goroutine only)
	stop     chan struct{}
	done     chan struct{}
	closed   sync.Once
}

type redisKeys struct {
	rate, slots, pause string
}

// NewRedisLimiter returns a limiter on the Redis at opts.URL. It connects
// lazily: nothing is sent before the first request.
func NewRedisLimiter(opts RedisOptions) (*RedisLimiter, error) {
	if opts.Nodes < 1 || opts.Nodes > MaxNodes {
		return nil, fmt.Errorf("twilio: nodes %d is out of range: use 1 to %d", opts.Nodes, MaxNodes)
	}
	if opts.Key == "" {
		return nil, errors.New("twilio: the shared limiter needs a key")
	}
	if opts.MaxInFlight < 0 {
		return nil, fmt.Errorf("twilio: MaxInFlight %d is negative: use 0 for no cap", opts.MaxInFlight)
	}
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		return nil, errors.New("twilio: the limiter URL is not usable: use redis://host:port/db or rediss://host:port/db")
	}
	if _, hasPassword := u.User.Password(); hasPassword {
		return nil, errors.New("twilio: the limiter URL must not hold a password: pass it separately")
	}
	ropts, err := redis.ParseURL(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("twilio: the limiter URL is not usable (%v): use redis://host:port/db", err)
	}
	ropts.Password = opts.Password
	if u.Scheme == "rediss" {
		tc := &tls.Config{MinVersion: tls.VersionTLS12}
		if opts.TLSConfig != nil {
			tc = opts.TLSConfig.Clone()
		}
		if tc.ServerName == "" {
			tc.ServerName = u.Hostname()
		}
		ropts.TLSConfig = tc
	}
	ropts.DialTimeout, ropts.ReadTimeout, ropts.WriteTimeout = redisTimeout, redisTimeout, redisTimeout
	ropts.PoolTimeout = redisTimeout
	ropts.DialerRetries = 1
	ropts.MaxRetries = -1 // no retries inside the client: an error means the fallback
	ropts.Protocol = 2
	ropts.DisableIdentity = true
	ropts.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}

	replicas := max(opts.FallbackReplicas, 1)
	perSecond := RequestsPerNode * opts.Nodes
	burst := (perSecond + 9) / 10 // as the local Limiter's
	ttl := opts.LeaseTTL
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	fallbackRate := float64(perSecond) / float64(replicas)
	fallbackSlots := 0
	if opts.MaxInFlight > 0 {
		fallbackSlots = max(opts.MaxInFlight/replicas, 1)
	}
	rdb := redis.NewClient(ropts)
	u.User = nil
	l := &RedisLimiter{
		rdb:          rdb,
		limit:        redis_rate.Limit{Rate: perSecond, Period: time.Second, Burst: burst + int(redisHorizon.Seconds())*perSecond},
		burst:        burst,
		interval:     time.Second / time.Duration(perSecond),
		keys:         redisKeys{rate: opts.Key, slots: opts.Key + ":slots", pause: opts.Key + ":pause"},
		maxSlots:     opts.MaxInFlight,
		leaseTTL:     ttl,
		logger:       opts.Logger,
		where:        u.Redacted(),
		fallback:     rate.NewLimiter(rate.Limit(fallbackRate), max(int(fallbackRate+9)/10, 1)),
		fallbackSlot: newSemaphore(fallbackSlots),
		pollLine:     make(chan struct{}, 1),
		held:         map[string]struct{}{},
		releases:     make(chan string, 1024),
		stop:         make(chan struct{}),
		done:         make(chan struct{}),
	}
	l.gcra = redis_rate.NewLimiter(piggyback{l.rdb})
	go l.background()
	return l, nil
}

// Close stops the background goroutine and closes the connections to Redis.
// Leases still held expire on their own.
func (l *RedisLimiter) Close() error {
	var err error
	l.closed.Do(func() {
		close(l.stop)
		<-l.done
		err = l.rdb.Close()
	})
	return err
}

// Shared reports whether the limiter is using Redis (true) or its local
// fallback because Redis is unreachable (false).
func (l *RedisLimiter) Shared() bool { return !l.down.Load() }

// Acquire waits for the shared rate and, with a cap, for a shared slot.
// One round trip to Redis serves both; only while every slot is taken does
// a process poll for one.
func (l *RedisLimiter) Acquire(ctx context.Context) (func(), error) {
	var lease string
	giveUp := func(err error) (func(), error) {
		if lease != "" {
			l.releaseLease(lease)
		}
		return nil, err
	}
	for {
		if err := l.waitPause(ctx); err != nil {
			return giveUp(err)
		}
		if l.down.Load() {
			if lease != "" {
				l.releaseLease(lease)
				lease = ""
			}
			return l.acquireFallback(ctx)
		}
		wantSlot := l.maxSlots > 0 && lease == ""
		var id string
		if wantSlot {
			id = newLeaseID()
		}
		res, comp, err := l.reserve(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return giveUp(ctx.Err())
			}
			l.markDown(err)
			continue
		}
		if comp.acquired && id != "" {
			lease = id
			l.hold(id)
		}
		if comp.pause > 0 {
			l.pauseFor(comp.pause)
			if lease != "" {
				l.releaseLease(lease)
				lease = ""
			}
			continue // a turn taken during the pause would be stale after it
		}
		if res.Allowed == 0 {
			// More than the horizon is queued: come back when there is room.
			if err := sleep(ctx, res.RetryAfter); err != nil {
				return giveUp(err)
			}
			continue
		}
		due := time.Now().Add(res.ResetAfter - time.Duration(l.burst)*l.interval)
		if l.maxSlots > 0 && lease == "" {
			if err := l.pollSlot(ctx, &lease); err != nil {
				if ctx.Err() != nil {
					return giveUp(ctx.Err())
				}
				continue // Redis went away or a pause began: start over
			}
		}
		if err := sleep(ctx, time.Until(due)); err != nil {
			return giveUp(err)
		}
		if lease == "" {
			return func() {}, nil
		}
		held := lease
		return func() { l.releaseLease(held) }, nil
	}
}

// Throttled records a 429 in Redis, so that every process waits d before
// its next request, and in this process at once.
func (l *RedisLimiter) Throttled(d time.Duration) {
	if d <= 0 {
		return
	}
	l.pauseFor(d)
	if l.down.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
	defer cancel()
	ms := max(d.Milliseconds(), 1)
	if err := pauseScript.Run(ctx, l.rdb, []string{l.keys.pause}, ms).Err(); err != nil {
		l.markDown(err)
	}
}

// reserve takes a turn in the shared rate and, when id is set, a slot, in
// one round trip.
func (l *RedisLimiter) reserve(ctx context.Context, id string) (_ *redis_rate.Result, _ companion, err error) {
	// redis_rate type-asserts Redis's answer; should an answer it does not
	// expect ever come, the request falls back instead of the program dying.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("unexpected answer from Redis: %v", p)
		}
	}()
	comp := &companion{keys: l.keys, max: l.maxSlots, lease: id, ttl: l.leaseTTL}
	res, err := l.gcra.AllowN(withCompanion(ctx, comp), l.keys.rate, l.limit, 1)
	if err != nil {
		return nil, companion{}, err
	}
	if !comp.ran {
		if err := comp.run(ctx, l.rdb); err != nil {
			return nil, companion{}, err
		}
	}
	return res, *comp, nil
}

// trySlot asks for a slot alone (and reads the pause).
func (l *RedisLimiter) trySlot(ctx context.Context, id string) (companion, error) {
	comp := &companion{keys: l.keys, max: l.maxSlots, lease: id, ttl: l.leaseTTL}
	err := comp.run(ctx, l.rdb)
	return *comp, err
}

// pollSlot waits for a free slot. One goroutine per process polls; the
// others queue behind it.
func (l *RedisLimiter) pollSlot(ctx context.Context, lease *string) error {
	select {
	case l.pollLine <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-l.pollLine }()
	wait := slotPollMin
	for {
		if l.down.Load() {
			return errors.New("redis is down")
		}
		id := newLeaseID()
		comp, err := l.trySlot(ctx, id)
		if err != nil {
			if ctx.Err() == nil {
				l.markDown(err)
			}
			return err
		}
		if comp.acquired {
			*lease = id
			l.hold(id)
			return nil
		}
		if comp.pause > 0 {
			l.pauseFor(comp.pause)
			return errors.New("paused")
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		wait = min(wait*2, slotPollMax)
	}
}

func (l *RedisLimiter) acquireFallback(ctx context.Context) (func(), error) {
	if err := l.fallback.Wait(ctx); err != nil {
		return nil, err
	}
	if err := l.fallbackSlot.acquire(ctx); err != nil {
		return nil, err
	}
	return l.fallbackSlot.release, nil
}

func (l *RedisLimiter) waitPause(ctx context.Context) error {
	until := l.pauseUntil.Load()
	if until == 0 {
		return nil
	}
	return sleep(ctx, time.Until(time.Unix(0, until)))
}

// pauseFor makes this process wait d before its next request.
func (l *RedisLimiter) pauseFor(d time.Duration) {
	until := time.Now().Add(d).UnixNano()
	for {
		cur := l.pauseUntil.Load()
		if cur >= until || l.pauseUntil.CompareAndSwap(cur, until) {
			return
		}
	}
}

// markDown switches to the local fallback, logging once per outage.
func (l *RedisLimiter) markDown(err error) {
	if l.down.CompareAndSwap(false, true) && l.logger != nil {
		l.logger.LogAttrs(context.Background(), slog.LevelWarn, "twilio: the shared limiter's Redis is unreachable; using the local fallback limiter until it is back",
			slog.String("redis", l.where), slog.String("error", err.Error()),
			slog.Float64("fallback_requests_per_second", float64(l.fallback.Limit())))
	}
}

func (l *RedisLimiter) markUp() {
	if l.down.CompareAndSwap(true, false) && l.logger != nil {
		l.logger.LogAttrs(context.Background(), slog.LevelInfo, "twilio: the shared limiter's Redis is back; the budget is shared again", slog.String("redis", l.where))
	}
}

func (l *RedisLimiter) hold(id string) {
	l.mu.Lock()
	l.held[id] = struct{}{}
	l.mu.Unlock()
}

// releaseLease gives a slot back. The ZREM goes out from the background
// goroutine, so a request never waits on it; should it be lost, the lease
// expires anyway.
func (l *RedisLimiter) releaseLease(id string) {
	l.mu.Lock()
	delete(l.held, id)
	l.mu.Unlock()
	select {
	case l.releases <- id:
	default: // a backlog means Redis is slow or gone: the lease will expire
	}
}

// background renews held leases, sends releases and, while Redis is
// unreachable, probes it.
func (l *RedisLimiter) background() {
	defer close(l.done)
	renew := time.NewTicker(l.leaseTTL / 3)
	defer renew.Stop()
	probe := time.NewTicker(redisProbeInterval)
	defer probe.Stop()
	for {
		select {
		case <-l.stop:
			l.flushReleases(nil)
			return
		case id := <-l.releases:
			l.flushReleases([]string{id})
		case <-renew.C:
			l.renewLeases()
		case <-probe.C:
			if l.down.Load() && l.probe() {
				l.markUp()
				l.flushReleases(nil) // the slots given back during the outage
			}
		}
	}
}

// probe reports whether Redis answers. A plain TCP dial goes first, so
// that a Redis that is gone costs no dial inside the client (which would
// log each failure).
func (l *RedisLimiter) probe() bool {
	conn, err := net.DialTimeout("tcp", l.rdb.Options().Addr, redisTimeout)
	if err != nil {
		return false
	}
	conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
	defer cancel()
	return l.rdb.Ping(ctx).Err() == nil
}

func (l *RedisLimiter) flushReleases(ids []string) {
	for more := true; more && len(ids) < 256; {
		select {
		case id := <-l.releases:
			ids = append(ids, id)
		default:
			more = false
		}
	}
	if l.down.Load() {
		// Kept for when Redis is back (a blink leaves the leases there);
		// past a bound they are left to expire.
		l.unsent = append(l.unsent, ids[:min(len(ids), maxUnsent-len(l.unsent))]...)
		return
	}
	ids, l.unsent = append(ids, l.unsent...), nil
	if len(ids) == 0 {
		return
	}
	members := make([]any, len(ids))
	for i, id := range ids {
		members[i] = id
	}
	ctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
	defer cancel()
	if err := l.rdb.ZRem(ctx, l.keys.slots, members...).Err(); err != nil {
		l.markDown(err)
		l.unsent = append(l.unsent, ids[:min(len(ids), maxUnsent)]...)
	}
}

func (l *RedisLimiter) renewLeases() {
	l.mu.Lock()
	args := make([]any, 0, len(l.held)+1)
	args = append(args, l.leaseTTL.Milliseconds())
	for id := range l.held {
		args = append(args, id)
	}
	l.mu.Unlock()
	if len(args) == 1 || l.down.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
	defer cancel()
	if err := renewScript.Run(ctx, l.rdb, []string{l.keys.slots}, args...).Err(); err != nil {
		l.markDown(err)
	}
}

func newLeaseID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

var _ RequestLimiter = (*RedisLimiter)(nil)
