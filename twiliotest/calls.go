package twiliotest

import (
	"regexp"
	"strconv"
	"strings"
)

var callStatuses = []string{"queued", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled"}

const (
	csQueued uint8 = iota
	csRinging
	csInProgress
	csCompleted
	csBusy
	csFailed
	csNoAnswer
	csCanceled
)

var callDirections = []string{"inbound", "outbound-api", "outbound-dial"}

const (
	dirInbound uint8 = iota
	dirOutboundAPI
	dirOutboundDial
)

var answeredByValues = []string{"", "human", "machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax", "unknown"}

var callerNames = []string{"JOHN SMITH", "WIRELESS CALLER", "ACME CORP", "JANE DOE", "MARIA GARCIA", "SAN FRANCISCO CA", "OKAFOR CHIDI", "LEE MIN"}

var agentEndpoints = []string{"client:alice", "client:bob", "client:carol", "sip:alice@acme-support.sip.twilio.com", "sip:frontdesk@pbx.example.com"}

// callRow is a compact call; strings live in state.pool.
type callRow struct {
	created, updated, start, end     int64 // noTime = null
	to, from, fwd, callerName, pnSid uint32
	parent                           int32 // call row, -1 = none
	duration                         int32 // -1 = null
	price                            int32 // noPrice = null
	queueTime                        int32 // -1 = null
	status, direction, answeredBy    uint8
}

type callStore struct {
	idx  index
	rows []callRow
}

// callJSON is api.v2010.account.call.
type callJSON struct {
	Sid             *string          `json:"sid"`
	DateCreated     *string          `json:"date_created"`
	DateUpdated     *string          `json:"date_updated"`
	ParentCallSid   *string          `json:"parent_call_sid"`
	AccountSid      *string          `json:"account_sid"`
	To              *string          `json:"to"`
	ToFormatted     *string          `json:"to_formatted"`
	From            *string          `json:"from"`
	FromFormatted   *string          `json:"from_formatted"`
	PhoneNumberSid  *string          `json:"phone_number_sid"`
	Status          string           `json:"status"`
	StartTime       *string          `json:"start_time"`
	EndTime         *string          `json:"end_time"`
	Duration        *string          `json:"duration"`
	Price           *string          `json:"price"`
	PriceUnit       *string          `json:"price_unit"`
	Direction       *string          `json:"direction"`
	AnsweredBy      *string          `json:"answered_by"`
	APIVersion      *string          `json:"api_version"`
	ForwardedFrom   *string          `json:"forwarded_from"`
	GroupSid        *string          `json:"group_sid"`
	CallerName      *string          `json:"caller_name"`
	QueueTime       *string          `json:"queue_time"`
	TrunkSid        *string          `json:"trunk_sid"`
	URI             *string          `json:"uri"`
	SubresourceURIs *callSubresource `json:"subresource_uris"`
}

type callSubresource struct {
	Notifications                   string `json:"notifications"`
	Recordings                      string `json:"recordings"`
	Payments                        string `json:"payments"`
	Events                          string `json:"events"`
	Siprec                          string `json:"siprec"`
	Streams                         string `json:"streams"`
	Transcriptions                  string `json:"transcriptions"`
	UserDefinedMessageSubscriptions string `json:"user_defined_message_subscriptions"`
	UserDefinedMessages             string `json:"user_defined_messages"`
}

type ourNumber struct {
	num   string
	pnSid uint32
}

// voiceNumbers returns the account's voice-capable numbers (seeded order).
func (st *state) voiceNumbers() []ourNumber {
	var out []ourNumber
	for _, r := range st.nums.rows {
		if r.Capabilities.Voice {
			out = append(out, ourNumber{*r.PhoneNumber, st.pool.id(*r.Sid)})
		}
	}
	if len(out) == 0 {
		out = append(out, ourNumber{WhatsAppNumber, none})
	}
	return out
}

func (st *state) seedCalls(n int, cust []string) {
	cs := &st.calls
	cs.idx = newIndex("CA", "", domCall, st.seed, n)
	cs.rows = make([]callRow, n)
	ours := st.voiceNumbers()
	p := st.pool

	base := spread(st.seed, domCall, st.nowU, n, dataSpan)
	times := append([]int64(nil), base...)
	const fresh = 8 // the newest calls carry the in-flight statuses
	freshStatus := []uint8{csQueued, csRinging, csInProgress, csInProgress, csCanceled, csBusy, csFailed, csNoAnswer}
	for i := 0; i < min(n, fresh); i++ {
		times[i] = st.nowU - 60*int64(i+1) - int64(newRng(st.seed, domCall, uint64(i)).intn(50))
	}
	// Well-known calls: completed, away from the fresh ones.
	wkDel, wkFb := -1, -1
	switch {
	case n > fresh+2:
		wkDel, wkFb = max(fresh, n/3), max(fresh+1, n/2)
		if wkFb == wkDel {
			wkFb++
		}
	case n >= 2:
		wkDel, wkFb = n-1, n-2
	case n == 1:
		wkFb = 0
	}
	// Parent/child pairs: the child (a <Dial>ed leg) is row i, its parent
	// row i+1 (older).
	child := make([]bool, n)
	parent := make([]bool, n)
	for i := fresh + 2; i+1 < n; i++ {
		if parent[i] || i == wkDel || i == wkFb {
			continue
		}
		if newRng(st.seed, domCall, uint64(i)|1<<33).chance(18) {
			child[i], parent[i+1] = true, true
		}
	}
	for i := n - 1; i >= 0; i-- {
		r := newRng(st.seed, domCall, uint64(i))
		row := &cs.rows[i]
		*row = callRow{fwd: none, callerName: none, pnSid: none, parent: -1, duration: -1, price: noPrice, queueTime: 0}
		switch {
		case i < fresh:
			row.status = freshStatus[i]
		case parent[i]:
			row.status = csCompleted
		case child[i]:
			row.status = []uint8{csCompleted, csCompleted, csCompleted, csNoAnswer, csBusy}[r.intn(5)]
		default:
			row.status = []uint8{csCompleted, csBusy, csFailed, csNoAnswer, csCanceled}[r.weighted([]int{78, 6, 3, 10, 3})]
		}
		if i == wkDel || i == wkFb {
			row.status = csCompleted
		}
		us := ours[r.intn(len(ours))]
		switch {
		case child[i]:
			par := &cs.rows[i+1]
			row.parent = int32(i + 1)
			row.direction = dirOutboundDial
			row.from = par.to
			row.pnSid = par.pnSid
			if r.chance(60) {
				row.to = p.id(agentEndpoints[r.intn(len(agentEndpoints))])
			} else {
				row.to = p.id(cust[r.intn(len(cust))])
			}
			d := int64(r.between(2, 12))
			limit := st.nowU
			if i > 0 {
				limit = base[i-1]
			}
			if times[i+1]+d >= limit {
				d = max(1, (limit-times[i+1])/2)
			}
			times[i] = times[i+1] + d
		case parent[i] || r.chance(45):
			row.direction = dirInbound
			if !parent[i] && r.chance(8) {
				row.from = p.id(agentEndpoints[r.intn(3)]) // a client app calling out
				row.to = p.id(cust[r.intn(len(cust))])
			} else {
				row.from = p.id(cust[r.intn(len(cust))])
				row.to = p.id(us.num)
				row.pnSid = us.pnSid
				if r.chance(20) {
					row.callerName = p.id(callerNames[r.intn(len(callerNames))])
				}
				if r.chance(8) {
					row.fwd = p.id(cust[r.intn(len(cust))])
				}
			}
		default:
			row.direction = dirOutboundAPI
			row.from = p.id(us.num)
			row.pnSid = us.pnSid
			switch x := r.intn(100); {
			case x < 85:
				row.to = p.id(cust[r.intn(len(cust))])
			case x < 95:
				row.to = p.id(agentEndpoints[3+r.intn(2)])
			default:
				row.to = p.id("client:carol")
			}
			row.queueTime = int32(r.intn(4)) * 500
			if row.status == csCompleted && r.chance(30) {
				row.answeredBy = uint8(1 + r.weighted([]int{60, 20, 6, 4, 3, 3, 4}))
			}
		}
		t := times[i]
		row.created = t
		switch row.status {
		case csQueued:
			row.updated = t
		case csCanceled:
			row.end = t + int64(r.between(1, 20))
			row.updated = row.end
			row.duration = 0
		case csRinging:
			row.start = t + 1
			row.updated = row.start
		case csInProgress:
			row.start = t + 1
			row.updated = t + int64(r.between(3, 20))
		default:
			row.start = t
			if row.direction == dirOutboundAPI {
				row.start = t + 1
			}
			dur := int64(0)
			if row.status == csCompleted {
				if r.chance(85) {
					dur = int64(r.between(4, 240))
				} else {
					dur = int64(r.between(240, 3600))
				}
				if child[i] {
					dur = max(1, dur/2)
				}
				row.price = -int32((dur+59)/60) * callRate(p.str(row.to), row.direction)
			} else if row.status != csFailed {
				dur = 0
				row.end = row.start + int64(r.between(5, 30))
			}
			if row.end == noTime {
				row.end = row.start + dur
			}
			row.duration = int32(dur)
			row.updated = row.end + int64(r.between(0, 2))
		}
		// Parents outlast their children: fix up once the child is known.
		if child[i] {
			par := &cs.rows[i+1]
			if row.end != noTime && row.end+2 > par.end {
				par.end = row.end + int64(r.between(2, 10))
				par.duration = int32(par.end - par.start)
				par.updated = par.end + 1
				par.price = -int32((int64(par.duration)+59)/60) * callRate(p.str(par.to), par.direction)
			}
		}
	}
	for i := range n {
		sid := makeSid(st.seed, domCall, uint64(i))
		switch i {
		case wkDel:
			sid = mustSid(DeletableCallSid)
		case wkFb:
			sid = mustSid(FeedbackCallSid)
		}
		cs.idx.seedRow(cs.rows[i].created, sid, false)
	}
	cs.idx.finish()
}

// callRate is the per-minute price in 1e-5 USD.
func callRate(to string, dir uint8) int32 {
	switch {
	case strings.HasPrefix(to, "client:") || strings.HasPrefix(to, "sip:"):
		return 400
	case dir == dirInbound:
		return 850
	case strings.HasPrefix(to, "+1"):
		return 1400
	default:
		return 4000
	}
}

func (c *ctx) renderCall(row int32) any {
	st := c.st
	x := &st.calls.idx
	r := &st.calls.rows[row]
	sid := x.sidString(row)
	uri := c.base + "/Calls/" + sid
	j := &callJSON{
		Sid:            sp(sid),
		DateCreated:    rfc2822(r.created),
		DateUpdated:    rfc2822(r.updated),
		AccountSid:     sp(st.acct),
		To:             st.pool.get(r.to),
		ToFormatted:    sp(formatNumber(st.pool.str(r.to))),
		From:           st.pool.get(r.from),
		FromFormatted:  sp(formatNumber(st.pool.str(r.from))),
		PhoneNumberSid: st.pool.get(r.pnSid),
		Status:         callStatuses[r.status],
		StartTime:      rfc2822(r.start),
		EndTime:        rfc2822(r.end),
		Duration:       intStrP(r.duration, r.duration < 0),
		Price:          priceStr(r.price),
		PriceUnit:      sp("USD"),
		Direction:      sp(callDirections[r.direction]),
		APIVersion:     sp("2010-04-01"),
		ForwardedFrom:  st.pool.get(r.fwd),
		CallerName:     st.pool.get(r.callerName),
		QueueTime:      intStrP(r.queueTime, r.queueTime < 0),
		URI:            sp(uri + ".json"),
		SubresourceURIs: &callSubresource{
			Notifications:                   uri + "/Notifications.json",
			Recordings:                      uri + "/Recordings.json",
			Payments:                        uri + "/Payments.json",
			Events:                          uri + "/Events.json",
			Siprec:                          uri + "/Siprec.json",
			Streams:                         uri + "/Streams.json",
			Transcriptions:                  uri + "/Transcriptions.json",
			UserDefinedMessageSubscriptions: uri + "/UserDefinedMessageSubscriptions.json",
			UserDefinedMessages:             uri + "/UserDefinedMessages.json",
		},
	}
	if r.from == none {
		j.FromFormatted = nil
	}
	if r.parent >= 0 {
		j.ParentCallSid = sp(x.sidString(r.parent))
	}
	if r.answeredBy != 0 {
		j.AnsweredBy = sp(answeredByValues[r.answeredBy])
	}
	return j
}

func listCalls(c *ctx) (int, any) {
	st := c.st
	cs := &st.calls
	to, hasTo := none, false
	if v, ok := c.first("To"); ok {
		to, hasTo = poolFilter(st.pool, v), true
	}
	from, hasFrom := none, false
	if v, ok := c.first("From"); ok {
		from, hasFrom = poolFilter(st.pool, v), true
	}
	parent, hasParent := int32(-2), false
	if v, ok := c.first("ParentCallSid"); ok {
		hasParent = true
		if row, ok := cs.idx.lookup(v); ok {
			parent = row
		}
	}
	status, hasStatus := uint8(255), false
	if v, ok := c.first("Status"); ok {
		hasStatus = true
		for i, s := range callStatuses {
			if s == v {
				status = uint8(i)
			}
		}
	}
	startF, aerr := c.dayParams("StartTime")
	if aerr != nil {
		return 400, aerr
	}
	endF, aerr := c.dayParams("EndTime")
	if aerr != nil {
		return 400, aerr
	}
	return c.list(lister{
		key: "calls", path: "Calls.json",
		params: []string{"To", "From", "ParentCallSid", "Status", "StartTime", "StartTime<", "StartTime>", "EndTime", "EndTime<", "EndTime>"},
		idx:    &cs.idx,
		match: func(row int32) bool {
			r := &cs.rows[row]
			return (!hasTo || r.to == to) && (!hasFrom || r.from == from) &&
				(!hasParent || r.parent == parent) && (!hasStatus || r.status == status) &&
				startF.match(r.start) && endF.match(r.end)
		},
		render: c.renderCall,
	})
}

func getCall(c *ctx) (int, any) {
	row, ok := c.st.calls.idx.find(c.sid)
	if !ok {
		return 404, errNotFound(c.path)
	}
	return 200, c.renderCall(row)
}

func deleteCall(c *ctx) (int, any) {
	row, ok := c.st.calls.idx.find(c.sid)
	if !ok {
		return 404, errNotFound(c.path)
	}
	c.st.calls.idx.remove(row)
	return 204, nil
}

var (
	clientRe = regexp.MustCompile(`^client:[A-Za-z0-9_.\-]{1,256}$`)
	sipRe    = regexp.MustCompile(`^sip:[^@\s]+@[A-Za-z0-9.\-]+(:\d+)?(;.*)?$`)
)

func createCall(c *ctx) (int, any) {
	st := c.st
	f := c.form
	to, ok := formValue(f, "To")
	if !ok {
		return 400, newError(400, codeCallNoTo, "No 'To' number is specified")
	}
	from, ok := formValue(f, "From")
	if !ok {
		return 400, newError(400, codeCallNoFrom, "No 'From' number is specified")
	}
	if !isE164(to) && !clientRe.MatchString(to) && !sipRe.MatchString(to) {
		return 400, newError(400, codeInvalidTo, "Invalid 'To' Phone Number: %s", to)
	}
	if !isE164(from) && !clientRe.MatchString(from) {
		return 400, newError(400, codeInvalidFrom, "Invalid 'From' Phone Number: %s", from)
	}
	pnSid := none
	if isE164(from) {
		if n, own := st.ownNumber(from); own {
			pnSid = st.pool.id(*n.Sid)
		} else if !st.verifiedCallerID(from) {
			return 400, newError(400, codeCallerNotVerified, "The source phone number provided, %s, is not yet verified for your account. You may only make calls from phone numbers that you've verified or purchased from Twilio.", from)
		}
	}
	u, hasURL := formValue(f, "Url")
	_, hasTwiml := formValue(f, "Twiml")
	app, hasApp := formValue(f, "ApplicationSid")
	if !hasURL && !hasTwiml && !hasApp {
		return 400, newError(400, codeCallBadURL, "A 'Url', 'Twiml' or 'ApplicationSid' parameter is required to place a call")
	}
	if hasURL && !validURL(u) {
		return 400, newError(400, codeCallBadURL, "Url is not a valid URL: %s", u)
	}
	if hasApp && !validSid(app, "AP") {
		return 400, errParam("ApplicationSid '%s' is not a valid Application Sid", app)
	}
	if aerr := checkCallParams(f); aerr != nil {
		return 400, aerr
	}
	for _, name := range []string{"Timeout", "MachineDetectionTimeout", "MachineDetectionSpeechThreshold", "MachineDetectionSpeechEndThreshold", "MachineDetectionSilenceTimeout"} {
		if v, ok := formValue(f, name); ok {
			if _, err := strconv.Atoi(v); err != nil {
				return 400, errParam("%s must be an integer, not '%s'", name, v)
			}
		}
	}
	if v, ok := formValue(f, "Record"); ok {
		if _, err := strconv.ParseBool(v); err != nil {
			return 400, errParam("Record must be true or false, not '%s'", v)
		}
	}
	if v, ok := formValue(f, "MachineDetection"); ok && v != "Enable" && v != "DetectMessageEnd" {
		return 400, errParam("MachineDetection must be 'Enable' or 'DetectMessageEnd', not '%s'", v)
	}
	cs := &st.calls
	sid := cs.idx.newSid()
	row := cs.idx.add(st.nowU, sid, false)
	cs.rows = append(cs.rows, callRow{
		created: st.nowU, updated: st.nowU,
		to: st.pool.id(to), from: st.pool.id(from), fwd: none, callerName: none, pnSid: pnSid,
		parent: -1, duration: -1, price: noPrice, queueTime: 0,
		status: csQueued, direction: dirOutboundAPI,
	})
	c.created = cs.idx.sidString(row)
	return 201, c.renderCall(row)
}

// checkCallParams validates the parameters shared by Create and Update.
func checkCallParams(f map[string][]string) *apiError {
	for _, name := range []string{"FallbackUrl", "StatusCallback"} {
		if v, ok := formValue(f, name); ok && !validURL(v) {
			return newError(400, codeBadCallbackURL, "%s is not a valid URL: %s", name, v)
		}
	}
	for _, name := range []string{"Method", "FallbackMethod", "StatusCallbackMethod"} {
		if v, ok := formValue(f, name); ok {
			if _, ok := httpMethod(v); !ok {
				return errParam("%s must be GET or POST, not '%s'", name, v)
			}
		}
	}
	if v, ok := formValue(f, "TimeLimit"); ok {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return errParam("TimeLimit must be a non-negative integer, not '%s'", v)
		}
	}
	if v, ok := formValue(f, "Twiml"); ok && len(v) > 4000 {
		return errParam("Twiml is too long: it must be 4000 characters or fewer")
	}
	return nil
}

