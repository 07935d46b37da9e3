package twiliotest

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

var msgStatuses = []string{"queued", "sending", "sent", "failed", "delivered", "undelivered", "receiving", "received", "accepted", "scheduled", "read", "partially_delivered", "canceled"}

const (
	msQueued uint8 = iota
	msSending
	msSent
	msFailed
	msDelivered
	msUndelivered
	msReceiving
	msReceived
	msAccepted
	msScheduled
	msRead
	msPartiallyDelivered
	msCanceled
)

var msgDirections = []string{"inbound", "outbound-api", "outbound-call", "outbound-reply"}

const (
	mdInbound uint8 = iota
	mdOutboundAPI
	mdOutboundCall
	mdOutboundReply
)

// msgErrors are the delivery error codes seeded on failed/undelivered messages.
var msgErrors = map[int32]string{
	30003: "Unreachable destination handset",
	30005: "Unknown destination handset",
	30006: "Landline or unreachable carrier",
	30007: "Message filtered",
	30008: "Unknown error",
	21610: "Attempt to send to unsubscribed recipient",
	21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number",
	30034: "Message from an Unregistered Number",
}

var (
	undeliveredCodes = []int32{30003, 30005, 30006, 30007, 30008}
	failedCodes      = []int32{30008, 21610, 21408, 30034}
)

// Seeded bodies; "{n}" is replaced by a per-row 6-digit number.
var smsBodies = []string{
	"Your verification code is {n}. It expires in 10 minutes.",
	"Your Acme login code: {n}. Don't share it with anyone.",
	"Hi! Your order #{n} has shipped and will arrive Thursday. Track it at https://acme.example.com/t/{n}",
	"Reminder: your appointment with Dr. Patel is tomorrow at 3:30 PM. Reply C to confirm or R to reschedule.",
	"Thanks for your payment of $42.50. Your balance is now $0.00.",
	"Your table for 4 is ready! Please come to the host stand within 10 minutes.",
	"Flash sale! 30% off everything this weekend only with code SPRING30. Reply STOP to unsubscribe.",
	"Your ride is arriving in 3 minutes. Look for a grey Toyota Prius, plate 7ABC123.",
	"Ahoy! 👋 This is a test message from the twiliosql demo.",
	"Your package was delivered. 📦 Photo: https://acme.example.com/p/{n}",
	"Votre code de vérification est {n}.",
	"Dein Bestätigungscode lautet {n}.",
	"Important update about your account: we are making changes to our Terms of Service and Privacy Policy, effective next month. " +
		"The changes clarify how we use your information to provide and improve our services, how long we keep it, and the choices you have. " +
		"You do not need to do anything. To read the new terms, visit https://acme.example.com/terms. Questions? Reply HELP. Reply STOP to opt out.",
	"Hello from Twilio!",
	"Thanks! We'll be in touch shortly.",
	"Your Acme bill of $87.20 is due on the 28th. Pay at https://acme.example.com/pay/{n}",
}

var inboundBodies = []string{
	"STOP", "Yes", "C", "Yes, confirmed 👍", "Can you call me back? I have a question about my bill.",
	"What time do you close today?", "¿Puedes confirmar la cita de mañana a las 10:00?", "Received, thank you.",
	"HELP", "R", "Running 5 min late, sorry!", "Is order {n} ready for pickup?",
}

var waBodies = []string{
	"Hi Maria, your order #{n} is confirmed ✅",
	"Your appointment is coming up on July 21 at 3PM. Reply YES to confirm.",
	"Thanks for reaching out! An agent will reply shortly.",
	"Here is your boarding pass for flight TW{n}. Have a great trip! ✈️",
}

const noArg = ^uint32(0)

// msgRow is a compact message; strings live in the pools.
type msgRow struct {
	created, sent, updated int64  // noTime = null
	to, from, svc          uint32 // state.pool references; none = null
	body, arg              uint32 // msgs.bodies reference, and its "{n}" argument (noArg: literal)
	price, errCode         int32
	status, direction      uint8
	segments, media        uint8
}

type msgStore struct {
	idx    index
	rows   []msgRow
	bodies *strPool
	segs   []uint8 // segments per seeded body
}

