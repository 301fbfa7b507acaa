package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/app/web/api"
	"gorm.io/gorm"
)

// surveyActivity creates and publishes, as the coordinator of c and tok, an
// activity of ten seats without quotas, changed by mod, and registers n
// people in lang (person1@example.org…); it returns the activity and the
// registrations' ids.
func surveyActivity(t *testing.T, c *client, tok string, n int, lang string, mod func(m map[string]any)) (api.Activity, []int64) {
	t.Helper()
	act := apiCreate(t, c, tok, apiActBody(func(m map[string]any) {
		m["capacity"] = 10
		m["quotas"] = []any{}
		m["title"] = map[string]string{"en": "Resilience and well-being", "fr": "Résilience et bien-être", "mn": "Тэсвэр тэвчээр"}
		if mod != nil {
			mod(m)
		}
	}))
	apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/publish", act.ID), tok, ""), http.StatusOK, nil)
	var ids []int64
	for i := range n {
		var r api.Registration
		body := registrantJSON(fmt.Sprintf("Person%d", i+1), fmt.Sprintf("person%d@example.org", i+1), "rural", time.Now().Year()-20, nil)
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/registrations?lang=%s", act.ID, lang), tok, body), http.StatusCreated, &r)
		ids = append(ids, r.ID)
	}
	return act, ids
}

// endInThePast moves an activity's dates to the day before yesterday, as
// if it had happened: the portal's clock is the machine's.
func (e *env) endInThePast(id int64) {
	e.t.Helper()
	start := time.Now().UTC().Add(-72 * time.Hour)
	if err := e.db.Model(&activities.Activity{}).Where("id = ?", id).
		Updates(map[string]any{"starts_at": start, "ends_at": start.Add(24 * time.Hour)}).Error; err != nil {
		e.t.Fatal(err)
	}
}