// updateCall modifies a live call: Status=canceled hangs up a queued or
// ringing call (no effect on one in progress); Status=completed hangs up
// any live call; Url/Twiml redirect it. A finished call cannot be modified
// (21220).
func updateCall(c *ctx) (int, any) {
	st := c.st
	row, ok := st.calls.idx.find(c.sid)
	if !ok {
		return 404, errNotFound(c.path)
	}
	f := c.form
	status, hasStatus := formValue(f, "Status")
	if hasStatus && status != "completed" && status != "canceled" {
		return 400, errParam("Status must be 'completed' or 'canceled', not '%s'", status)
	}
	u, hasURL := formValue(f, "Url")
	if hasURL && !validURL(u) {
		return 400, newError(400, codeCallBadURL, "Url is not a valid URL: %s", u)
	}
	_, hasTwiml := formValue(f, "Twiml")
	if aerr := checkCallParams(f); aerr != nil {
		return 400, aerr
	}
	r := &st.calls.rows[row]
	live := r.status == csQueued || r.status == csRinging || r.status == csInProgress
	changes := hasStatus || hasURL || hasTwiml
	if !changes {
		return 200, c.renderCall(row)
	}
	if !live {
		return 400, newError(400, codeCallNotInProgress, "Call is not in-progress. Cannot redirect.")
	}
	now := st.nowU
	switch {
	case hasStatus && r.status == csInProgress && status == "completed":
		r.status = csCompleted
		r.end = now
		r.duration = int32(max(0, now-r.start))
		r.price = -int32((int64(r.duration)+59)/60) * callRate(st.pool.str(r.to), r.direction)
	case hasStatus && r.status != csInProgress:
		r.status = csCanceled
		r.end = now
		r.duration = 0
	}
	r.updated = now
	return 200, c.renderCall(row)
}