// messageJSON is api.v2010.account.message.
type messageJSON struct {
	Body                *string         `json:"body"`
	NumSegments         *string         `json:"num_segments"`
	Direction           string          `json:"direction"`
	From                *string         `json:"from"`
	To                  *string         `json:"to"`
	DateUpdated         *string         `json:"date_updated"`
	Price               *string         `json:"price"`
	ErrorMessage        *string         `json:"error_message"`
	URI                 *string         `json:"uri"`
	AccountSid          *string         `json:"account_sid"`
	NumMedia            *string         `json:"num_media"`
	Status              string          `json:"status"`
	MessagingServiceSid *string         `json:"messaging_service_sid"`
	Sid                 *string         `json:"sid"`
	DateSent            *string         `json:"date_sent"`
	DateCreated         *string         `json:"date_created"`
	ErrorCode           *int            `json:"error_code"`
	PriceUnit           *string         `json:"price_unit"`
	APIVersion          *string         `json:"api_version"`
	SubresourceURIs     *msgSubresource `json:"subresource_uris"`
}

type msgSubresource struct {
	Media    string `json:"media"`
	Feedback string `json:"feedback"`
}

// segments counts SMS segments: GSM-7 160/153, otherwise UCS-2 70/67.
func segments(body string) int {
	gsm := true
	n := 0
	for _, r := range body {
		switch {
		case r == '\n' || r == '\r' || (r >= ' ' && r <= '~' && !strings.ContainsRune("[]{}\\^~|`", r)):
			n++
		case strings.ContainsRune("[]{}\\^~|€", r):
			n += 2
		case strings.ContainsRune("£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¡ÄÖÑÜ§¿äöñüà", r):
			n++
		default:
			gsm = false
		}
	}
	if !gsm {
		n = len(utf16.Encode([]rune(body)))
		if n <= 70 {
			return 1
		}
		return (n + 66) / 67
	}
	if n <= 160 {
		return 1
	}
	return (n + 152) / 153
}

func (st *state) smsNumbers() []string {
	var out []string
	for _, r := range st.nums.rows {
		if r.Capabilities.SMS && strings.HasPrefix(*r.PhoneNumber, "+1") && !r.whatsapp {
			out = append(out, *r.PhoneNumber)
		}
	}
	if len(out) == 0 {
		out = append(out, WhatsAppNumber)
	}
	return out
}