// inviteDue runs the invitations' job and fails unless it invited want.
func (e *env) inviteDue(want int) {
	e.t.Helper()
	n, err := e.srv.App.Surveys.InviteDue(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	if n != want {
		e.t.Fatalf("InviteDue invited %d, want %d", n, want)
	}
}

// surveyLink is the /s/ link of the last mail to addr.
func (e *env) surveyLink(addr string) string {
	e.t.Helper()
	return e.lastMail(addr).Link(e.t, "/s/")
}

// who5Answers are answers to the WHO-5, fresh for each form (postForm adds
// the client's _csrf to them).
func who5Answers() url.Values {
	return url.Values{"who5_1": {"3"}, "who5_2": {"4"}, "who5_3": {"2"}, "who5_4": {"5"}, "who5_5": {"1"}}
}

// TestSurveyByMail: the invitation reaches the person over SMTP in their
// language; its link opens the form in that language, which says the
// survey is anonymous; wrong answers come back in their language with what
// was chosen (422) and record nothing; the answers are recorded once, a
// second POST records nothing and says so, and so do two at once; a forged
// link is a 404.
func TestSurveyByMail(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		fr := catalog(t).Localizer("fr")
		c, tok := apiStaff(e)
		act, _ := surveyActivity(t, c, tok, 2, "fr", nil)
		var sv api.Survey
		res := c.api("POST", apiPath("/api/v1/activities/%d/surveys", act.ID), tok, `{"kind": "wellbeing_pre"}`)
		apiJSON(t, res, http.StatusCreated, &sv)
		if sv.Kind != path.SurveyWellbeingPre || !sv.Anonymous || sv.ActivityID != act.ID || sv.Invited != 0 {
			t.Fatalf("survey %+v", sv)
		}
		if r := c.api("POST", apiPath("/api/v1/activities/%d/surveys?lang=fr", act.ID), tok, `{"kind": "wellbeing_pre", "anonymous": false}`); r.StatusCode != http.StatusConflict ||
			apiErr(t, r).Message != e.msg("fr", "error_survey_exists") {
			t.Fatalf("a second survey of the kind: %d %s", r.StatusCode, r.Body)
		}
		if r := c.api("POST", apiPath("/api/v1/activities/%d/surveys", act.ID), tok, `{"kind": "poll"}`); r.StatusCode != http.StatusUnprocessableEntity ||
			apiErr(t, r).Fields["kind"] == "" {
			t.Fatalf("an unknown kind: %d %s", r.StatusCode, r.Body)
		}
		e.inviteDue(2)
		e.inviteDue(0)

		m := e.lastMail("person1@example.org")
		if want := fr.T("survey_pre_subject", "Title", "Résilience et bien-être"); m.Subject != want || m.Header.Get("Content-Language") != "fr" {
			t.Errorf("subject %q (%s), want %q", m.Subject, m.Header.Get("Content-Language"), want)
		}
		link := m.Link(t, "/s/")

		person := e.client()
		page := person.get(link)
		body := html.UnescapeString(page.Body)
		if page.StatusCode != http.StatusOK || pageLang(page.Body) != "fr" || !strings.Contains(body, fr.T("survey_anonymous_page")) ||
			!strings.Contains(body, fr.T("who5_q4")) || !strings.Contains(body, fr.T("who5_scale_0")) {
			t.Fatalf("the form: %d %s\n%s", page.StatusCode, pageLang(page.Body), page.Body)
		}
		if page.Header.Get("Cache-Control") != "no-store" || !strings.Contains(page.Header.Get("X-Robots-Tag"), "noindex") ||
			page.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("the private link's headers: %v", page.Header)
		}

		res = person.postForm(link, url.Values{"who5_1": {"9"}, "who5_2": {"4"}})
		body = html.UnescapeString(res.Body)
		if res.StatusCode != http.StatusUnprocessableEntity || pageLang(res.Body) != "fr" ||
			!strings.Contains(body, fr.T("error_survey_choose")) || !strings.Contains(body, fr.T("error_required")) ||
			!strings.Contains(res.Body, `id="f-who5_2-4" checked`) || strings.Contains(res.Body, `id="f-who5_2-3" checked`) {
			t.Fatalf("wrong answers: %d\n%s", res.StatusCode, res.Body)
		}
		if n := e.rows("survey_responses"); n != 0 {
			t.Fatalf("wrong answers recorded %d responses", n)
		}

		res = person.postForm(link, who5Answers())
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the answers: %d %s", res.StatusCode, res.Body)
		}
		done := person.get(res.Header.Get("Location"))
		if done.StatusCode != http.StatusOK || !strings.Contains(html.UnescapeString(done.Body), fr.T("survey_thanks")) {
			t.Fatalf("after the answers: %d\n%s", done.StatusCode, done.Body)
		}
		res = person.postForm(link, who5Answers())
		if res.StatusCode != http.StatusConflict || !strings.Contains(html.UnescapeString(res.Body), fr.T("survey_answered")) ||
			strings.Contains(res.Body, `id="survey-form"`) {
			t.Fatalf("a second POST: %d\n%s", res.StatusCode, res.Body)
		}
		if again := person.get(link); again.StatusCode != http.StatusOK || !strings.Contains(html.UnescapeString(again.Body), fr.T("survey_answered")) {
			t.Fatalf("the link once answered: %d", again.StatusCode)
		}
		if n := e.rows("survey_responses"); n != 1 {
			t.Fatalf("%d responses, want 1", n)
		}

		// Two devices answer the same invitation at once: one is recorded.
		link = e.surveyLink("person2@example.org")
		devices := []*client{e.client(), e.client()}
		for _, d := range devices {
			d.get(link)
		}
		codes := make([]int, len(devices))
		var wg sync.WaitGroup
		for i, d := range devices {
			wg.Go(func() { codes[i] = d.postForm(link, who5Answers()).StatusCode })
		}
		wg.Wait()
		if !(codes[0] == http.StatusSeeOther && codes[1] == http.StatusConflict || codes[1] == http.StatusSeeOther && codes[0] == http.StatusConflict) {
			t.Fatalf("two POSTs at once: %v", codes)
		}
		if n := e.rows("survey_responses"); n != 2 {
			t.Fatalf("%d responses, want 2", n)
		}

		forged := []byte(strings.TrimPrefix(link, "/s/"))
		forged[5] ^= 1
		stranger := e.client()
		for _, bad := range []string{"/s/" + string(forged), "/s/nothing"} {
			if r := stranger.get(bad); r.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d", bad, r.StatusCode)
			}
			if r := stranger.postForm(bad, who5Answers()); r.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s: %d", bad, r.StatusCode)
			}
		}
		if r := stranger.postRaw(link, who5Answers()); r.StatusCode != http.StatusForbidden {
			t.Errorf("a POST without _csrf: %d", r.StatusCode)
		}
	})
}

