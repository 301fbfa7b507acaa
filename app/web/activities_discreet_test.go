package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/app/web/api"
	"gorm.io/gorm"
)

// The activity fields of a young person's place: discreet, guardian_age and
// reminder_hours, through the API, the staff's form and the public pages.

// TestAPIActivityDiscreetGuardianReminder: the three fields on create, GET
// and PATCH, with their defaults (guardian_age from the portal's settings
// until the activity has its own, and back with null), and their 422s.
func TestAPIActivityDiscreetGuardianReminder(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		cfg := testConfig()
		cfg.GuardianAge = 17 // not the usual 18, to see where it comes from
		e := newEnvConfig(t, db, cfg)
		c, tok := apiStaff(e)
		want := func(a api.Activity, discreet bool, guardian, reminder int) {
			t.Helper()
			if a.Discreet != discreet || a.GuardianAge != guardian || a.ReminderHours != reminder {
				t.Fatalf("discreet %v, guardian_age %d, reminder_hours %d; want %v, %d, %d",
					a.Discreet, a.GuardianAge, a.ReminderHours, discreet, guardian, reminder)
			}
		}
		plain := apiCreate(t, c, tok, apiActBody(nil))
		want(plain, false, 17, 48)

		hidden := apiCreate(t, c, tok, apiActBody(func(m map[string]any) {
			m["slug"] = "safe-space"
			m["discreet"], m["guardian_age"], m["reminder_hours"] = true, 16, 0
		}))
		want(hidden, true, 16, 0)
		path := apiPath("/api/v1/activities/%d", hidden.ID)
		var got api.Activity
		apiJSON(t, c.api("GET", path, tok, ""), http.StatusOK, &got)
		want(got, true, 16, 0)

		// PATCH changes what it names and keeps the rest.
		apiJSON(t, c.api("PATCH", path, tok, `{"reminder_hours": 24}`), http.StatusOK, &got)
		want(got, true, 16, 24)
		apiJSON(t, c.api("PATCH", path, tok, `{"guardian_age": 0}`), http.StatusOK, &got)
		want(got, true, 0, 24)
		apiJSON(t, c.api("PATCH", path, tok, `{"guardian_age": null, "discreet": false}`), http.StatusOK, &got)
		want(got, false, 17, 24)
		if stored, _ := e.srv.Activities.Get(context.Background(), hidden.ID); stored.GuardianAge != nil {
			t.Fatalf("null stored the age %d, not the default", *stored.GuardianAge)
		}
		// A GET body sent back as it is keeps everything (the age now its own).
		var raw json.RawMessage
		apiJSON(t, c.api("GET", path, tok, ""), http.StatusOK, &raw)
		apiJSON(t, c.api("PATCH", path, tok, string(raw)), http.StatusOK, &got)
		want(got, false, 17, 24)

		for _, tc := range []struct{ body, field string }{
			{`{"guardian_age": 100}`, "guardian_age"},
			{`{"guardian_age": -1}`, "guardian_age"},
			{`{"reminder_hours": 721}`, "reminder_hours"},
			{`{"reminder_hours": -1}`, "reminder_hours"},
		} {
			res := c.api("PATCH", path, tok, tc.body)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s: %d %s", tc.body, res.StatusCode, res.Body)
			}
			if body := apiErr(t, res); body.Fields[tc.field] == "" || len(body.Fields) != 1 {
				t.Errorf("%s: fields %v, want %s", tc.body, body.Fields, tc.field)
			}
		}
		res := c.api("POST", "/api/v1/activities", tok, apiActBody(func(m map[string]any) { m["reminder_hours"] = 1000 }))
		if res.StatusCode != http.StatusUnprocessableEntity || apiErr(t, res).Fields["reminder_hours"] == "" {
			t.Fatalf("create with a reminder of 1000 hours: %d %s", res.StatusCode, res.Body)
		}

		// The staff's list holds the discreet activity, marked; nobody
		// else may list at all.
		apiJSON(t, c.api("PATCH", path, tok, `{"discreet": true}`), http.StatusOK, &got)
		var list struct{ Items []api.Activity }
		apiJSON(t, c.api("GET", "/api/v1/activities", tok, ""), http.StatusOK, &list)
		if len(list.Items) != 2 || list.Items[0].Discreet == list.Items[1].Discreet {
			t.Fatalf("the staff's list: %+v", list.Items)
		}
		if res := e.client().api("GET", "/api/v1/activities", "", ""); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("anonymous list: %d", res.StatusCode)
		}
	})
}