func (st *state) seedMessages(n int, cust []string) {
	ms := &st.msgs
	ms.idx = newIndex("SM", "MM", domMessage, st.seed, n)
	ms.rows = make([]msgRow, n)
	ms.bodies = newPool()
	p := st.pool
	bodyRef := func(s string) uint32 {
		i := ms.bodies.id(s)
		for int(i) >= len(ms.segs) {
			ms.segs = append(ms.segs, uint8(min(255, segments(strings.ReplaceAll(s, "{n}", "000000")))))
		}
		return i
	}
	var sms, inb, wa []uint32
	for _, b := range smsBodies {
		sms = append(sms, bodyRef(b))
	}
	for _, b := range inboundBodies {
		inb = append(inb, bodyRef(b))
	}
	for _, b := range waBodies {
		wa = append(wa, bodyRef(b))
	}
	empty := bodyRef("")
	ours := st.smsNumbers()
	ourRefs := make([]uint32, len(ours))
	for i, o := range ours {
		ourRefs[i] = p.id(o)
	}
	custRefs := make([]uint32, len(cust))
	for i, c := range cust {
		custRefs[i] = p.id(c)
	}
	waCust := make([]uint32, min(len(cust), 200))
	for i := range waCust {
		waCust[i] = p.id("whatsapp:" + cust[i])
	}
	waSender := p.id(WhatsAppSender)
	var svcs []uint32
	for k := range 3 {
		svcs = append(svcs, p.id(sidStr("MG", makeSid(st.seed, domService, uint64(k)))))
	}

	times := spread(st.seed, domMessage, st.nowU, n, dataSpan)
	fresh := []uint8{msQueued, msSending, msAccepted, msScheduled, msReceiving, msSent, msDelivered, msReceived, msUndelivered, msFailed, msRead, msPartiallyDelivered, msCanceled}
	for i := 0; i < min(n, len(fresh)); i++ {
		times[i] = st.nowU - 30 - 5*int64(i)
	}
	for i := range n {
		r := newRng(st.seed, domMessage, uint64(i))
		row := &ms.rows[i]
		*row = msgRow{svc: none, arg: noArg, price: noPrice}
		whatsapp := r.chance(8)
		row.direction = uint8([]int{1, 0, 3, 2}[r.weighted([]int{58, 27, 10, 5})]) // outbound-api, inbound, outbound-reply, outbound-call
		var status uint8
		if i < len(fresh) {
			status = fresh[i]
			whatsapp = status == msRead
			switch status {
			case msReceiving, msReceived:
				row.direction = mdInbound
			default:
				if row.direction == mdInbound {
					row.direction = mdOutboundAPI
				}
			}
		} else if row.direction == mdInbound {
			status = msReceived
		} else if whatsapp {
			status = []uint8{msRead, msDelivered, msSent, msFailed, msUndelivered}[r.weighted([]int{40, 45, 5, 5, 5})]
		} else {
			status = []uint8{msDelivered, msSent, msUndelivered, msFailed, msCanceled, msPartiallyDelivered}[r.weighted([]int{74, 12, 6, 5, 2, 1})]
		}
		row.status = status
		c := r.intn(len(cust))
		if whatsapp {
			wc := waCust[c%len(waCust)]
			row.body = wa[r.intn(len(wa))]
			if row.direction == mdInbound {
				row.from, row.to = wc, waSender
				row.body = inb[r.intn(len(inb))]
			} else {
				row.from, row.to = waSender, wc
			}
		} else {
			us := ourRefs[r.intn(len(ourRefs))]
			if row.direction == mdInbound {
				row.from, row.to = custRefs[c], us
				row.body = inb[r.intn(len(inb))]
			} else {
				row.from, row.to = us, custRefs[c]
				row.body = sms[r.intn(len(sms))]
				if row.direction == mdOutboundAPI && r.chance(30) {
					row.svc = svcs[r.intn(len(svcs))]
				}
			}
		}
		if strings.Contains(ms.bodies.s[row.body], "{n}") {
			row.arg = uint32(r.intn(1000000))
		}
		row.segments = ms.segs[row.body]
		if whatsapp {
			row.segments = 1
		}
		if !whatsapp && r.chance(6) {
			row.media = uint8(r.between(1, 3))
			if r.chance(50) {
				row.body = empty
				row.arg = noArg
			}
			row.segments = 1
		}
		if whatsapp && r.chance(10) {
			row.media = 1
		}
		// Dates.
		t := times[i]
		row.created = t
		switch status {
		case msQueued, msAccepted, msScheduled, msCanceled:
			row.updated = t
		case msReceiving, msReceived:
			row.sent = t
			row.updated = t
		case msSending, msFailed:
			row.updated = t + 1
		default:
			row.sent = t + int64(r.between(1, 3))
			row.updated = row.sent
			if status != msSent {
				row.updated = row.sent + int64(r.between(2, 20))
			}
		}
		if row.updated > st.nowU {
			row.updated = st.nowU
		}
		if row.sent > st.nowU {
			row.sent = st.nowU
		}
		// Price.
		switch status {
		case msSent, msDelivered, msUndelivered, msReceived, msRead, msPartiallyDelivered:
			row.price = -msgRate(p.str(row.to), whatsapp, row.media > 0) * int32(row.segments)
		}
		switch status {
		case msUndelivered:
			row.errCode = undeliveredCodes[r.intn(len(undeliveredCodes))]
		case msFailed:
			row.errCode = failedCodes[r.intn(len(failedCodes))]
		}
		ms.idx.seedRow(t, makeSid(st.seed, domMessage, uint64(i)), row.media > 0)
	}
	ms.idx.finish()
}

// msgRate is the per-segment price in 1e-5 USD.
func msgRate(to string, whatsapp, mms bool) int32 {
	switch {
	case whatsapp:
		return 500
	case mms:
		return 2000
	case strings.HasPrefix(to, "+1") || !strings.HasPrefix(to, "+"):
		return 790
	default:
		return 4500
	}
}

func (c *ctx) renderMessage(row int32) any {
	st := c.st
	ms := &st.msgs
	r := &ms.rows[row]
	sid := ms.idx.sidString(row)
	uri := c.base + "/Messages/" + sid
	body := ms.bodies.s[r.body]
	if r.arg != noArg {
		body = strings.ReplaceAll(body, "{n}", pad6(r.arg))
	}
	j := &messageJSON{
		Body:                sp(body),
		NumSegments:         sp(strconv.Itoa(int(r.segments))),
		Direction:           msgDirections[r.direction],
		From:                st.pool.get(r.from),
		To:                  st.pool.get(r.to),
		DateUpdated:         rfc2822(r.updated),
		Price:               priceStr(r.price),
		URI:                 sp(uri + ".json"),
		AccountSid:          sp(st.acct),
		NumMedia:            sp(strconv.Itoa(int(r.media))),
		Status:              msgStatuses[r.status],
		MessagingServiceSid: st.pool.get(r.svc),
		Sid:                 sp(sid),
		DateSent:            rfc2822(r.sent),
		DateCreated:         rfc2822(r.created),
		PriceUnit:           sp("USD"),
		APIVersion:          sp("2010-04-01"),
		SubresourceURIs:     &msgSubresource{Media: uri + "/Media.json", Feedback: uri + "/Feedback.json"},
	}
	if r.errCode != 0 {
		j.ErrorCode = ip(int(r.errCode))
		if m, ok := msgErrors[r.errCode]; ok {
			j.ErrorMessage = sp(m)
		}
	}
	return j
}

