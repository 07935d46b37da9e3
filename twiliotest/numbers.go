package twiliotest

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// capabilitiesJSON is phone-number-capabilities.
type capabilitiesJSON struct {
	Voice bool `json:"voice"`
	SMS   bool `json:"sms"`
	MMS   bool `json:"mms"`
	Fax   bool `json:"fax"`
}

// numberJSON is api.v2010.account.incoming_phone_number.
type numberJSON struct {
	AccountSid             *string           `json:"account_sid"`
	AddressSid             *string           `json:"address_sid"`
	AddressRequirements    string            `json:"address_requirements"`
	APIVersion             *string           `json:"api_version"`
	Beta                   *bool             `json:"beta"`
	Capabilities           *capabilitiesJSON `json:"capabilities"`
	DateCreated            *string           `json:"date_created"`
	DateUpdated            *string           `json:"date_updated"`
	FriendlyName           *string           `json:"friendly_name"`
	IdentitySid            *string           `json:"identity_sid"`
	PhoneNumber            *string           `json:"phone_number"`
	Origin                 *string           `json:"origin"`
	Sid                    *string           `json:"sid"`
	SMSApplicationSid      *string           `json:"sms_application_sid"`
	SMSFallbackMethod      *string           `json:"sms_fallback_method"`
	SMSFallbackURL         *string           `json:"sms_fallback_url"`
	SMSMethod              *string           `json:"sms_method"`
	SMSURL                 *string           `json:"sms_url"`
	StatusCallback         *string           `json:"status_callback"`
	StatusCallbackMethod   *string           `json:"status_callback_method"`
	TrunkSid               *string           `json:"trunk_sid"`
	URI                    *string           `json:"uri"`
	VoiceReceiveMode       string            `json:"voice_receive_mode"`
	VoiceApplicationSid    *string           `json:"voice_application_sid"`
	VoiceCallerIDLookup    *bool             `json:"voice_caller_id_lookup"`
	VoiceFallbackMethod    *string           `json:"voice_fallback_method"`
	VoiceFallbackURL       *string           `json:"voice_fallback_url"`
	VoiceMethod            *string           `json:"voice_method"`
	VoiceURL               *string           `json:"voice_url"`
	EmergencyStatus        string            `json:"emergency_status"`
	EmergencyAddressSid    *string           `json:"emergency_address_sid"`
	EmergencyAddressStatus string            `json:"emergency_address_status"`
	BundleSid              *string           `json:"bundle_sid"`
	Status                 *string           `json:"status"`
	Type                   *string           `json:"type"`

	whatsapp bool
}

type numStore struct {
	idx  index
	rows []*numberJSON
	made uint64
}

type numTemplate struct {
	gen                   func(r *rng) string
	typ, addrReq, origin  string
	voice, sms, mms, fax  bool
	beta, emergency, bund bool
	name                  string
}

var numTemplates = []numTemplate{
	{gen: func(r *rng) string { return "+1415" + strconv.Itoa(r.between(2, 9)) + r.digits(6) }, typ: "local", addrReq: "none", origin: "twilio", voice: true, sms: true, mms: true, name: "Main Line"},
	{gen: func(r *rng) string { return "+1628" + strconv.Itoa(r.between(2, 9)) + r.digits(6) }, typ: "local", addrReq: "none", origin: "twilio", voice: true, sms: true, mms: true, emergency: true},
	{gen: func(r *rng) string { return "+1833" + strconv.Itoa(r.between(2, 9)) + r.digits(6) }, typ: "toll-free", addrReq: "none", origin: "twilio", voice: true, sms: true, mms: true, name: "Support Hotline"},
	{gen: func(r *rng) string { return "+4420" + r.digits(8) }, typ: "local", addrReq: "any", origin: "twilio", voice: true, bund: true, name: "London Office"},
	{gen: func(r *rng) string { return "+447" + strconv.Itoa(r.between(4, 9)) + r.digits(8) }, typ: "mobile", addrReq: "any", origin: "twilio", voice: true, sms: true, bund: true},
	{gen: func(r *rng) string { return "+1212" + strconv.Itoa(r.between(2, 9)) + r.digits(6) }, typ: "local", addrReq: "none", origin: "twilio", voice: true, sms: true, mms: true, fax: true, name: "Fax Line"},
	{gen: func(r *rng) string { return "+1646" + strconv.Itoa(r.between(2, 9)) + r.digits(6) }, typ: "local", addrReq: "none", origin: "hosted", sms: true},
	{gen: func(r *rng) string { return "+4930" + r.digits(8) }, typ: "local", addrReq: "local", origin: "twilio", voice: true, beta: true, bund: true, name: "Berlin Office"},
	{gen: func(r *rng) string { return "+1312" + strconv.Itoa(r.between(2, 9)) + r.digits(6) }, typ: "local", addrReq: "none", origin: "twilio", voice: true, sms: true, mms: true, name: "Sales"},
	{gen: func(r *rng) string { return "+614" + r.digits(8) }, typ: "mobile", addrReq: "any", origin: "twilio", voice: true, sms: true, bund: true},
	{gen: func(r *rng) string { return "+1206" + strconv.Itoa(r.between(2, 9)) + r.digits(6) }, typ: "local", addrReq: "none", origin: "twilio", voice: true, sms: true, mms: true},
}

