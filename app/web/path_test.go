package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/web/api"
)

// TestActivityHours: the hours an activity counts for, through the API
// (a number, null for its duration, kept when left out, the minutes read
// back unchanged) and the staff form and page (empty: its duration; a
// decimal comma; a refusal beside the field).
func TestActivityHours(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		a := apiCreate(t, c, tok, apiActBody(func(m map[string]any) { m["hours"] = 2.5 }))
		if a.Hours == nil || *a.Hours != 2.5 {
			t.Fatalf("created with hours %v", a.Hours)
		}
		path := apiPath("/api/v1/activities/%d", a.ID)
		var got api.Activity
		apiJSON(t, c.api("PATCH", path, tok, `{"hours": 1.01}`), http.StatusOK, &got)
		if got.Hours == nil || *got.Hours != 61.0/60 {
			t.Fatalf("1.01 hours stored as %v, want 61 minutes", got.Hours)
		}
		// A GET body sent back keeps the minute.
		apiJSON(t, c.api("PATCH", path, tok, c.api("GET", path, tok, "").Body), http.StatusOK, &got)
		stored, err := e.srv.Activities.Get(context.Background(), a.ID)
		if err != nil || stored.CreditMinutes == nil || *stored.CreditMinutes != 61 {
			t.Fatalf("after the GET body: %v %v", stored.CreditMinutes, err)
		}
		apiJSON(t, c.api("PATCH", path, tok, `{"venue": "Hall 2"}`), http.StatusOK, &got)
		if got.Hours == nil || *got.Hours != 61.0/60 {
			t.Fatalf("an edit without hours changed them: %v", got.Hours)
		}
		res := c.api("PATCH", path+"?lang=fr", tok, `{"hours": -1}`)
		if res.StatusCode != http.StatusUnprocessableEntity || apiErr(t, res).Fields["hours"] != e.msg("fr", "error_hours_range", "Max", 8784) {
			t.Fatalf("negative hours: %d %s", res.StatusCode, res.Body)
		}
		apiJSON(t, c.api("PATCH", path, tok, `{"hours": null}`), http.StatusOK, &got)
		if got.Hours != nil {
			t.Fatalf("null kept %v", *got.Hours)
		}

		// The staff form and page.
		staff := e.client()
		staff.login("coord@example.org")
		page := fmt.Sprintf("/manage/activities/%d", a.ID)
		view := staff.get(page)
		want := `id="activity-hours">96<span class="sub">` + e.msg("en", "manage_hours_duration") // four days
		if !strings.Contains(view.Body, want) {
			t.Fatalf("page without hours set: %s", between(view.Body, `id="activity-hours"`, "</dd>"))
		}
		stored, _ = e.srv.Activities.Get(context.Background(), a.ID)
		vals := formOf(stored)
		if vals.Get("hours") != "" {
			t.Fatalf("form hours %q for the duration", vals.Get("hours"))
		}
		vals.Set("hours", "1,75")
		if res := staff.postForm(page, vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save 1,75: %d", res.StatusCode)
		}
		stored, _ = e.srv.Activities.Get(context.Background(), a.ID)
		if stored.CreditMinutes == nil || *stored.CreditMinutes != 105 || formOf(stored).Get("hours") != "1.75" {
			t.Fatalf("stored %v", stored.CreditMinutes)
		}
		if view := staff.get(page + "?lang=fr"); !strings.Contains(view.Body, `id="activity-hours">1,75</dd>`) {
			t.Fatalf("page with hours set: %s", between(view.Body, `id="activity-hours"`, "</dd>"))
		}
		vals = formOf(stored)
		vals.Set("hours", "-2")
		res = staff.postForm(page+"?lang=mn", vals)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, fieldError("hours", e.msg("mn", "error_hours_range", "Max", 8784))) {
			t.Fatalf("negative hours by the form: %d", res.StatusCode)
		}
		vals.Set("hours", "")
		if res := staff.postForm(page, vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save empty: %d", res.StatusCode)
		}
		if stored, _ = e.srv.Activities.Get(context.Background(), a.ID); stored.CreditMinutes != nil || activities.CreditMinutes(stored) != 96*60 {
			t.Fatalf("emptied hours: %v", stored.CreditMinutes)
		}
	})
}