func pad6(n uint32) string {
	s := strconv.Itoa(int(n % 1000000))
	return strings.Repeat("0", 6-len(s)) + s
}

// retentionDays is how far back Twilio serves messages.
const retentionDays = 400

func listMessages(c *ctx) (int, any) {
	st := c.st
	ms := &st.msgs
	to, hasTo := none, false
	if v, ok := c.first("To"); ok {
		to, hasTo = poolFilter(st.pool, v), true
	}
	from, hasFrom := none, false
	if v, ok := c.first("From"); ok {
		from, hasFrom = poolFilter(st.pool, v), true
	}
	sent, aerr := c.dayParams("DateSent")
	if aerr != nil {
		return 400, aerr
	}
	if d, ok := sent.earliest(); ok && d < dayOf(st.nowU)-retentionDays {
		cutoff := time.Unix((dayOf(st.nowU)-retentionDays)*day, 0).UTC().Format("2006-01-02")
		return 400, newError(400, codeMethodNotAllowed,
			"DateSent filter is outside the 400-day retention window: messages older than 400 days (before %s) cannot be retrieved", cutoff)
	}
	return c.list(lister{
		key: "messages", path: "Messages.json",
		params: []string{"To", "From", "DateSent", "DateSent<", "DateSent>"},
		idx:    &ms.idx,
		match: func(row int32) bool {
			r := &ms.rows[row]
			return (!hasTo || r.to == to) && (!hasFrom || r.from == from) && sent.match(r.sent)
		},
		render: c.renderMessage,
	})
}

func getMessage(c *ctx) (int, any) {
	row, ok := c.st.msgs.idx.find(c.sid)
	if !ok {
		return 404, errNotFound(c.path)
	}
	return 200, c.renderMessage(row)
}

func inFlight(status uint8) bool {
	switch status {
	case msQueued, msSending, msAccepted, msScheduled, msReceiving:
		return true
	}
	return false
}

// deleteMessage refuses messages that are still being processed, as
// Twilio does (20009).
func deleteMessage(c *ctx) (int, any) {
	ms := &c.st.msgs
	row, ok := ms.idx.find(c.sid)
	if !ok {
		return 404, errNotFound(c.path)
	}
	if s := ms.rows[row].status; inFlight(s) {
		return 400, newError(400, codeCannotDelete, "Cannot delete message %s: its status is '%s'; only messages in a final state can be deleted", c.sid, msgStatuses[s])
	}
	ms.idx.remove(row)
	return 204, nil
}

// updateMessage redacts the body (Body="") or cancels a message
// (Status=canceled).
func updateMessage(c *ctx) (int, any) {
	st := c.st
	ms := &st.msgs
	row, ok := ms.idx.find(c.sid)
	if !ok {
		return 404, errNotFound(c.path)
	}
	r := &ms.rows[row]
	body, hasBody := c.form["Body"]
	status, hasStatus := formValue(c.form, "Status")
	if hasBody && body[0] != "" {
		return 400, errParam("Body can only be updated to an empty string (redaction)")
	}
	if hasStatus && status != "canceled" {
		return 400, errParam("Status can only be updated to 'canceled', not '%s'", status)
	}
	if hasStatus {
		switch r.status {
		case msScheduled, msQueued, msAccepted:
		case msCanceled:
		default:
			return 400, newError(400, codeCannotDelete, "Message %s cannot be canceled: its status is '%s'; only scheduled, queued or accepted messages can be canceled", c.sid, msgStatuses[r.status])
		}
	}
	if hasBody && inFlight(r.status) && !hasStatus {
		return 400, newError(400, codeCannotDelete, "Cannot redact message %s: its status is '%s'; only messages in a final state can be redacted", c.sid, msgStatuses[r.status])
	}
	if hasStatus && r.status != msCanceled {
		r.status = msCanceled
		r.updated = st.nowU
	}
	if hasBody {
		r.body = ms.bodies.id("")
		r.arg = noArg
		r.updated = st.nowU
	}
	return 200, c.renderMessage(row)
}

