package web

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/web/api"
)

// wellbeingWorkshop is a well-being workshop of the reports' test with
// five attendees (prefix1@example.org…) and the links of their
// invitations to the surveys before and after.
type wellbeingWorkshop struct {
	act       api.Activity
	starts    time.Time // once moved into the past
	pre, post []string
}

// wellbeingWorkshops publishes the workshops slugs, each with five people
// registered, asks both well-being surveys of each and invites everyone
// to both: the survey before the start; then, the workshops moved three
// weeks into the past and everyone marked as having come, the one after.
func (e *env) wellbeingWorkshops(c *client, tok string, slugs ...string) []*wellbeingWorkshop {
	e.t.Helper()
	var out []*wellbeingWorkshop
	addr := func(slug string, i int) string { return fmt.Sprintf("%s%d@example.org", slug, i) }
	for _, slug := range slugs {
		w := &wellbeingWorkshop{act: apiCreate(e.t, c, tok, apiActBody(func(m map[string]any) {
			m["slug"], m["kind"], m["capacity"], m["quotas"] = slug, "wellbeing", 10, []any{}
			m["title"] = map[string]string{"en": "Breathe " + slug, "fr": "Respirer " + slug}
		}))}
		apiJSON(e.t, c.api("POST", apiPath("/api/v1/activities/%d/publish", w.act.ID), tok, ""), http.StatusOK, nil)
		for i := 1; i <= 5; i++ {
			body := registrantJSON(fmt.Sprintf("Person%d", i), addr(slug, i), "rural", time.Now().Year()-20, nil)
			apiJSON(e.t, c.api("POST", apiPath("/api/v1/activities/%d/registrations", w.act.ID), tok, body), http.StatusCreated, nil)
		}
		apiJSON(e.t, c.api("POST", apiPath("/api/v1/activities/%d/surveys", w.act.ID), tok, `{"kind": "wellbeing_pre"}`), http.StatusCreated, nil)
		out = append(out, w)
	}
	e.inviteDue(5 * len(slugs))
	start := time.Now().UTC().Add(-21 * 24 * time.Hour)
	for _, w := range out {
		for i := 1; i <= 5; i++ {
			w.pre = append(w.pre, e.surveyLink(addr(w.act.Slug, i)))
		}
		w.starts = start
		e.setActivity(w.act.ID, "starts_at", start)
		e.setActivity(w.act.ID, "ends_at", start.Add(3*time.Hour))
		var regs struct{ Items []api.Registration }
		apiJSON(e.t, c.api("GET", apiPath("/api/v1/activities/%d/registrations", w.act.ID), tok, ""), http.StatusOK, &regs)
		ids := make([]int64, len(regs.Items))
		for i, r := range regs.Items {
			ids[i] = r.ID
		}
		b, _ := json.Marshal(ids)
		apiJSON(e.t, c.api("POST", apiPath("/api/v1/activities/%d/attendance", w.act.ID), tok, `{"attended": `+string(b)+`}`), http.StatusOK, nil)
		apiJSON(e.t, c.api("POST", apiPath("/api/v1/activities/%d/surveys", w.act.ID), tok, `{"kind": "wellbeing_post"}`), http.StatusCreated, nil)
	}
	e.inviteDue(5 * len(slugs))
	for _, w := range out {
		for i := 1; i <= 5; i++ {
			w.post = append(w.post, e.surveyLink(addr(w.act.Slug, i)))
		}
	}
	return out
}

// answerWHO5 answers the survey of link with v to each of the five items:
// a score of 20v.
func (e *env) answerWHO5(link string, v int) {
	e.t.Helper()
	person := e.client()
	person.get(link)
	vals := url.Values{}
	for i := 1; i <= 5; i++ {
		vals.Set(fmt.Sprintf("who5_%d", i), fmt.Sprint(v))
	}
	if res := person.postForm(link, vals); res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("answer %s: %d %s", link, res.StatusCode, res.Body)
	}
}