// pathFixture is Saraa's path: a four-day camp that counts for its
// duration (96 hours) and a discreet one-day training that counts for 2.5
// hours, both attended; a camp she missed and one whose place was
// cancelled after it was marked attended, which count for nothing. Bat
// attended the first camp too.
type pathFixture struct {
	person          int64
	camp, training  *activities.Activity
	missed, dropped *activities.Activity
}

func (e *env) pathFixture() pathFixture {
	e.t.Helper()
	ctx := context.Background()
	f := pathFixture{camp: e.publishedCamp("path-camp", 10), missed: e.publishedCamp("path-missed", 10),
		dropped: e.publishedCamp("path-dropped", 10)}
	// The training ends first: the path lists it first.
	start := time.Now().UTC().Add(20 * 24 * time.Hour).Truncate(time.Hour)
	tr, err := e.srv.Activities.Create(ctx, 0, activities.Input{Slug: ptrTo("path-training"), Kind: ptrTo(activities.KindTraining),
		Capacity: ptrTo(10), StartsAt: ptrTo(start), EndsAt: ptrTo(start.Add(7 * time.Hour)), Hours: ptrTo(2.5), Discreet: ptrTo(true),
		Title: map[string]string{"en": "Digital safety", "fr": "Sécurité numérique"}})
	if err != nil {
		e.t.Fatal(err)
	}
	if f.training, err = e.srv.Activities.SetStatus(ctx, 0, tr.ID, activities.StatusPublished); err != nil {
		e.t.Fatal(err)
	}
	register := func(a *activities.Activity, email string, came bool) *registration.Placed {
		e.t.Helper()
		r, err := e.srv.Registrations.Register(ctx, a, registration.Request{Consent: true, Person: people.Declared{
			GivenName: "Saraa", FamilyName: "Bold", Email: email, BirthYear: time.Now().Year() - 20,
			Region: "MN-057", Locality: people.Rural, Locale: "mn"}})
		if err != nil {
			e.t.Fatal(err)
		}
		// As if the activity had taken place: it starts in the future, and
		// the service would refuse the mark.
		if err := e.db.Model(&registration.Registration{}).Where("id = ?", r.ID).Update("attended", came).Error; err != nil {
			e.t.Fatal(err)
		}
		return r
	}
	register(f.camp, "saraa@example.org", true)
	register(f.training, "saraa@example.org", true)
	register(f.missed, "saraa@example.org", false)
	dropped := register(f.dropped, "saraa@example.org", true)
	if _, err := e.srv.Registrations.Cancel(ctx, dropped.ID); err != nil {
		e.t.Fatal(err)
	}
	register(f.camp, "bat@example.org", true)
	f.person = e.personOf("saraa@example.org")
	return f
}

