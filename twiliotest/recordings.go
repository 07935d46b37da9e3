package twiliotest

import "strconv"

var recStatuses = []string{"in-progress", "paused", "stopped", "processing", "completed", "absent", "deleted"}

const (
	rsInProgress uint8 = iota
	rsPaused
	rsStopped
	rsProcessing
	rsCompleted
	rsAbsent
	rsDeleted
)

var recSources = []string{"DialVerb", "Conference", "OutboundAPI", "Trunking", "RecordVerb", "StartCallRecordingAPI", "StartConferenceRecordingAPI"}

const (
	srcDialVerb uint8 = iota
	srcConference
	srcOutboundAPI
	srcTrunking
	srcRecordVerb
	srcStartCallAPI
	srcStartConferenceAPI
)

// recRow is a compact recording.
type recRow struct {
	created, updated, start int64
	call                    int32  // call row, -1 = none
	conf                    uint32 // conference Sid in the pool, none = null
	duration                int32
	price                   int32
	errCode                 int32 // 0 = null
	status, source, chans   uint8
}

type recStore struct {
	idx  index
	rows []recRow
}

// recordingJSON is api.v2010.account.recording.
type recordingJSON struct {
	AccountSid        *string         `json:"account_sid"`
	APIVersion        *string         `json:"api_version"`
	CallSid           *string         `json:"call_sid"`
	ConferenceSid     *string         `json:"conference_sid"`
	DateCreated       *string         `json:"date_created"`
	DateUpdated       *string         `json:"date_updated"`
	StartTime         *string         `json:"start_time"`
	Duration          *string         `json:"duration"`
	Sid               *string         `json:"sid"`
	Price             *string         `json:"price"`
	PriceUnit         *string         `json:"price_unit"`
	Status            string          `json:"status"`
	Channels          *int            `json:"channels"`
	Source            string          `json:"source"`
	ErrorCode         *int            `json:"error_code"`
	URI               *string         `json:"uri"`
	EncryptionDetails any             `json:"encryption_details"`
	SubresourceURIs   *recSubresource `json:"subresource_uris"`
	MediaURL          *string         `json:"media_url"`
}

type recSubresource struct {
	AddOnResults   string `json:"add_on_results"`
	Transcriptions string `json:"transcriptions"`
}

func (st *state) seedRecordings(m int) {
	rs := &st.recs
	rs.idx = newIndex("RE", "", domRecording, st.seed, m)
	rs.rows = make([]recRow, m)
	calls := &st.calls
	var live, done []int32
	for i := range calls.rows {
		switch c := &calls.rows[i]; c.status {
		case csInProgress:
			live = append(live, int32(i))
		case csCompleted:
			if c.duration > 0 && calls.idx.sids[i] != mustSid(FeedbackCallSid) {
				done = append(done, int32(i))
			}
		}
	}
	var confs []uint32
	for k := range 4 {
		confs = append(confs, st.pool.id(sidStr("CF", makeSid(st.seed, domConference, uint64(k)))))
	}
	wk := -1
	if m > 0 {
		wk = m - 1
		if m > 14 {
			wk = m / 2
		}
	}
	for j := range m {
		r := newRng(st.seed, domRecording, uint64(j))
		row := &rs.rows[j]
		*row = recRow{call: -1, conf: none, price: noPrice, chans: 1, status: rsCompleted}
		if r.chance(30) {
			row.chans = 2
		}
		switch {
		case j < 2 && len(live) > 0:
			row.call = live[j%len(live)]
			row.status = []uint8{rsInProgress, rsPaused}[j]
		case len(done) > 0:
			row.call = done[r.intn(len(done))]
			if j >= 2 && j < 6 && j != wk {
				row.status = []uint8{rsStopped, rsProcessing, rsAbsent, rsDeleted}[j-2]
			}
		}
		// Source follows the call, and every source appears.
		if row.call >= 0 {
			c := &calls.rows[row.call]
			switch {
			case c.direction == dirOutboundDial || c.parent >= 0:
				row.source = srcDialVerb
			case c.direction == dirOutboundAPI:
				row.source = []uint8{srcOutboundAPI, srcStartCallAPI}[r.intn(2)]
			default:
				row.source = []uint8{srcRecordVerb, srcDialVerb, srcStartCallAPI}[r.intn(3)]
			}
			if r.chance(12) {
				row.source = []uint8{srcConference, srcStartConferenceAPI}[r.intn(2)]
			}
		} else {
			row.source = srcConference
		}
		if j >= 6 && j < 6+len(recSources) {
			row.source = uint8(j - 6)
		}
		if row.source == srcConference || row.source == srcStartConferenceAPI {
			row.conf = confs[r.intn(len(confs))]
		}
		if j == wk {
			row.status = rsCompleted
		}
		// Timing.
		var start int64
		callDur := int64(60)
		if row.call >= 0 {
			c := &calls.rows[row.call]
			start = c.start
			if c.duration > 0 {
				callDur = int64(c.duration)
			}
		} else {
			start = st.nowU - int64(r.intn(int(dataSpan)))
		}
		start += int64(r.between(0, min(5, int(callDur)/2)))
		row.start, row.created = start, start
		switch row.status {
		case rsInProgress, rsPaused:
			row.duration = -1
			row.updated = start
		case rsAbsent:
			row.duration = 0
			row.updated = start + 2
		default:
			dur := int64(r.between(1, max(1, int(callDur)-1)))
			row.duration = int32(dur)
			row.updated = start + dur + int64(r.between(1, 6))
			if row.status != rsProcessing {
				row.price = -int32((dur+59)/60) * 250
			}
		}
		if row.updated > st.nowU {
			row.updated = st.nowU
		}
		sid := makeSid(st.seed, domRecording, uint64(j))
		if j == wk {
			sid = mustSid(RecordingSid)
		}
		rs.idx.seedRow(row.created, sid, false)
	}
	rs.idx.finish()
}