// TestReportWellbeing: the well-being change of two workshops and of both
// together, in the API, the CSV and the dashboard. Four responses a side
// show as "<5", five as they are; two workshops under the threshold pool
// into figures shown; once one reaches it, the pool of both would give the
// other's, and is withheld ("x"); once both do, all of it shows. Only the
// coordinators and admins read it.
func TestReportWellbeing(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		ws := e.wellbeingWorkshops(c, tok, "breathe", "rest")
		a, b := ws[0], ws[1]
		// Before: 40 at a, 60 at b; after: 80 at a, 100 at b.
		for i := range 4 {
			e.answerWHO5(a.pre[i], 2)
			e.answerWHO5(a.post[i], 4)
		}
		for i := range 3 {
			e.answerWHO5(b.pre[i], 3)
			e.answerWHO5(b.post[i], 5)
		}
		report := func() string {
			t.Helper()
			res := c.api("GET", "/api/v1/reports/wellbeing", tok, "")
			apiJSON(t, res, http.StatusOK, nil)
			return res.Body
		}
		const small = `"responses_before":"\u003c5","responses_after":"\u003c5","before":"\u003c5","after":"\u003c5","change":"\u003c5"`
		got := report()
		var raw struct {
			MinCell   int               `json:"min_cell"`
			Workshops []json.RawMessage `json:"workshops"`
			All       json.RawMessage   `json:"all"`
		}
		if err := json.Unmarshal([]byte(got), &raw); err != nil || raw.MinCell != 5 || len(raw.Workshops) != 2 {
			t.Fatalf("report %s: %v", got, err)
		}
		apiWantKeys(t, "WellbeingReport", json.RawMessage(got), "min_cell", "workshops", "all")
		apiWantKeys(t, "a workshop", raw.Workshops[0], "activity_id", "title", "starts_at", "responses_before", "responses_after", "before", "after", "change")
		// 4 and 3 before: 340/7; after: 620/7.
		for i, want := range []string{small, small} {
			if !strings.Contains(string(raw.Workshops[i]), want) {
				t.Errorf("four and three responses: workshop %d %s", i, raw.Workshops[i])
			}
		}
		if want := `{"responses_before":7,"responses_after":7,"before":48.57,"after":88.57,"change":40}`; string(raw.All) != want {
			t.Errorf("two workshops under the threshold pooled: %s, want %s", raw.All, want)
		}

		c.login("coord@example.org")
		page := c.get("/manage/reports?lang=fr")
		section := html.UnescapeString(between(page.Body, `id="wellbeing"`, "</section>"))
		for _, want := range []string{
			fmt.Sprintf(`id="wellbeing-%d"><th scope="row"><a href="/manage/activities/%d">Respirer breathe</a>`, a.act.ID, a.act.ID),
			`id="wellbeing-all"><th scope="row">` + e.msg("fr", "reports_all_workshops") + `</th>`,
			`data-label="` + e.msg("fr", "reports_responses_before") + `">7<`, `">48,6<`, `">88,6<`, `">+40<`,
			`data-label="` + e.msg("fr", "reports_score_after") + `"><5<`,
			`href="/manage/reports/wellbeing.csv"`,
		} {
			if !strings.Contains(section, want) {
				t.Errorf("the dashboard: no %q in\n%s", want, section)
			}
		}
		if !strings.Contains(page.Body, `href="#wellbeing"`) {
			t.Error("the dashboard's contents lack the well-being change")
		}

		// The fifth at a: a shows; the pool less a would give b's three.
		e.answerWHO5(a.pre[4], 2)
		e.answerWHO5(a.post[4], 4)
		got = report()
		_ = json.Unmarshal([]byte(got), &raw)
		if want := `"responses_before":5,"responses_after":5,"before":40,"after":80,"change":40}`; !strings.HasSuffix(string(raw.Workshops[0]), want) {
			t.Errorf("five responses: %s, want %s", raw.Workshops[0], want)
		}
		if !strings.Contains(string(raw.Workshops[1]), small) {
			t.Errorf("three responses: %s", raw.Workshops[1])
		}
		if want := `{"responses_before":"x","responses_after":"x","before":"x","after":"x","change":"x"}`; string(raw.All) != want {
			t.Errorf("the pool that would give three responses away: %s, want %s", raw.All, want)
		}

		// Five at b too.
		for i := 3; i < 5; i++ {
			e.answerWHO5(b.pre[i], 3)
			e.answerWHO5(b.post[i], 5)
		}
		got = report()
		_ = json.Unmarshal([]byte(got), &raw)
		if want := `{"responses_before":10,"responses_after":10,"before":50,"after":90,"change":40}`; string(raw.All) != want {
			t.Errorf("both shown: %s, want %s", raw.All, want)
		}
		res := c.get("/manage/reports/wellbeing.csv?lang=en")
		csv := strings.ReplaceAll(strings.TrimPrefix(res.Body, "\ufeff"), "\r\n", "\n")
		// The day it started where it happened: late in a UTC day, Ulaanbaatar's is the next.
		day := func(w *wellbeingWorkshop) string {
			zone, err := time.LoadLocation(w.act.Timezone)
			if err != nil {
				t.Fatal(err)
			}
			return w.starts.In(zone).Format(time.DateOnly)
		}
		want := "Activity id,Activity,Starts,Responses before,Responses after,Mean score before,Mean score after,Change\n" +
			fmt.Sprintf("%d,Breathe breathe,%s,5,5,40.0,80.0,40.0\n", a.act.ID, day(a)) +
			fmt.Sprintf("%d,Breathe rest,%s,5,5,60.0,100.0,40.0\n", b.act.ID, day(b)) +
			",All workshops,,10,10,50.0,90.0,40.0\n"
		if res.StatusCode != http.StatusOK || csv != want {
			t.Errorf("wellbeing.csv: %d\n%s\nwant\n%s", res.StatusCode, csv, want)
		}

		e.user("fac@example.org", access.Facilitator)
		e.user("member@example.org", access.Partner)
		for _, email := range []string{"fac@example.org", "member@example.org"} {
			if res := c.api("GET", "/api/v1/reports/wellbeing", e.token(email), ""); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s reads the well-being report: %d", email, res.StatusCode)
			}
			other := e.client()
			other.login(email)
			if res := other.get("/manage/reports/wellbeing.csv"); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s reads wellbeing.csv: %d", email, res.StatusCode)
			}
		}
	})
}
