package twiliotest

import "time"

// WithCallStartDelay makes seeded calls start after they were created, as
// calls left queued (or placed behind a busy account's calls-per-second
// limit) do on Twilio: each seeded call that has a start_time gets a
// deterministic delay in [0, max) added to its start_time, end_time and
// date_updated, while date_created, and so the list order, stay as without
// the option. A call without a start_time (queued, canceled) keeps null
// start and end times as they were. A <Dial>ed child leg is delayed with its
// parent, and no call is made to start, end or be updated after the clock
// (the delay is shortened instead). StartTime then does not follow the list
// order: a call created on day D may start on day D+1 and be listed after
// calls that started on day D.
//
// The default, 0, seeds the calls exactly as without the option.
// Recordings and feedback seeded from delayed calls follow their calls.
func WithCallStartDelay(max time.Duration) Option {
	return func(c *config) { c.callStartDelay = max }
}

// delayCallStarts applies WithCallStartDelay to the seeded calls (before
// recordings and feedback are seeded from them).
func (st *state) delayCallStarts(maxDelay time.Duration) {
	span := int64(maxDelay / time.Second)
	if span <= 0 {
		return
	}
	rows := st.calls.rows
	delays := make([]int64, len(rows))
	// Parents (row i+1) come before their children (row i).
	for i := len(rows) - 1; i >= 0; i-- {
		r := &rows[i]
		if r.start == noTime {
			continue
		}
		if r.parent >= 0 && rows[r.parent].start != noTime {
			delays[i] = delays[r.parent]
			continue
		}
		d := int64(newRng(st.seed, domCall, uint64(i)|1<<34).intn(int(min(span, 1<<31-1))))
		// Nothing may happen after the clock: the call's (and its child's)
		// latest time bounds the delay.
		last := max(r.start, r.end, r.updated)
		if i > 0 && rows[i-1].parent == int32(i) {
			c := &rows[i-1]
			last = max(last, c.start, c.end, c.updated)
		}
		delays[i] = max(0, min(d, st.nowU-last))
	}
	for i := range rows {
		r := &rows[i]
		d := delays[i]
		if d == 0 {
			continue
		}
		r.start += d
		if r.end != noTime {
			r.end += d
		}
		r.updated += d
	}
}