func (st *state) seedNumbers(n int) {
	ns := &st.nums
	ns.idx = newIndex("PN", "", domNumber, st.seed, n)
	times := spread(st.seed, domNumber, st.nowU, n, dataSpan)
	used := map[string]bool{}
	// k = 0 is the oldest number: the account's WhatsApp sender.
	for k := 0; k < n; k++ {
		r := newRng(st.seed, domNumber, uint64(k))
		created := times[n-1-k]
		var row *numberJSON
		var sid sid16
		if k == 0 {
			sid = mustSid(WhatsAppNumberSid)
			row = st.newNumberRow(WhatsAppNumber, created)
			row.FriendlyName = sp("WhatsApp Sender")
			row.SMSURL = sp("https://demo.twilio.com/welcome/sms/reply")
			row.VoiceURL = sp("https://demo.twilio.com/welcome/voice/")
			row.whatsapp = true
		} else {
			t := numTemplates[(k-1)%len(numTemplates)]
			var num string
			for num == "" || used[num] || num == WhatsAppNumber {
				num = t.gen(r)
			}
			sid = makeSid(st.seed, domNumber, uint64(k))
			row = st.newNumberRow(num, created)
			row.Type = sp(t.typ)
			row.AddressRequirements = t.addrReq
			row.Origin = sp(t.origin)
			row.Capabilities = &capabilitiesJSON{Voice: t.voice, SMS: t.sms, MMS: t.mms, Fax: t.fax}
			row.Beta = bp(t.beta)
			if t.name != "" && k <= len(numTemplates) {
				row.FriendlyName = sp(t.name)
			}
			if t.addrReq != "none" {
				row.AddressSid = sp(sidStr("AD", makeSid(st.seed, domMisc, 100+uint64(k))))
			}
			if t.bund {
				row.BundleSid = sp(sidStr("BU", makeSid(st.seed, domMisc, 200+uint64(k))))
			}
			if t.emergency {
				row.EmergencyStatus = "Active"
				row.EmergencyAddressSid = sp(sidStr("AD", makeSid(st.seed, domMisc, 300+uint64(k))))
				row.EmergencyAddressStatus = "registered"
			}
			if t.fax {
				row.VoiceReceiveMode = "fax"
			}
			if t.voice {
				if r.chance(25) {
					row.VoiceApplicationSid = sp(sidStr("AP", makeSid(st.seed, domMisc, 400)))
				} else {
					row.VoiceURL = sp("https://demo.twilio.com/welcome/voice/")
					row.VoiceFallbackURL = sp("https://fallback.example.com/twilio/voice")
				}
				row.VoiceCallerIDLookup = bp(r.chance(30))
			}
			if t.sms {
				row.SMSURL = sp("https://demo.twilio.com/welcome/sms/reply")
			}
			if t.origin == "hosted" {
				row.StatusCallback = sp("https://status.example.com/twilio/hosted")
			}
		}
		used[*row.PhoneNumber] = true
		if k > 0 && r.chance(15) {
			if updated := created + int64(r.between(1, 60))*day/2; updated < st.nowU {
				row.DateUpdated = rfc2822(updated)
			}
		}
		row.Sid = sp(sidStr("PN", sid))
		row.URI = sp(st.accountURI() + "/IncomingPhoneNumbers/" + *row.Sid + ".json")
		ns.idx.seedRow(created, sid, false)
		ns.rows = append(ns.rows, row)
	}
	ns.idx.finish()
}