// surveyResults reads a survey's results as tok, field by field.
func surveyResults(t *testing.T, c *client, tok string, id int64) map[string]json.RawMessage {
	t.Helper()
	var raw map[string]json.RawMessage
	apiJSON(t, c.api("GET", apiPath("/api/v1/surveys/%d/results", id), tok, ""), http.StatusOK, &raw)
	return raw
}

// TestSurveyResultsSuppressed: under GOTONG_MIN_CELL responses every figure
// of the results, the responses too, is "<5", and no text is given; at five,
// the figures show, and the staff read the texts; a partner member of an
// organisation that co-hosts the activity reads the figures, never the
// texts; any other partner, or a facilitator, reads nothing.
func TestSurveyResultsSuppressed(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		host := apiCreatePartner(t, c, tok, nil)
		other := apiCreatePartner(t, c, tok, func(m map[string]any) { m["name"] = "Another youth council" })
		act, regs := surveyActivity(t, c, tok, 5, "mn", func(m map[string]any) { m["partner_ids"] = []int64{host.ID} })
		e.endInThePast(act.ID)
		ids, _ := json.Marshal(regs)
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/attendance", act.ID), tok, `{"attended": `+string(ids)+`}`), http.StatusOK, nil)
		var sv api.Survey
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/surveys", act.ID), tok, `{"kind": "feedback"}`), http.StatusCreated, &sv)
		e.inviteDue(5)

		answer := func(i int) {
			t.Helper()
			person := e.client()
			link := e.surveyLink(fmt.Sprintf("person%d@example.org", i))
			person.get(link)
			vals := url.Values{"rating": {fmt.Sprint(1 + i%5)}, "helped": {fmt.Sprintf("text %d", i)}}
			if r := person.postForm(link, vals); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("answer %d: %d %s", i, r.StatusCode, r.Body)
			}
		}
		for i := 1; i <= 4; i++ {
			answer(i)
		}
		raw := surveyResults(t, c, tok, sv.ID)
		var four struct {
			Responses any `json:"responses"`
			Items     []struct {
				Question     string         `json:"question"`
				Mean         any            `json:"mean"`
				Distribution map[string]any `json:"distribution"`
			} `json:"items"`
		}
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, &four); err != nil {
			t.Fatal(err)
		}
		if four.Responses != "<5" || len(four.Items) != 1 || four.Items[0].Mean != "<5" || len(four.Items[0].Distribution) != 5 {
			t.Fatalf("four responses: %s", b)
		}
		for v, n := range four.Items[0].Distribution {
			if n != "<5" {
				t.Errorf("four responses: %s gave %v", v, n)
			}
		}
		if string(raw["texts"]) != "null" || string(raw["score"]) != "null" || string(raw["change"]) != "null" {
			t.Errorf("four responses: texts %s, score %s, change %s", raw["texts"], raw["score"], raw["change"])
		}

		answer(5)
		raw = surveyResults(t, c, tok, sv.ID)
		b, _ = json.Marshal(raw)
		var five struct {
			Responses int `json:"responses"`
			Items     []struct {
				Mean         float64        `json:"mean"`
				Distribution map[string]int `json:"distribution"`
			} `json:"items"`
			Texts map[string][]string `json:"texts"`
		}
		if err := json.Unmarshal(b, &five); err != nil {
			t.Fatalf("five responses: %s: %v", b, err)
		}
		// Ratings 2, 3, 4, 5 and 1.
		want := map[string]int{"1": 1, "2": 1, "3": 1, "4": 1, "5": 1}
		if five.Responses != 5 || len(five.Items) != 1 || five.Items[0].Mean != 3 || fmt.Sprint(five.Items[0].Distribution) != fmt.Sprint(want) {
			t.Fatalf("five responses: %s", b)
		}
		if len(five.Texts["helped"]) != 5 || len(five.Texts["change"]) != 0 {
			t.Errorf("the staff's texts: %v", five.Texts)
		}

		// A member of the co-hosting organisation reads the figures.
		member := e.member("member@host.example.org", host.ID)
		raw = surveyResults(t, c, member, sv.ID)
		if string(raw["responses"]) != "5" || string(raw["texts"]) != "null" {
			t.Errorf("the co-host's results: responses %s, texts %s", raw["responses"], raw["texts"])
		}
		var list struct{ Items []api.Survey }
		apiJSON(t, c.api("GET", apiPath("/api/v1/activities/%d/surveys", act.ID), member, ""), http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].Invited != 5 {
			t.Errorf("the co-host's list: %+v", list)
		}
		// A partner member is told of no object it may not write (404).
		if r := c.api("POST", apiPath("/api/v1/activities/%d/surveys", act.ID), member, `{"kind": "wellbeing_post"}`); r.StatusCode != http.StatusNotFound {
			t.Errorf("a partner adds a survey: %d", r.StatusCode)
		}
		// Anyone else: not found, or not allowed.
		stranger := e.member("member@other.example.org", other.ID)
		for _, p := range []string{apiPath("/api/v1/surveys/%d/results", sv.ID), apiPath("/api/v1/activities/%d/surveys", act.ID)} {
			if r := c.api("GET", p, stranger, ""); r.StatusCode != http.StatusNotFound {
				t.Errorf("another partner's GET %s: %d", p, r.StatusCode)
			}
		}
		e.user("lead@example.org", access.Facilitator)
		lead := e.token("lead@example.org")
		apiJSON(t, c.api("PATCH", apiPath("/api/v1/activities/%d", act.ID), tok, fmt.Sprintf(`{"facilitator_ids": [%d]}`, e.userID("lead@example.org"))), http.StatusOK, nil)
		if r := c.api("GET", apiPath("/api/v1/surveys/%d/results", sv.ID), lead, ""); r.StatusCode != http.StatusForbidden {
			t.Errorf("the activity's facilitator: %d", r.StatusCode)
		}
		if r := c.api("GET", apiPath("/api/v1/surveys/%d/results", sv.ID+100), tok, ""); r.StatusCode != http.StatusNotFound {
			t.Errorf("no such survey: %d", r.StatusCode)
		}
	})
}