// TestAPIPath: a person's path for staff, in the request's language, and
// one's own for a participant whose account is linked to their person
// record; an unknown person and a partner member get 404; an account
// without a person record gets an empty path.
func TestAPIPath(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.pathFixture()
		c, tok := apiStaff(e)
		res := c.api("GET", apiPath("/api/v1/people/%d/path?lang=fr", f.person), tok, "")
		var p api.Path
		apiJSON(t, res, http.StatusOK, &p)
		apiWantKeys(t, "Path", json.RawMessage(res.Body), "activities", "hours", "surveys")
		var raw struct{ Activities []json.RawMessage }
		_ = json.Unmarshal([]byte(res.Body), &raw)
		apiWantKeys(t, "a path's activity", raw.Activities[0], "activity_id", "title", "kind", "ended_on", "hours", "certificate")
		want := api.Path{Hours: 98.5, Activities: []api.PathEntry{
			{ActivityID: f.training.ID, Title: "Sécurité numérique", Kind: "training", EndedOn: f.training.Local(f.training.EndsAt).Format(time.DateOnly), Hours: 2.5},
			{ActivityID: f.camp.ID, Title: "Camp path-camp", Kind: "camp", EndedOn: f.camp.Local(f.camp.EndsAt).Format(time.DateOnly), Hours: 96},
		}}
		if !reflect.DeepEqual(p, want) {
			t.Fatalf("path\n%+v\nwant\n%+v", p, want)
		}
		if !strings.Contains(res.Body, `"certificate":null`) || !strings.Contains(res.Body, `"surveys":0`) {
			t.Fatalf("certificate and surveys: %s", res.Body)
		}
		if res := c.api("GET", apiPath("/api/v1/people/%d/path", f.person+1000), tok, ""); res.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown person: %d", res.StatusCode)
		}
		e.user("partner@example.org", access.Partner)
		if res := c.api("GET", apiPath("/api/v1/people/%d/path", f.person), e.token("partner@example.org"), ""); res.StatusCode != http.StatusNotFound {
			t.Fatalf("a partner member reads a path: %d %s", res.StatusCode, res.Body)
		}
		e.user("fac@example.org", access.Facilitator)
		if res := c.api("GET", apiPath("/api/v1/people/%d/path", f.person), e.token("fac@example.org"), ""); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a facilitator reads a path: %d", res.StatusCode)
		}

		// Her own, through an account linked to her record under another
		// address.
		u := e.user("saraa.bold@example.org", access.Participant)
		if err := e.db.Table("users").Where("id = ?", u.ID).Update("person_id", f.person).Error; err != nil {
			t.Fatal(err)
		}
		var mine api.Path
		apiJSON(t, c.api("GET", "/api/v1/me/path?lang=fr", e.token("saraa.bold@example.org"), ""), http.StatusOK, &mine)
		if !reflect.DeepEqual(mine, want) {
			t.Fatalf("me/path\n%+v\nwant\n%+v", mine, want)
		}
		// The coordinator has no person record: an empty path, not an error.
		res = c.api("GET", "/api/v1/me/path", tok, "")
		if res.StatusCode != http.StatusOK || strings.TrimSpace(res.Body) != `{"activities":[],"hours":0,"surveys":0}` {
			t.Fatalf("no person: %d %s", res.StatusCode, res.Body)
		}
		if res := c.api("GET", "/api/v1/me/path", "", ""); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("without a token: %d", res.StatusCode)
		}
	})
}