func (c *ctx) renderRecording(row int32) any {
	st := c.st
	r := &st.recs.rows[row]
	sid := st.recs.idx.sidString(row)
	uri := c.base + "/Recordings/" + sid
	j := &recordingJSON{
		AccountSid:    sp(st.acct),
		APIVersion:    sp("2010-04-01"),
		ConferenceSid: st.pool.get(r.conf),
		DateCreated:   rfc2822(r.created),
		DateUpdated:   rfc2822(r.updated),
		StartTime:     rfc2822(r.start),
		Duration:      sp(strconv.Itoa(int(r.duration))),
		Sid:           sp(sid),
		Price:         priceStr(r.price),
		PriceUnit:     sp("USD"),
		Status:        recStatuses[r.status],
		Channels:      ip(int(r.chans)),
		Source:        recSources[r.source],
		URI:           sp(uri + ".json"),
		SubresourceURIs: &recSubresource{
			AddOnResults:   uri + "/AddOnResults.json",
			Transcriptions: uri + "/Transcriptions.json",
		},
		MediaURL: sp("https://api.twilio.com" + uri),
	}
	if r.call >= 0 {
		j.CallSid = sp(st.calls.idx.sidString(r.call))
	}
	if r.errCode != 0 {
		j.ErrorCode = ip(int(r.errCode))
	}
	return j
}

// Soft-deleted recordings (status "deleted") are only served with
// IncludeSoftDeleted=true, as Twilio does; a DELETE through the API removes
// the recording outright (GET answers 404 afterwards).
func (c *ctx) includeSoftDeleted() (bool, *apiError) {
	v, ok := c.first("IncludeSoftDeleted")
	if !ok {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, errParam("Invalid value for IncludeSoftDeleted: '%s' is not a boolean", v)
	}
	return b, nil
}

func listRecordings(c *ctx) (int, any) {
	st := c.st
	rs := &st.recs
	soft, aerr := c.includeSoftDeleted()
	if aerr != nil {
		return 400, aerr
	}
	created, aerr := c.dayParams("DateCreated")
	if aerr != nil {
		return 400, aerr
	}
	call, hasCall := int32(-2), false
	if v, ok := c.first("CallSid"); ok {
		hasCall = true
		if row, ok := st.calls.idx.lookup(v); ok {
			call = row
		}
	}
	conf, hasConf := none, false
	if v, ok := c.first("ConferenceSid"); ok {
		conf, hasConf = poolFilter(st.pool, v), true
	}
	return c.list(lister{
		key: "recordings", path: "Recordings.json",
		params: []string{"DateCreated", "DateCreated<", "DateCreated>", "CallSid", "ConferenceSid", "IncludeSoftDeleted"},
		idx:    &rs.idx,
		match: func(row int32) bool {
			r := &rs.rows[row]
			return (soft || r.status != rsDeleted) && created.match(r.created) &&
				(!hasCall || r.call == call) && (!hasConf || r.conf == conf)
		},
		render: c.renderRecording,
	})
}

func getRecording(c *ctx) (int, any) {
	soft, aerr := c.includeSoftDeleted()
	if aerr != nil {
		return 400, aerr
	}
	row, ok := c.st.recs.idx.find(c.sid)
	if !ok || (!soft && c.st.recs.rows[row].status == rsDeleted) {
		return 404, errNotFound(c.path)
	}
	return 200, c.renderRecording(row)
}

func deleteRecording(c *ctx) (int, any) {
	row, ok := c.st.recs.idx.find(c.sid)
	if !ok || c.st.recs.rows[row].status == rsDeleted {
		return 404, errNotFound(c.path)
	}
	c.st.recs.idx.remove(row)
	return 204, nil
}

// liveRecordings counts recordings a default list shows.
func (st *state) liveRecordings() int {
	n := 0
	for i := range st.recs.rows {
		if !st.recs.idx.dead[i] && st.recs.rows[i].status != rsDeleted {
			n++
		}
	}
	return n
}