// TestSurveysOnThePages: the coordinator adds a survey on the activity's
// page and reads its results there, suppressed; the member of a co-hosting
// organisation reads them in its space, and another organisation's member
// finds nothing; a facilitator's page of the activity has no surveys.
func TestSurveysOnThePages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		en := catalog(t).Localizer("en")
		c, tok := apiStaff(e)
		host := apiCreatePartner(t, c, tok, nil)
		other := apiCreatePartner(t, c, tok, func(m map[string]any) { m["name"] = "Another youth council" })
		act, _ := surveyActivity(t, c, tok, 2, "en", func(m map[string]any) { m["partner_ids"] = []int64{host.ID} })
		page := fmt.Sprintf("/manage/activities/%d", act.ID)

		staff := e.client()
		staff.login("coord@example.org")
		res := staff.get(page)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `id="surveys-none"`) || !strings.Contains(res.Body, `id="survey-add"`) {
			t.Fatalf("the activity's page: %d", res.StatusCode)
		}
		res = staff.postForm(page+"/surveys", url.Values{"kind": {path.SurveyWellbeingPre}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("adding a survey: %d %s", res.StatusCode, res.Body)
		}
		var sv path.Survey
		if err := e.db.Where("activity_id = ?", act.ID).Take(&sv).Error; err != nil || sv.Anonymous || sv.Kind != path.SurveyWellbeingPre {
			t.Fatalf("the survey added without anonymous=yes: %+v, %v", sv, err)
		}
		res = staff.postForm(page+"/surveys", url.Values{"kind": {path.SurveyWellbeingPre}, "anonymous": {"yes"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(html.UnescapeString(res.Body), en.T("error_survey_exists")) {
			t.Fatalf("adding it again: %d", res.StatusCode)
		}
		e.inviteDue(2)
		res = staff.get(page)
		body := html.UnescapeString(res.Body)
		for _, want := range []string{en.T("survey_kind_wellbeing_pre"), en.T("surveys_named"), en.T("surveys_invited", "Count", 2),
			en.T("surveys_responses", "Count", "<5"), en.T("surveys_suppressed", "Min", 5)} {
			if !strings.Contains(body, want) {
				t.Errorf("the activity's page lacks %q", want)
			}
		}
		if strings.Contains(res.Body, fmt.Sprintf(`id="survey-%d-items"`, sv.ID)) || !strings.Contains(res.Body, `value="feedback"`) ||
			strings.Contains(res.Body, `value="wellbeing_pre"`) {
			t.Errorf("the activity's page shows figures, or offers the kind it has")
		}

		e.member("member@host.example.org", host.ID)
		member := e.client()
		member.login("member@host.example.org")
		home := member.get("/partner")
		link := fmt.Sprintf("/partner/activities/%d/surveys", act.ID)
		if !strings.Contains(home.Body, `href="`+link+`"`) {
			t.Fatalf("the partner's home has no link to the results")
		}
		res = member.get(link)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, fmt.Sprintf(`id="survey-%d"`, sv.ID)) ||
			!strings.Contains(html.UnescapeString(res.Body), en.T("surveys_suppressed", "Min", 5)) {
			t.Fatalf("the co-host's results: %d\n%s", res.StatusCode, res.Body)
		}
		e.member("member@other.example.org", other.ID)
		stranger := e.client()
		stranger.login("member@other.example.org")
		if r := stranger.get(link); r.StatusCode != http.StatusNotFound {
			t.Errorf("another organisation's member: %d", r.StatusCode)
		}

		e.user("lead@example.org", access.Facilitator)
		apiJSON(t, c.api("PATCH", apiPath("/api/v1/activities/%d", act.ID), tok, fmt.Sprintf(`{"facilitator_ids": [%d]}`, e.userID("lead@example.org"))), http.StatusOK, nil)
		lead := e.client()
		lead.login("lead@example.org")
		res = lead.get(page)
		if res.StatusCode != http.StatusOK || strings.Contains(res.Body, `id="surveys"`) {
			t.Errorf("the facilitator's page: %d, surveys shown", res.StatusCode)
		}
		if r := lead.postForm(page+"/surveys", url.Values{"kind": {path.SurveyFeedback}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("a facilitator adds a survey: %d", r.StatusCode)
		}
	})
}

// TestSurveyLinkKeptOutOfTheLog: the access log names the route of a
// survey's link, never its token.
func TestSurveyLinkKeptOutOfTheLog(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		var logs logBuffer
		e := newEnvLog(t, db, testConfig(), slog.New(slog.NewJSONHandler(&logs, nil)))
		c, tok := apiStaff(e)
		act, _ := surveyActivity(t, c, tok, 1, "en", nil)
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/surveys", act.ID), tok, `{"kind": "wellbeing_pre"}`), http.StatusCreated, nil)
		e.inviteDue(1)
		link := e.surveyLink("person1@example.org")
		person := e.client()
		person.get(link)
		if res := person.postForm(link, who5Answers()); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the answers: %d", res.StatusCode)
		}
		out := logs.String()
		if !strings.Contains(out, `"route":"/s/:token"`) {
			t.Error("no access log line names /s/:token")
		}
		if strings.Contains(out, strings.TrimPrefix(link, "/s/")) {
			t.Error("the log holds the survey link's token")
		}
	})
}