func createMessage(c *ctx) (int, any) {
	st := c.st
	ms := &st.msgs
	f := c.form
	to, ok := formValue(f, "To")
	if !ok {
		return 400, newError(400, codeMsgNoTo, "A 'To' phone number is required.")
	}
	from, hasFrom := formValue(f, "From")
	svc, hasSvc := formValue(f, "MessagingServiceSid")
	if !hasFrom && !hasSvc {
		return 400, newError(400, codeMsgNoFrom, "A 'From' phone number is required.")
	}
	body := f.Get("Body")
	var media []string
	for _, m := range f["MediaUrl"] {
		if m != "" {
			media = append(media, m)
		}
	}
	_, hasContent := formValue(f, "ContentSid")
	if body == "" && len(media) == 0 && !hasContent {
		return 400, newError(400, codeMsgNoBody, "Message body is required.")
	}
	toWA := strings.HasPrefix(to, "whatsapp:")
	if !isE164(strings.TrimPrefix(to, "whatsapp:")) {
		return 400, newError(400, codeInvalidTo, "Invalid 'To' Phone Number: %s", to)
	}
	if hasSvc && !validSid(svc, "MG") {
		return 400, newError(400, 21701, "The Messaging Service Sid %s is invalid.", svc)
	}
	if hasFrom {
		fromWA := strings.HasPrefix(from, "whatsapp:")
		num := strings.TrimPrefix(from, "whatsapp:")
		if !isE164(num) {
			return 400, newError(400, codeInvalidFrom, "Invalid From Number (caller ID): %s", from)
		}
		n, own := st.ownNumber(num)
		if !own || (fromWA && !n.whatsapp) || (!fromWA && !n.Capabilities.SMS) {
			return 400, newError(400, codeMsgFromNotOwned, "The From phone number %s is not a valid, SMS-capable inbound phone number or short code for your account.", from)
		}
		if fromWA != toWA {
			return 400, newError(400, codeMsgChannelPair, "Invalid From and To pair. From and To should be of the same channel")
		}
	}
	if utf8.RuneCountInString(body) > 1600 {
		return 400, newError(400, codeMsgBodyTooLong, "The concatenated message body exceeds the 1600 character limit.")
	}
	if len(media) > 10 {
		return 400, newError(400, codeMsgBadMediaURL, "Too many media URLs: at most 10 MediaUrl values are allowed")
	}
	for _, m := range media {
		if !validURL(m) {
			return 400, newError(400, codeMsgBadMediaURL, "Media urls: %s are invalid. Please use only valid http and https urls", m)
		}
	}
	if v, ok := formValue(f, "StatusCallback"); ok && !validURL(v) {
		return 400, newError(400, codeBadCallbackURL, "StatusCallback is not a valid URL: %s", v)
	}
	status := msQueued
	if hasSvc && !hasFrom {
		status = msAccepted
	}
	if st, ok := formValue(f, "ScheduleType"); ok {
		if st != "fixed" {
			return 400, errParam("ScheduleType must be 'fixed', not '%s'", st)
		}
		if !hasSvc {
			return 400, newError(400, codeMsgSchedService, "MessagingServiceSid is required to schedule a message")
		}
		v, _ := formValue(f, "SendAt")
		at, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return 400, newError(400, codeMsgSchedSendAt, "SendAt '%s' is not a valid ISO 8601 date-time", v)
		}
		if d := at.Sub(c.st.now); d < 15*time.Minute || d > 35*24*time.Hour {
			return 400, newError(400, codeMsgSchedSendAt, "SendAt time must be between 15 minutes and 35 days in the future")
		}
		status = msScheduled
	}
	for _, name := range []string{"MaxPrice", "ValidityPeriod", "Attempt"} {
		if v, ok := formValue(f, name); ok {
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				return 400, errParam("%s must be a number, not '%s'", name, v)
			}
		}
	}
	segs := segments(body)
	if toWA || len(media) > 0 {
		segs = 1
	}
	row := msgRow{
		created: st.nowU, updated: st.nowU,
		to: st.pool.id(to), from: none, svc: none,
		body: ms.bodies.id(body), arg: noArg,
		price: noPrice, status: status, direction: mdOutboundAPI,
		segments: uint8(min(255, segs)), media: uint8(len(media)),
	}
	if hasFrom {
		row.from = st.pool.id(from)
	}
	if hasSvc {
		row.svc = st.pool.id(svc)
	}
	sid := ms.idx.newSid()
	ms.rows = append(ms.rows, row)
	idx := ms.idx.add(st.nowU, sid, len(media) > 0)
	c.created = ms.idx.sidString(idx)
	return 201, c.renderMessage(idx)
}
