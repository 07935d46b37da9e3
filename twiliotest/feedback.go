package twiliotest

import (
	"math"
	"slices"
	"strconv"
	"time"
)

// Call Feedback and FeedbackSummary were removed from Twilio's API in 2024;
// they follow the last spec that had them (2024-02-09): GET/POST
// Calls/{CallSid}/Feedback.json answer 200 (POST creates or updates),
// POST Calls/FeedbackSummary.json answers 201, GET 200, DELETE 204.

var feedbackIssues = []string{"audio-latency", "digits-not-captured", "dropped-call", "imperfect-audio", "incorrect-caller-id", "one-way-audio", "post-dial-delay", "unsolicited-call"}

type feedbackRow struct {
	created, updated int64
	score            int
	issues           []string
}

// feedbackJSON is api.v2010.account.call.call_feedback.
type feedbackJSON struct {
	AccountSid   *string  `json:"account_sid"`
	DateCreated  *string  `json:"date_created"`
	DateUpdated  *string  `json:"date_updated"`
	Issues       []string `json:"issues"`
	QualityScore *int     `json:"quality_score"`
	Sid          *string  `json:"sid"`
}

func (st *state) seedFeedback() {
	cs := &st.calls
	wk := mustSid(FeedbackCallSid)
	given := 0
	for i := range cs.rows {
		r := &cs.rows[i]
		if r.status != csCompleted || cs.idx.sids[i] == wk || r.end == noTime {
			continue
		}
		g := newRng(st.seed, domCall|4<<32, uint64(i))
		if !g.chance(4) && !(given < 3 && g.chance(50)) {
			continue
		}
		fb := &feedbackRow{score: []int{5, 5, 5, 4, 4, 3, 2, 1}[g.intn(8)], issues: []string{}}
		if fb.score < 5 {
			for k := 0; k < 1+g.intn(2); k++ {
				is := feedbackIssues[g.intn(len(feedbackIssues))]
				if !slices.Contains(fb.issues, is) {
					fb.issues = append(fb.issues, is)
				}
			}
		}
		fb.created = min(st.nowU, r.end+int64(g.between(5, 600)))
		fb.updated = fb.created
		st.feedback[int32(i)] = fb
		given++
	}
}

func (c *ctx) renderFeedback(row int32, fb *feedbackRow) *feedbackJSON {
	return &feedbackJSON{
		AccountSid:   sp(c.st.acct),
		DateCreated:  rfc2822(fb.created),
		DateUpdated:  rfc2822(fb.updated),
		Issues:       slices.Clone(fb.issues),
		QualityScore: ip(fb.score),
		Sid:          sp(c.st.calls.idx.sidString(row)),
	}
}

func getFeedback(c *ctx) (int, any) {
	row, ok := c.st.calls.idx.find(c.sid)
	if !ok {
		return 404, errNotFound(c.path)
	}
	fb, ok := c.st.feedback[row]
	if !ok {
		return 404, errNotFound(c.path)
	}
	return 200, c.renderFeedback(row, fb)
}

func updateFeedback(c *ctx) (int, any) {
	st := c.st
	row, ok := st.calls.idx.find(c.sid)
	if !ok {
		return 404, errNotFound(c.path)
	}
	v, ok := formValue(c.form, "QualityScore")
	if !ok {
		return 400, errParam("Missing required parameter QualityScore in the post body")
	}
	score, err := strconv.Atoi(v)
	if err != nil || score < 1 || score > 5 {
		return 400, errParam("QualityScore must be an integer between 1 and 5, not '%s'", v)
	}
	issues := []string{}
	for _, is := range c.form["Issue"] {
		if is == "" {
			continue
		}
		if !slices.Contains(feedbackIssues, is) {
			return 400, errParam("Invalid Issue '%s': must be one of audio-latency, digits-not-captured, dropped-call, imperfect-audio, incorrect-caller-id, one-way-audio, post-dial-delay, unsolicited-call", is)
		}
		if !slices.Contains(issues, is) {
			issues = append(issues, is)
		}
	}
	fb, ok := st.feedback[row]
	if !ok {
		fb = &feedbackRow{created: st.nowU}
		st.feedback[row] = fb
	}
	fb.score, fb.issues, fb.updated = score, issues, st.nowU
	return 200, c.renderFeedback(row, fb)
}

// ---- FeedbackSummary ----

type issueCount struct {
	Count                  int    `json:"count"`
	Description            string `json:"description"`
	PercentageOfTotalCalls string `json:"percentage_of_total_calls"`
}

type summaryRow struct {
	sid                 string
	start, end          string
	includeSub          bool
	created             int64
	callCount, fbCount  int
	avg, median, stddev float64
	issues              []issueCount
}

// summaryJSON is api.v2010.account.call.call_feedback_summary.
type summaryJSON struct {
	AccountSid                    *string      `json:"account_sid"`
	CallCount                     *int         `json:"call_count"`
	CallFeedbackCount             *int         `json:"call_feedback_count"`
	DateCreated                   *string      `json:"date_created"`
	DateUpdated                   *string      `json:"date_updated"`
	EndDate                       *string      `json:"end_date"`
	IncludeSubaccounts            *bool        `json:"include_subaccounts"`
	Issues                        []issueCount `json:"issues"`
	QualityScoreAverage           *float64     `json:"quality_score_average"`
	QualityScoreMedian            *float64     `json:"quality_score_median"`
	QualityScoreStandardDeviation *float64     `json:"quality_score_standard_deviation"`
	Sid                           *string      `json:"sid"`
	StartDate                     *string      `json:"start_date"`
	Status                        string       `json:"status"`
}