// TestPathPages: the staff person page and the participant's account show
// the path: the activities attended with their kind, day and hours, the
// hours in all and the surveys answered, in the page's language; an
// account with no person record shows none.
func TestPathPages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.pathFixture()
		staff := e.staffClient("coord@example.org", access.Coordinator)
		page := text(staff.get(fmt.Sprintf("/manage/people/%d?lang=fr", f.person)))
		section := between(page, `id="path"`, "</section>")
		for _, want := range []string{e.msg("fr", "path_heading"), `id="path-hours">98,5<`, `id="path-count">2<`, `id="path-surveys">0<`,
			`<a href="/manage/activities/` + itoa(f.training.ID) + `">Sécurité numérique</a>`, e.msg("fr", "kind_training"),
			`<a href="/manage/activities/` + itoa(f.camp.ID) + `">Camp path-camp</a>`,
			`data-label="` + e.msg("fr", "path_hours_col") + `">2,5<`, `>96<`,
			e.srv.Catalog.Localizer("fr").Date(f.camp.Local(f.camp.EndsAt))} {
			if !strings.Contains(section, want) {
				t.Errorf("staff page: no %q in the path:\n%s", want, section)
			}
		}
		for _, missing := range []*activities.Activity{f.missed, f.dropped} {
			if strings.Contains(section, "path-"+itoa(missing.ID)+`"`) {
				t.Errorf("%s is on the path", missing.Slug)
			}
		}
		if strings.Index(section, "Sécurité numérique") > strings.Index(section, "Camp path-camp") {
			t.Error("the path is not in the order the activities ended")
		}

		// A person with no attended activity: the path says so.
		bat := e.personOf("bat@example.org")
		e.db.Model(&registration.Registration{}).Where("person_id = ?", bat).Update("attended", false)
		if page := staff.get(fmt.Sprintf("/manage/people/%d?lang=mn", bat)); !strings.Contains(text(page), e.msg("mn", "path_none")) {
			t.Error("an empty path does not say so")
		}

		// Her account, linked to her record.
		u := e.user("saraa.bold@example.org", access.Participant)
		e.db.Table("users").Where("id = ?", u.ID).Update("person_id", f.person)
		own := e.client()
		own.login("saraa.bold@example.org")
		page = text(own.get("/account?lang=id"))
		section = between(page, `id="path"`, "</section>")
		for _, want := range []string{e.msg("id", "path_heading_own"), `id="path-hours">98,5<`, ">Digital safety<", e.msg("id", "kind_camp")} {
			if !strings.Contains(section, want) {
				t.Errorf("account: no %q in the path:\n%s", want, section)
			}
		}
		if strings.Contains(section, "/manage/") {
			t.Error("the account's path links to staff pages")
		}
		if page := staff.get("/account"); strings.Contains(page.Body, `id="path"`) {
			t.Error("an account with no person record shows a path")
		}
	})
}

// TestPathExportAndErasure: a person's data export carries what each
// activity counts for on their path; once they are erased their path is
// gone (404) and the reports still count their hours, anonymously.
func TestPathExportAndErasure(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.pathFixture()
		e.user("admin@example.org", access.Admin)
		c, tok := e.client(), e.token("admin@example.org")
		var x struct {
			Registrations []struct {
				ActivityID    int64   `json:"activity_id"`
				ActivityHours float64 `json:"activity_hours"`
				Status        string  `json:"status"`
				Attended      *bool   `json:"attended"`
			} `json:"registrations"`
		}
		apiJSON(t, c.api("GET", apiPath("/api/v1/people/%d/data", f.person), tok, ""), http.StatusOK, &x)
		hours := map[int64]float64{}
		for _, r := range x.Registrations {
			if r.Status == string(registration.Confirmed) && r.Attended != nil && *r.Attended {
				hours[r.ActivityID] = r.ActivityHours
			}
		}
		if len(hours) != 2 || hours[f.camp.ID] != 96 || hours[f.training.ID] != 2.5 {
			t.Fatalf("the export's path: %v", hours)
		}
		// The activities took place: erasing cancels only places still to
		// come, and those that ended stay, to be counted.
		past := time.Now().UTC().Add(-10 * 24 * time.Hour).Truncate(time.Hour)
		for _, a := range []*activities.Activity{f.camp, f.training} {
			e.setActivity(a.ID, "starts_at", past.Add(-a.EndsAt.Sub(a.StartsAt)))
			e.setActivity(a.ID, "ends_at", past)
		}
		before := c.api("GET", "/api/v1/reports/training", tok, "").Body
		if res := c.api("DELETE", apiPath("/api/v1/people/%d", f.person), tok, ""); res.StatusCode != http.StatusNoContent {
			t.Fatalf("erase: %d %s", res.StatusCode, res.Body)
		}
		if res := c.api("GET", apiPath("/api/v1/people/%d/path", f.person), tok, ""); res.StatusCode != http.StatusNotFound {
			t.Fatalf("an erased person's path: %d %s", res.StatusCode, res.Body)
		}
		if after := c.api("GET", "/api/v1/reports/training", tok, "").Body; after != before || !strings.Contains(after, `"total_hours":194.5`) {
			t.Fatalf("the reports changed with the erasure:\n%s\n%s", before, after)
		}
	})
}