// discreetCamp is a published camp made discreet.
func (e *env) discreetCamp(slug string) *activities.Activity {
	e.t.Helper()
	a := e.publishedCamp(slug, 10)
	discreet := true
	a, err := e.srv.Activities.Update(context.Background(), 0, a.ID, activities.Input{Discreet: &discreet,
		Title: map[string]string{"en": "LGBTI safe space"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// TestDiscreetActivityPublicPages: a discreet activity is in no public list,
// its page is reached by its slug without its place or online link and out
// of search engines, and its calendar file names nothing; the staff still
// list it, marked.
func TestDiscreetActivityPublicPages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("open-camp", 10)
		a := e.discreetCamp("safe-space")
		c := e.client()
		for _, p := range []string{"/activities", "/activities?region=MN-057", "/activities?kind=camp", "/"} {
			res := c.get(p)
			if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "safe-space") || strings.Contains(res.Body, "LGBTI") {
				t.Fatalf("%s lists the discreet activity (%d)", p, res.StatusCode)
			}
		}
		if list := c.get("/activities"); !strings.Contains(list.Body, `href="/activities/open-camp"`) {
			t.Fatal("the public list lost the activity that is not discreet")
		}

		page := c.get("/activities/safe-space")
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `<h1 lang="en">LGBTI safe space</h1>`) {
			t.Fatalf("the discreet page by its slug: %d", page.StatusCode)
		}
		for _, leak := range []string{"Uliastai", "private-room", "<title>LGBTI"} {
			if strings.Contains(page.Body, leak) {
				t.Errorf("the discreet page shows %q", leak)
			}
		}
		for _, want := range []string{`<meta name="robots" content="noindex">`, `id="place-hidden"`,
			"Where to go, or the link to join, is sent to confirmed participants.", "<title>Gotong activity · Gotong</title>"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the discreet page lacks %q", want)
			}
		}
		if open := c.get("/activities/open-camp"); strings.Contains(open.Body, "noindex") || !strings.Contains(open.Body, "Uliastai") {
			t.Error("a page that is not discreet is hidden from search engines or lost its venue")
		}

		cal := c.get("/activities/safe-space.ics?lang=fr")
		if cal.StatusCode != http.StatusOK || cal.Header.Get("Content-Disposition") != `attachment; filename="gotong.ics"` {
			t.Fatalf("ics: %d %q", cal.StatusCode, cal.Header.Get("Content-Disposition"))
		}
		for _, leak := range []string{"LGBTI", "safe-space", "Uliastai", "private-room", "Five days"} {
			if strings.Contains(cal.Body, leak) {
				t.Errorf("the discreet calendar file holds %q", leak)
			}
		}
		parsed, err := ics.ParseCalendar(strings.NewReader(cal.Body))
		if err != nil || len(parsed.Events()) != 1 {
			t.Fatalf("ics does not parse: %v", err)
		}
		ev := parsed.Events()[0]
		if p := ev.GetProperty(ics.ComponentPropertySummary); p == nil || p.Value != "Activité Gotong" {
			t.Errorf("summary %+v, want the neutral title in French", p)
		}
		if ev.GetProperty(ics.ComponentPropertyLocation) != nil || ev.GetProperty(ics.ComponentPropertyDescription) != nil {
			t.Error("the discreet calendar file has a location or a description")
		}
		if open := c.get("/activities/open-camp.ics"); !strings.Contains(open.Body, "LOCATION:Uliastai") {
			t.Errorf("the calendar file of an open activity lost its place:\n%s", open.Body)
		}

		staff := e.staffClient("coord@example.org", "coordinator")
		list := staff.get("/manage/activities")
		row := fmt.Sprintf(`<tr id="activity-%d">`, a.ID)
		if i := strings.Index(list.Body, row); i < 0 || !strings.Contains(list.Body[i:], `<span class="discreet">Discreet</span>`) {
			t.Fatal("the staff's list lacks the discreet activity, or its mark")
		}
	})
}