// renderSummary: a summary is "queued" in the creation answer and
// "completed", with its statistics, whenever it is fetched (the emulator
// computes it at once).
func (c *ctx) renderSummary(s *summaryRow, completed bool) *summaryJSON {
	j := &summaryJSON{
		AccountSid:         sp(c.st.acct),
		DateCreated:        rfc2822(s.created),
		DateUpdated:        rfc2822(s.created),
		EndDate:            sp(s.end),
		IncludeSubaccounts: bp(s.includeSub),
		Sid:                sp(s.sid),
		StartDate:          sp(s.start),
		Status:             "queued",
	}
	if completed {
		j.Status = "completed"
		j.CallCount, j.CallFeedbackCount = ip(s.callCount), ip(s.fbCount)
		j.Issues = s.issues
		if s.fbCount > 0 {
			j.QualityScoreAverage, j.QualityScoreMedian, j.QualityScoreStandardDeviation = &s.avg, &s.median, &s.stddev
		}
	}
	return j
}

func createSummary(c *ctx) (int, any) {
	st := c.st
	var dates [2]time.Time
	for i, name := range []string{"StartDate", "EndDate"} {
		v, ok := formValue(c.form, name)
		if !ok {
			return 400, errParam("Missing required parameter %s in the post body", name)
		}
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return 400, errParam("%s '%s' is not a valid date: use YYYY-MM-DD", name, v)
		}
		dates[i] = t
	}
	if dates[1].Before(dates[0]) {
		return 400, errParam("EndDate must be on or after StartDate")
	}
	s := &summaryRow{start: dates[0].Format("2006-01-02"), end: dates[1].Format("2006-01-02"), created: st.nowU}
	if v, ok := formValue(c.form, "IncludeSubaccounts"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return 400, errParam("IncludeSubaccounts must be true or false, not '%s'", v)
		}
		s.includeSub = b
	}
	if v, ok := formValue(c.form, "StatusCallback"); ok && !validURL(v) {
		return 400, newError(400, codeBadCallbackURL, "StatusCallback is not a valid URL: %s", v)
	}
	if v, ok := formValue(c.form, "StatusCallbackMethod"); ok {
		switch v {
		case "HEAD", "GET", "POST", "PATCH", "PUT", "DELETE":
		default:
			return 400, errParam("StatusCallbackMethod '%s' is not a valid HTTP method", v)
		}
	}
	st.computeSummary(s, dayOf(dates[0].Unix()), dayOf(dates[1].Unix()))
	for {
		st.sumMade++
		s.sid = sidStr("FS", makeSid(st.seed, domSummary, st.sumMade))
		if _, taken := st.summaries[s.sid]; !taken {
			break
		}
	}
	st.summaries[s.sid] = s
	c.created = s.sid
	return 201, c.renderSummary(s, false)
}

func (st *state) computeSummary(s *summaryRow, from, to int64) {
	cs := &st.calls
	var scores []int
	counts := map[string]int{}
	for i := range cs.rows {
		r := &cs.rows[i]
		if cs.idx.dead[i] {
			continue
		}
		d := dayOf(r.created)
		if d < from || d > to {
			continue
		}
		s.callCount++
		if fb, ok := st.feedback[int32(i)]; ok {
			scores = append(scores, fb.score)
			for _, is := range fb.issues {
				counts[is]++
			}
		}
	}
	s.fbCount = len(scores)
	s.issues = []issueCount{}
	for _, is := range feedbackIssues {
		if n := counts[is]; n > 0 {
			pct := float64(n) * 100 / float64(max(1, s.callCount))
			s.issues = append(s.issues, issueCount{Count: n, Description: is, PercentageOfTotalCalls: strconv.FormatFloat(pct, 'f', 2, 64) + "%"})
		}
	}
	if len(scores) == 0 {
		return
	}
	slices.Sort(scores)
	sum := 0
	for _, v := range scores {
		sum += v
	}
	s.avg = round2(float64(sum) / float64(len(scores)))
	if n := len(scores); n%2 == 1 {
		s.median = float64(scores[n/2])
	} else {
		s.median = float64(scores[n/2-1]+scores[n/2]) / 2
	}
	var ss float64
	mean := float64(sum) / float64(len(scores))
	for _, v := range scores {
		ss += (float64(v) - mean) * (float64(v) - mean)
	}
	s.stddev = round2(math.Sqrt(ss / float64(len(scores))))
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

func getSummary(c *ctx) (int, any) {
	s, ok := c.st.summaries[c.sid]
	if !ok {
		return 404, errNotFound(c.path)
	}
	return 200, c.renderSummary(s, true)
}

func deleteSummary(c *ctx) (int, any) {
	if _, ok := c.st.summaries[c.sid]; !ok {
		return 404, errNotFound(c.path)
	}
	delete(c.st.summaries, c.sid)
	return 204, nil
}