// newNumberRow returns a number with Twilio's defaults for a new purchase.
func (st *state) newNumberRow(num string, created int64) *numberJSON {
	typ := "local"
	if strings.HasPrefix(num, "+18") && len(num) == 12 && strings.Contains("+1800+1833+1844+1855+1866+1877+1888", num[:5]) {
		typ = "toll-free"
	}
	return &numberJSON{
		AccountSid:             sp(st.acct),
		AddressRequirements:    "none",
		APIVersion:             sp("2010-04-01"),
		Beta:                   bp(false),
		Capabilities:           &capabilitiesJSON{Voice: true, SMS: true, MMS: true, Fax: false},
		DateCreated:            rfc2822(created),
		DateUpdated:            rfc2822(created),
		FriendlyName:           sp(formatNumber(num)),
		PhoneNumber:            sp(num),
		Origin:                 sp("twilio"),
		SMSApplicationSid:      sp(""),
		SMSFallbackMethod:      sp("POST"),
		SMSMethod:              sp("POST"),
		StatusCallbackMethod:   sp("POST"),
		VoiceReceiveMode:       "voice",
		VoiceApplicationSid:    sp(""),
		VoiceCallerIDLookup:    bp(false),
		VoiceFallbackMethod:    sp("POST"),
		VoiceMethod:            sp("POST"),
		EmergencyStatus:        "Inactive",
		EmergencyAddressStatus: "unregistered",
		Status:                 sp("in-use"),
		Type:                   sp(typ),
	}
}

// ownNumber returns the live number row with this phone number.
func (st *state) ownNumber(num string) (*numberJSON, bool) {
	for i, r := range st.nums.rows {
		if !st.nums.idx.dead[i] && *r.PhoneNumber == num {
			return r, true
		}
	}
	return nil, false
}

func listNumbers(c *ctx) (int, any) {
	ns := &c.st.nums
	beta := true
	if v, ok := c.first("Beta"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return 400, errParam("Invalid value for Beta: '%s' is not a boolean", v)
		}
		beta = b
	}
	name, hasName := c.first("FriendlyName")
	num, hasNum := c.first("PhoneNumber")
	origin, hasOrigin := c.first("Origin")
	return c.list(lister{
		key: "incoming_phone_numbers", path: "IncomingPhoneNumbers.json",
		params: []string{"Beta", "FriendlyName", "PhoneNumber", "Origin"},
		idx:    &ns.idx,
		match: func(row int32) bool {
			r := ns.rows[row]
			// Beta=false leaves out numbers new to Twilio; Beta=true (the
			// default) includes them.
			return (beta || r.Beta == nil || !*r.Beta) &&
				(!hasName || *r.FriendlyName == name) &&
				(!hasNum || *r.PhoneNumber == num) &&
				(!hasOrigin || *r.Origin == origin)
		},
		render: func(row int32) any { return ns.rows[row] },
	})
}

func getNumber(c *ctx) (int, any) {
	row, ok := c.st.nums.idx.find(c.sid)
	if !ok {
		return 404, errNotFound(c.path)
	}
	return 200, c.st.nums.rows[row]
}

func deleteNumber(c *ctx) (int, any) {
	row, ok := c.st.nums.idx.find(c.sid)
	if !ok {
		return 404, errNotFound(c.path)
	}
	c.st.nums.idx.remove(row)
	return 204, nil
}

func createNumber(c *ctx) (int, any) {
	st := c.st
	ns := &st.nums
	num, hasNum := formValue(c.form, "PhoneNumber")
	area, hasArea := formValue(c.form, "AreaCode")
	switch {
	case hasNum:
		if !isE164(num) {
			return 400, newError(400, 21421, "PhoneNumber is invalid: '%s' is not a valid E.164 phone number", num)
		}
		if _, taken := st.ownNumber(num); taken {
			return 400, newError(400, codeNumberNotAvail, "PhoneNumber %s is not available", num)
		}
	case hasArea:
		if len(area) != 3 || !allDigits(area) {
			return 400, newError(400, codeBadAreaCode, "AreaCode '%s' is invalid: it must be a 3-digit US or Canadian area code", area)
		}
		if area[0] < '2' || area[1] == '9' {
			return 400, newError(400, codeNoNumberOrArea, "No phone numbers found in area code %s", area)
		}
		for num == "" || func() bool { _, t := st.ownNumber(num); return t }() {
			ns.made++
			r := newRng(st.seed, domNumber|1<<32, ns.made)
			num = "+1" + area + strconv.Itoa(r.between(2, 9)) + r.digits(6)
		}
	default:
		return 400, newError(400, codeNoNumberOrArea, "A 'PhoneNumber' or 'AreaCode' parameter is required to provision a phone number")
	}
	row := st.newNumberRow(num, st.nowU)
	if aerr := applyNumberParams(st, row, c.form); aerr != nil {
		return 400, aerr
	}
	sid := ns.idx.newSid()
	row.Sid = sp(sidStr("PN", sid))
	row.URI = sp(st.accountURI() + "/IncomingPhoneNumbers/" + *row.Sid + ".json")
	ns.idx.add(st.nowU, sid, false)
	ns.rows = append(ns.rows, row)
	c.created = *row.Sid
	return 201, row
}