// TestManageActivityGuardianReminderForm: the staff's form sets and shows the
// three fields; an empty guardian age takes the portal's default, shown
// beside the field; values out of range are refused on their fields.
func TestManageActivityGuardianReminderForm(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		cfg := testConfig()
		cfg.GuardianAge = 18
		e := newEnvConfig(t, db, cfg)
		c := e.staffClient("coord@example.org", "coordinator")
		form := c.get("/manage/activities/new")
		for _, want := range []string{`name="discreet" value="yes"`, "Discreet: not listed; neutral in emails and calendars",
			`name="guardian_age"`, "Leave empty for the default: 18.", `name="reminder_hours"`, `value="48"`} {
			if !strings.Contains(form.Body, want) {
				t.Errorf("the new form lacks %q", want)
			}
		}
		vals := activityFormValues()
		vals.Set("discreet", "yes")
		vals.Set("guardian_age", "16")
		vals.Set("reminder_hours", "0")
		res := c.postForm("/manage/activities", vals)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", res.StatusCode)
		}
		var a activities.Activity
		if err := e.db.Preload("Translations").Preload("Quotas").Take(&a).Error; err != nil {
			t.Fatal(err)
		}
		if !a.Discreet || a.GuardianAge == nil || *a.GuardianAge != 16 || a.ReminderHours != 0 {
			t.Fatalf("stored: discreet %v, guardian age %v, reminder %d", a.Discreet, a.GuardianAge, a.ReminderHours)
		}
		page := c.get(res.Header.Get("Location"))
		for _, want := range []string{`id="activity-discreet"`, `<dd id="activity-guardian">Registrants under 16</dd>`,
			`<dd id="activity-reminder">No reminder</dd>`, `<dd id="activity-listing">Discreet: not listed; neutral in emails and calendars</dd>`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the manage page lacks %q", want)
			}
		}
		edit := c.get(fmt.Sprintf("/manage/activities/%d/edit", a.ID))
		if !strings.Contains(edit.Body, `id="f-discreet" aria-describedby="h-discreet" checked`) || !strings.Contains(edit.Body, `value="16"`) {
			t.Fatal("the edit form lost the discreet box or the guardian age")
		}

		// Emptied: the default age, 48 hours; unticked: listed again.
		vals = formOf(&a)
		vals.Del("discreet")
		vals.Set("guardian_age", "")
		vals.Set("reminder_hours", "")
		if res := c.postForm(fmt.Sprintf("/manage/activities/%d", a.ID), vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		a = activities.Activity{}
		e.db.Take(&a)
		if a.Discreet || a.GuardianAge != nil || a.ReminderHours != 48 {
			t.Fatalf("emptied: discreet %v, guardian age %v, reminder %d", a.Discreet, a.GuardianAge, a.ReminderHours)
		}
		page = c.get(fmt.Sprintf("/manage/activities/%d", a.ID))
		for _, want := range []string{`<dd id="activity-guardian">Registrants under 18<span class="sub">The portal&#39;s default</span></dd>`,
			`<dd id="activity-reminder">48 hours before the start</dd>`, `<dd id="activity-listing">Listed on the public pages</dd>`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the manage page lacks %q", want)
			}
		}

		vals.Set("guardian_age", "100")
		vals.Set("reminder_hours", "soon")
		res = c.postForm(fmt.Sprintf("/manage/activities/%d", a.ID), vals)
		if res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, fieldError("guardian_age", "The guardian age is a whole number from 0 to 99.")) ||
			!strings.Contains(res.Body, fieldError("reminder_hours", "The reminder is a whole number of hours from 0 to 720.")) {
			t.Fatalf("out of range: %d", res.StatusCode)
		}
		vals.Set("reminder_hours", "721")
		vals.Set("guardian_age", "12")
		res = c.postForm(fmt.Sprintf("/manage/activities/%d", a.ID), vals)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-reminder_hours"`) || strings.Contains(res.Body, `id="e-guardian_age"`) {
			t.Fatalf("a reminder of 721 hours: %d", res.StatusCode)
		}
	})
}
