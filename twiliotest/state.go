package twiliotest

import "time"

const (
	day      = int64(86400)
	dataSpan = 300 * day // seeded rows lie within this span before Now
)

// state is everything the emulator serves; guarded by Server.mu.
type state struct {
	now   time.Time
	nowU  int64
	seed  int64
	acct  string
	token string

	pool      *strPool // phone numbers, endpoints, names, Sids referred to by rows
	calls     callStore
	msgs      msgStore
	recs      recStore
	nums      numStore
	cids      cidStore
	feedback  map[int32]*feedbackRow // by call row
	summaries map[string]*summaryRow
	sumMade   uint64
}

func newState(cfg config) *state {
	st := &state{
		now: cfg.now, nowU: cfg.now.Unix(), seed: cfg.seed,
		acct: cfg.accountSid, token: cfg.authToken,
		pool:      newPool(),
		feedback:  map[int32]*feedbackRow{},
		summaries: map[string]*summaryRow{},
	}
	st.seedNumbers(cfg.size.IncomingPhoneNumbers)
	st.seedCallerIDs(cfg.size.OutgoingCallerIds)
	nCust := (cfg.size.Calls + cfg.size.Messages) / 5
	nCust = max(40, min(nCust, 20000))
	cust := customers(cfg.seed, nCust)
	st.seedCalls(cfg.size.Calls, cust)
	st.delayCallStarts(cfg.callStartDelay)
	st.seedRecordings(cfg.size.Recordings)
	st.seedMessages(cfg.size.Messages, cust)
	st.seedFeedback()
	return st
}

// accountURI is "/2010-04-01/Accounts/AC…".
func (st *state) accountURI() string { return apiPrefix + st.acct }
