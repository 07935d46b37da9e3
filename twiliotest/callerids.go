package twiliotest

import (
	"strconv"
	"unicode/utf8"
)

// callerIDJSON is api.v2010.account.outgoing_caller_id.
type callerIDJSON struct {
	Sid          *string `json:"sid"`
	DateCreated  *string `json:"date_created"`
	DateUpdated  *string `json:"date_updated"`
	FriendlyName *string `json:"friendly_name"`
	AccountSid   *string `json:"account_sid"`
	PhoneNumber  *string `json:"phone_number"`
	URI          *string `json:"uri"`
}

// validationRequestJSON is api.v2010.account.validation_request.
type validationRequestJSON struct {
	AccountSid     *string `json:"account_sid"`
	CallSid        *string `json:"call_sid"`
	FriendlyName   *string `json:"friendly_name"`
	PhoneNumber    *string `json:"phone_number"`
	ValidationCode *string `json:"validation_code"`
}

type cidStore struct {
	idx  index
	rows []*callerIDJSON
}

var callerIDNames = []string{"Alice (mobile)", "Bob's desk", "", "Front desk", "", "On-call phone", "", "Warehouse"}

func (st *state) seedCallerIDs(n int) {
	cs := &st.cids
	cs.idx = newIndex("PN", "", domCallerID, st.seed, n)
	times := spread(st.seed, domCallerID, st.nowU, n, dataSpan)
	used := map[string]bool{}
	for k := 0; k < n; k++ { // k = 0 is the oldest
		r := newRng(st.seed, domCallerID, uint64(k))
		created := times[n-1-k]
		var sid sid16
		var num, name string
		if k == 0 {
			sid, num = mustSid(OutgoingCallerIdSid), OutgoingCallerIdNumber
		} else {
			sid = makeSid(st.seed, domCallerID, uint64(k))
			for num == "" || used[num] || num == OutgoingCallerIdNumber {
				num = customerNumber(r)
			}
			name = callerIDNames[(k-1)%len(callerIDNames)]
		}
		if name == "" {
			name = formatNumber(num)
		}
		used[num] = true
		row := st.newCallerIDRow(sid, num, name, created)
		cs.idx.seedRow(created, sid, false)
		cs.rows = append(cs.rows, row)
	}
	cs.idx.finish()
}

func (st *state) newCallerIDRow(sid sid16, num, name string, created int64) *callerIDJSON {
	s := sidStr("PN", sid)
	return &callerIDJSON{
		Sid: sp(s), DateCreated: rfc2822(created), DateUpdated: rfc2822(created),
		FriendlyName: sp(name), AccountSid: sp(st.acct), PhoneNumber: sp(num),
		URI: sp(st.accountURI() + "/OutgoingCallerIds/" + s + ".json"),
	}
}

// verifiedCallerID reports whether num is a live outgoing caller id.
func (st *state) verifiedCallerID(num string) bool {
	for i, r := range st.cids.rows {
		if !st.cids.idx.dead[i] && *r.PhoneNumber == num {
			return true
		}
	}
	return false
}

func listCallerIDs(c *ctx) (int, any) {
	cs := &c.st.cids
	num, hasNum := c.first("PhoneNumber")
	name, hasName := c.first("FriendlyName")
	return c.list(lister{
		key: "outgoing_caller_ids", path: "OutgoingCallerIds.json",
		params: []string{"PhoneNumber", "FriendlyName"},
		idx:    &cs.idx,
		match: func(row int32) bool {
			r := cs.rows[row]
			return (!hasNum || *r.PhoneNumber == num) && (!hasName || *r.FriendlyName == name)
		},
		render: func(row int32) any { return cs.rows[row] },
	})
}

func getCallerID(c *ctx) (int, any) {
	row, ok := c.st.cids.idx.find(c.sid)
	if !ok {
		return 404, errNotFound(c.path)
	}
	return 200, c.st.cids.rows[row]
}

func updateCallerID(c *ctx) (int, any) {
	st := c.st
	row, ok := st.cids.idx.find(c.sid)
	if !ok {
		return 404, errNotFound(c.path)
	}
	r := st.cids.rows[row]
	if v, ok := c.form["FriendlyName"]; ok {
		if utf8.RuneCountInString(v[0]) > 64 {
			return 400, errParam("FriendlyName is too long: it must be 64 characters or fewer")
		}
		r.FriendlyName = sp(v[0])
		r.DateUpdated = rfc2822(st.nowU)
	}
	return 200, r
}

func deleteCallerID(c *ctx) (int, any) {
	row, ok := c.st.cids.idx.find(c.sid)
	if !ok {
		return 404, errNotFound(c.path)
	}
	c.st.cids.idx.remove(row)
	return 204, nil
}

// createCallerID answers POST OutgoingCallerIds.json (CreateValidationRequest).
//
// Simplification: Twilio places a verification call and only adds the
// caller id once the code was entered; the emulator answers the
// validation_request (200) and adds the caller id to the store at once, so
// it can be listed right away. No call is added to Calls: call_sid names
// the (unstored) verification call.
func createCallerID(c *ctx) (int, any) {
	st := c.st
	cs := &st.cids
	num, ok := formValue(c.form, "PhoneNumber")
	if !ok {
		return 400, newError(400, codeInvalidPhone, "A 'PhoneNumber' is required to verify a caller id")
	}
	if !isE164(num) {
		return 400, newError(400, codeInvalidPhone, "Invalid Phone Number '%s': use E.164 format, e.g. +14155552671", num)
	}
	if st.verifiedCallerID(num) {
		return 400, newError(400, codeAlreadyVerified, "Phone number %s is already verified for your account", num)
	}
	name := formatNumber(num)
	if v, ok := formValue(c.form, "FriendlyName"); ok {
		if utf8.RuneCountInString(v) > 64 {
			return 400, errParam("FriendlyName is too long: it must be 64 characters or fewer")
		}
		name = v
	}
	if v, ok := formValue(c.form, "CallDelay"); ok {
		if d, err := strconv.Atoi(v); err != nil || d < 0 || d > 60 {
			return 400, errParam("CallDelay must be an integer between 0 and 60, not '%s'", v)
		}
	}
	if v, ok := formValue(c.form, "Extension"); ok && !validDigits(v) {
		return 400, errParam("Extension '%s' may only contain digits, '#', '*' and 'w'", v)
	}
	if v, ok := formValue(c.form, "StatusCallback"); ok && !validURL(v) {
		return 400, newError(400, codeBadCallbackURL, "StatusCallback is not a valid URL: '%s'", v)
	}
	if v, ok := formValue(c.form, "StatusCallbackMethod"); ok {
		if _, ok := httpMethod(v); !ok {
			return 400, errParam("StatusCallbackMethod must be GET or POST, not '%s'", v)
		}
	}
	sid := cs.idx.newSid()
	cs.idx.add(st.nowU, sid, false)
	cs.rows = append(cs.rows, st.newCallerIDRow(sid, num, name, st.nowU))
	c.created = sidStr("PN", sid)
	r := newRng(st.seed, domCallerID|2<<32, cs.idx.made)
	return 200, &validationRequestJSON{
		AccountSid:     sp(st.acct),
		CallSid:        sp(sidStr("CA", makeSid(st.seed, domCall|3<<32, cs.idx.made))),
		FriendlyName:   sp(name),
		PhoneNumber:    sp(num),
		ValidationCode: sp(r.digits(6)),
	}
}

func validDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '#', c == '*', c == 'w', c == 'W':
		default:
			return false
		}
	}
	return true
}