func updateNumber(c *ctx) (int, any) {
	st := c.st
	row, ok := st.nums.idx.find(c.sid)
	if !ok {
		return 404, errNotFound(c.path)
	}
	if v, ok := formValue(c.form, "AccountSid"); ok && v != st.acct {
		return 400, errParam("AccountSid %s is not a subaccount of this account; the number cannot be transferred", v)
	}
	n := *st.nums.rows[row] // validate on a copy: nothing changes on error
	if aerr := applyNumberParams(st, &n, c.form); aerr != nil {
		return 400, aerr
	}
	n.DateUpdated = rfc2822(st.nowU)
	*st.nums.rows[row] = n
	return 200, st.nums.rows[row]
}

// applyNumberParams applies the writable parameters of Create/Update.
func applyNumberParams(st *state, n *numberJSON, f url.Values) *apiError {
	if v, ok := formValue(f, "FriendlyName"); ok {
		if utf8.RuneCountInString(v) > 64 {
			return errParam("FriendlyName is too long: it must be 64 characters or fewer")
		}
		n.FriendlyName = sp(v)
	}
	for _, p := range []struct {
		name string
		dst  **string
	}{
		{"VoiceUrl", &n.VoiceURL}, {"VoiceFallbackUrl", &n.VoiceFallbackURL},
		{"SmsUrl", &n.SMSURL}, {"SmsFallbackUrl", &n.SMSFallbackURL},
		{"StatusCallback", &n.StatusCallback},
	} {
		if v, ok := f[p.name]; ok {
			if v[0] != "" && !validURL(v[0]) {
				return newError(400, codeBadCallbackURL, "%s is not a valid URL: '%s'", p.name, v[0])
			}
			*p.dst = nil // unset URLs are null, as the schema (format uri, nullable) allows
			if v[0] != "" {
				*p.dst = sp(v[0])
			}
		}
	}
	for _, p := range []struct {
		name string
		dst  **string
	}{
		{"VoiceMethod", &n.VoiceMethod}, {"VoiceFallbackMethod", &n.VoiceFallbackMethod},
		{"SmsMethod", &n.SMSMethod}, {"SmsFallbackMethod", &n.SMSFallbackMethod},
		{"StatusCallbackMethod", &n.StatusCallbackMethod},
	} {
		if v, ok := formValue(f, p.name); ok {
			m, ok := httpMethod(v)
			if !ok {
				return errParam("%s must be GET or POST, not '%s'", p.name, v)
			}
			*p.dst = sp(m)
		}
	}
	for _, p := range []struct {
		name, prefix string
		dst          **string
	}{
		{"VoiceApplicationSid", "AP", &n.VoiceApplicationSid}, {"SmsApplicationSid", "AP", &n.SMSApplicationSid},
		{"TrunkSid", "TK", &n.TrunkSid}, {"IdentitySid", "RI", &n.IdentitySid},
		{"AddressSid", "AD", &n.AddressSid}, {"EmergencyAddressSid", "AD", &n.EmergencyAddressSid},
		{"BundleSid", "BU", &n.BundleSid},
	} {
		if v, ok := f[p.name]; ok {
			if v[0] != "" && !validSid(v[0], p.prefix) {
				return errParam("%s '%s' is not a valid %s Sid", p.name, v[0], p.prefix)
			}
			*p.dst = sp(v[0])
		}
	}
	if v, ok := formValue(f, "VoiceCallerIdLookup"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errParam("VoiceCallerIdLookup must be true or false, not '%s'", v)
		}
		n.VoiceCallerIDLookup = bp(b)
	}
	if v, ok := formValue(f, "VoiceReceiveMode"); ok {
		if v != "voice" && v != "fax" {
			return errParam("VoiceReceiveMode must be 'voice' or 'fax', not '%s'", v)
		}
		n.VoiceReceiveMode = v
	}
	if v, ok := formValue(f, "EmergencyStatus"); ok {
		if v != "Active" && v != "Inactive" {
			return errParam("EmergencyStatus must be 'Active' or 'Inactive', not '%s'", v)
		}
		n.EmergencyStatus = v
	}
	if v, ok := formValue(f, "ApiVersion"); ok {
		if v != "2010-04-01" && v != "2008-08-01" {
			return errParam("ApiVersion must be '2010-04-01' or '2008-08-01', not '%s'", v)
		}
		n.APIVersion = sp(v)
	}
	return nil
}

// formValue returns the first value of a form parameter and whether it is
// present and non-empty.
func formValue(f url.Values, name string) (string, bool) {
	if vs := f[name]; len(vs) > 0 && vs[0] != "" {
		return vs[0], true
	}
	return "", false
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func httpMethod(v string) (string, bool) {
	m := strings.ToUpper(v)
	return m, m == "GET" || m == "POST"
}
