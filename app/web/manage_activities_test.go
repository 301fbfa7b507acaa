package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/web/api"
	"github.com/gotong/gotong/app/web/ui"
)

// staffClient creates a user with role and signs them in.
func (e *env) staffClient(email, role string) *client {
	e.t.Helper()
	e.user(email, role)
	c := e.client()
	c.login(email)
	return c
}

// userID is the id of the user with email.
func (e *env) userID(email string) int64 {
	e.t.Helper()
	u, err := e.srv.Users.UserByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

// activityFormValues is a complete, valid activity form.
func activityFormValues() url.Values {
	now := time.Now().UTC().Truncate(time.Minute)
	return url.Values{
		"kind": {"camp"}, "audience": {"youth"}, "mode": {"in_person"}, "region": {"MN-057"},
		"venue": {"Uliastai"}, "online_url": {""}, "slug": {""},
		"starts_at":              {now.Add(40 * 24 * time.Hour).Format(ui.FormTime)},
		"ends_at":                {now.Add(44 * 24 * time.Hour).Format(ui.FormTime)},
		"registration_opens_at":  {""},
		"registration_closes_at": {now.Add(30 * 24 * time.Hour).Format(ui.FormTime)},
		"capacity":               {"20"}, "age_min": {"15"}, "age_max": {"30"},
		"title_en": {"Rights camp"}, "summary_en": {"Five days of rights and friends"}, "description_en": {""},
		"title_fr":          {"Camp des droits"},
		"quota_attribute_1": {"rural"}, "quota_share_1": {"25"}, "quota_release_1": {""},
	}
}

// formOf is the edit form of a stored activity as a browser would send it back.
func formOf(a *activities.Activity) url.Values {
	vals := url.Values{}
	for k, v := range ui.ActivityFormOf(a) {
		vals.Set(k, v)
	}
	return vals
}

// fieldError is the markup of a message beside a field.
func fieldError(field, msg string) string {
	return `<span class="error" id="e-` + field + `">` + html.EscapeString(msg) + `</span>`
}

// register signs people up through the public form; each is "Given <email>".
func (e *env) register(slug string, people ...[2]string) {
	e.t.Helper()
	anon := e.client()
	anon.get("/activities/" + slug + "/register")
	for _, p := range people {
		vals := registrationForm(p[0], p[1])
		vals.Set("given_name", strings.Split(p[0], "@")[0])
		if res := anon.submitRegistration(slug, vals); res.StatusCode != http.StatusOK {
			e.t.Fatalf("register %s: %d", p[0], res.StatusCode)
		}
	}
}

func (e *env) registrations(activityID int64) []registration.Registration {
	e.t.Helper()
	var regs []registration.Registration
	if err := e.db.Where("activity_id = ?", activityID).Order("id").Find(&regs).Error; err != nil {
		e.t.Fatal(err)
	}
	return regs
}

func TestManageActivityCreateAndPublish(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.staffClient("coord@example.org", access.Coordinator)
		list := c.get("/manage/activities")
		if list.StatusCode != http.StatusOK || !strings.Contains(list.Body, `href="/manage/activities/new"`) {
			t.Fatalf("list: %d", list.StatusCode)
		}
		form := c.get("/manage/activities/new")
		if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `id="activity-form"`) ||
			!strings.Contains(form.Body, `type="datetime-local"`) || !strings.Contains(form.Body, `<select id="f-timezone" name="timezone">`) {
			t.Fatalf("new form: %d", form.StatusCode)
		}
		vals := activityFormValues()
		res := c.postForm("/manage/activities", vals)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", res.StatusCode, res.Body)
		}
		var a activities.Activity
		if err := e.db.Preload("Quotas").Preload("Translations").Take(&a).Error; err != nil {
			t.Fatal(err)
		}
		if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/manage/activities/%d?saved=1", a.ID) {
			t.Fatalf("create went to %q", loc)
		}
		if a.Status != activities.StatusDraft || a.Capacity != 20 || a.Slug != "rights-camp" || a.Kind != activities.KindCamp ||
			a.AgeMin == nil || *a.AgeMin != 15 || a.RegistrationOpensAt != nil || a.RegistrationClosesAt == nil {
			t.Fatalf("stored: %+v", a)
		}
		ub, _ := activities.LoadZone("Asia/Ulaanbaatar")
		if want, _ := ui.ParseFormTime(vals.Get("starts_at"), ub); !a.StartsAt.Equal(want) || a.Timezone != "Asia/Ulaanbaatar" {
			t.Errorf("starts %v in %s, want %v (the form is in Zavkhan's zone)", a.StartsAt, a.Timezone, want)
		}
		if len(a.Quotas) != 1 || a.Quotas[0].Attribute != "rural" || a.Quotas[0].Share != 0.25 {
			t.Fatalf("quotas: %+v", a.Quotas)
		}
		if len(a.Translations) != 2 {
			t.Errorf("translations: %+v (empty languages are not written)", a.Translations)
		}
		page := c.get(fmt.Sprintf("/manage/activities/%d?saved=1", a.ID))
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `<span class="status status-draft" id="activity-status">Draft</span>`) ||
			!strings.Contains(page.Body, `<meter id="bar-rural" min="0" max="5" value="0">`) ||
			!strings.Contains(page.Body, `<meter id="bar-general" min="0" max="15" value="0">`) {
			t.Fatalf("manage page: %d\n%s", page.StatusCode, page.Body)
		}
		if c.get("/activities/rights-camp").StatusCode != http.StatusNotFound {
			t.Fatal("a draft is public")
		}
		res = c.postForm(fmt.Sprintf("/manage/activities/%d/status", a.ID), url.Values{"status": {"published"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/manage/activities/%d", a.ID) {
			t.Fatalf("publish: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if pub := c.get("/activities/rights-camp"); pub.StatusCode != http.StatusOK {
			t.Fatalf("published page: %d", pub.StatusCode)
		}
		if page := c.get(fmt.Sprintf("/manage/activities/%d", a.ID)); !strings.Contains(page.Body, `id="status-completed"`) ||
			strings.Contains(page.Body, `id="status-published"`) {
			t.Error("the buttons do not follow the status")
		}
		// Publishing twice is refused, and a draft status cannot be posted.
		if res := c.postForm(fmt.Sprintf("/manage/activities/%d/status", a.ID), url.Values{"status": {"published"}}); res.StatusCode != http.StatusConflict {
			t.Errorf("publish again: %d", res.StatusCode)
		}
		if res := c.postForm(fmt.Sprintf("/manage/activities/%d/status", a.ID), url.Values{"status": {"draft"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("back to draft: %d", res.StatusCode)
		}
		list = c.get("/manage/activities")
		if !strings.Contains(list.Body, fmt.Sprintf(`href="/manage/activities/%d">Rights camp</a>`, a.ID)) || !strings.Contains(list.Body, "Published") {
			t.Error("the list lacks the activity")
		}
		// The form speaks the user's language, with the same fields.
		if fr := c.get("/manage/activities/new?lang=fr"); !strings.Contains(fr.Body, "Fuseau horaire") {
			t.Error("the form is not translated")
		}
	})
}

func TestManageActivityFormRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, field, msg string
		set              map[string]string
	}{
		{"capacity not a number", "capacity", "The capacity is a whole number from 1 to 100,000.", map[string]string{"capacity": "abc"}},
		{"capacity zero", "capacity", "The capacity is a whole number from 1 to 100,000.", map[string]string{"capacity": "0"}},
		{"ends before starts", "ends_at", "The end must come after the start.", map[string]string{"ends_at": time.Now().UTC().Add(24 * time.Hour).Format(ui.FormTime)}},
		{"start not a date", "starts_at", "Enter a date and time.", map[string]string{"starts_at": "next tuesday"}},
		{"quota share 150", "quota_share_1", "A share is a percentage from 1 to 100.", map[string]string{"quota_share_1": "150"}},
		{"quota share text", "quota_share_1", "A share is a percentage from 1 to 100.", map[string]string{"quota_share_1": "a quarter"}},
		{"no title", "title", "Give a title in at least one language.", map[string]string{"title_en": "", "title_fr": ""}},
		{"age not a number", "age_min", "An age is a whole number from 0 to 120.", map[string]string{"age_min": "fifteen"}},
		{"bad link", "online_url", "Enter a web address starting with https://.", map[string]string{"online_url": "meet.example"}},
		{"unknown zone", "timezone", "Unknown time zone: choose one from the list.", map[string]string{"timezone": "Mars/Olympus"}},
		{"a time Paris skips", "starts_at", "This time does not exist on that day in the activity's time zone: the clocks go forward. Choose another time.",
			map[string]string{"timezone": "Europe/Paris", "starts_at": "2027-03-28T02:30", "ends_at": "2027-03-28T18:00", "registration_closes_at": ""}},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.staffClient("coord@example.org", access.Coordinator)
		c.get("/manage/activities/new")
		for _, tc := range cases {
			vals := activityFormValues()
			vals.Set("venue", "Kept venue")
			for k, v := range tc.set {
				vals.Set(k, v)
			}
			res := c.postForm("/manage/activities", vals)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", tc.name, res.StatusCode)
				continue
			}
			if !strings.Contains(res.Body, fieldError(tc.field, tc.msg)) {
				t.Errorf("%s: no message %q beside %s", tc.name, tc.msg, tc.field)
			}
			if !strings.Contains(res.Body, `value="Kept venue"`) || !strings.Contains(res.Body, `id="error-summary"`) {
				t.Errorf("%s: the form lost what was typed", tc.name)
			}
			summary, _, _ := strings.Cut(res.Body[strings.Index(res.Body, `id="error-summary"`):], "</div>")
			if !strings.Contains(summary, `<a href="#f-`) || !strings.Contains(summary, html.EscapeString(tc.msg)) {
				t.Errorf("%s: the error summary does not link a field that says %q", tc.name, tc.msg)
			}
			if m := inlineScript.FindString(res.Body); m != "" {
				t.Errorf("%s: inline code %q", tc.name, m)
			}
		}
		// A parse error and a store error are shown together.
		vals := activityFormValues()
		vals.Set("capacity", "abc")
		vals.Set("ends_at", time.Now().UTC().Format(ui.FormTime))
		res := c.postForm("/manage/activities", vals)
		if !strings.Contains(res.Body, `id="e-capacity"`) || !strings.Contains(res.Body, `id="e-ends_at"`) {
			t.Error("not every problem is reported at once")
		}
		var n int64
		e.db.Model(&activities.Activity{}).Count(&n)
		if n != 0 {
			t.Fatalf("refused forms wrote %d activities", n)
		}
	})
}

// TestManageActivityLocalTimes: the form takes and shows times as the
// clocks of the activity's zone read them: the region's unless one is
// chosen, following a new region; in Paris, a time shown twice when summer
// time ends is the first.
func TestManageActivityLocalTimes(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.staffClient("coord@example.org", access.Coordinator)
		c.get("/manage/activities/new")
		vals := activityFormValues()
		vals.Set("region", "FR-IDF")
		vals.Set("starts_at", "2027-07-01T09:00")
		vals.Set("ends_at", "2027-10-31T02:30") // twice that night: 00:30 UTC, then 01:30
		vals.Set("registration_closes_at", "2027-06-01T00:00")
		if res := c.postForm("/manage/activities", vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", res.StatusCode, res.Body)
		}
		stored := func() *activities.Activity {
			t.Helper()
			var a activities.Activity
			if err := e.db.Preload("Translations").Preload("Quotas").Take(&a).Error; err != nil {
				t.Fatal(err)
			}
			return &a
		}
		a := stored()
		if a.Timezone != "Europe/Paris" || a.StartsAt.UTC().Format(time.RFC3339) != "2027-07-01T07:00:00Z" ||
			a.EndsAt.UTC().Format(time.RFC3339) != "2027-10-31T00:30:00Z" || a.RegistrationClosesAt.UTC().Format(time.RFC3339) != "2027-05-31T22:00:00Z" {
			t.Fatalf("stored: %s, %v – %v, closes %v", a.Timezone, a.StartsAt.UTC(), a.EndsAt.UTC(), a.RegistrationClosesAt.UTC())
		}
		path := fmt.Sprintf("/manage/activities/%d", a.ID)
		edit := c.get(path + "/edit")
		if !strings.Contains(edit.Body, `name="starts_at" type="datetime-local" value="2027-07-01T09:00"`) ||
			!strings.Contains(edit.Body, `<option value="" selected>`) {
			t.Fatalf("the edit form does not show the local start, or the region's zone:\n%s", edit.Body)
		}
		page := c.get(path + "?lang=fr")
		if want := html.EscapeString("du 1 juillet 2027 à 09\u00a0h\u00a000 au 31 octobre 2027 à 02\u00a0h\u00a030 (heure de Paris)"); !strings.Contains(page.Body, want) {
			t.Fatalf("the manage page lacks %q", want)
		}
		if strings.Contains(page.Body, "UTC") {
			t.Error("the manage page still speaks of UTC")
		}
		// A new region, the zone left to it: the times typed are Khovd's.
		vals = formOf(a)
		vals.Set("region", "MN-043")
		vals.Set("starts_at", "2027-07-01T09:00")
		if res := c.postForm(path, vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("move to Khovd: %d\n%s", res.StatusCode, res.Body)
		}
		a = stored()
		if a.Timezone != "Asia/Hovd" || a.StartsAt.UTC().Format(time.RFC3339) != "2027-07-01T02:00:00Z" {
			t.Fatalf("in Khovd: %s, %v", a.Timezone, a.StartsAt.UTC())
		}
		// A zone chosen stays when the region changes.
		vals = formOf(a)
		vals.Set("timezone", "Asia/Jakarta")
		vals.Set("region", "MN-1")
		if res := c.postForm(path, vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("choose Jakarta: %d\n%s", res.StatusCode, res.Body)
		}
		a = stored()
		if a.Timezone != "Asia/Jakarta" {
			t.Fatalf("a chosen zone: %s", a.Timezone)
		}
		if f := ui.ActivityFormOf(a); f["timezone"] != "Asia/Jakarta" || f["starts_at"] != "2027-07-01T09:00" {
			t.Fatalf("the form of a chosen zone: %q, %q", f["timezone"], f["starts_at"])
		}
	})
}

func TestManageActivityEdit(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("edit", 2)
		e.register("edit", [2]string{"ana@example.org", "urban"}, [2]string{"bat@example.org", "urban"}, [2]string{"cece@example.org", "rural"})
		c := e.staffClient("coord@example.org", access.Coordinator)
		path := fmt.Sprintf("/manage/activities/%d", a.ID)
		form := c.get(path + "/edit")
		if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `name="capacity" type="number" value="2"`) ||
			!strings.Contains(form.Body, `value="Camp edit"`) || !strings.Contains(form.Body, `action="`+path+`"`) {
			t.Fatalf("edit form: %d", form.StatusCode)
		}
		// Below the two confirmed: 409 on the form, and nothing changes.
		vals := formOf(a)
		vals.Set("capacity", "1")
		vals.Set("title_en", "Renamed camp")
		res := c.postForm(path, vals)
		if res.StatusCode != http.StatusConflict ||
			!strings.Contains(res.Body, fieldError("capacity", "The capacity cannot be below the number of confirmed participants.")) ||
			!strings.Contains(res.Body, `value="Renamed camp"`) {
			t.Fatalf("capacity below confirmed: %d", res.StatusCode)
		}
		got, err := e.srv.Activities.Get(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Capacity != 2 || got.TextIn("en", "en").Title != "Camp edit" {
			t.Fatalf("a refused edit changed the activity: %d %q", got.Capacity, got.TextIn("en", "en").Title)
		}
		// A larger capacity takes the waiting person in; an emptied age
		// limit is removed.
		vals.Set("capacity", "3")
		vals.Set("age_max", "")
		if res := c.postForm(path, vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", res.StatusCode)
		}
		got, _ = e.srv.Activities.Get(context.Background(), a.ID)
		if got.Capacity != 3 || got.TextIn("en", "en").Title != "Renamed camp" || got.AgeMax != nil || got.AgeMin == nil || got.Slug != "edit" {
			t.Fatalf("edit not saved: %+v", got)
		}
		for _, r := range e.registrations(a.ID) {
			if r.Status != string(registration.Confirmed) {
				t.Errorf("registration %d is %s after the capacity grew", r.ID, r.Status)
			}
		}
		// Unknown and unreachable ids are 404.
		for _, p := range []string{"/manage/activities/999/edit", "/manage/activities/abc", "/manage/activities/0"} {
			if res := c.get(p); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d", p, res.StatusCode)
			}
		}
	})
}

func TestManageActivityPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("bars", 4, activities.QuotaInput{Attribute: "rural", Share: 0.25})
		e.register("bars", [2]string{"rural@example.org", "rural"}, [2]string{"u1@example.org", "urban"},
			[2]string{"u2@example.org", "urban"}, [2]string{"u3@example.org", "urban"}, [2]string{"late@example.org", "urban"})
		e.user("coord@example.org", access.Coordinator)
		c := e.client()
		c.login("coord@example.org")
		page := c.get(fmt.Sprintf("/manage/activities/%d", a.ID))
		if page.StatusCode != http.StatusOK {
			t.Fatalf("page: %d", page.StatusCode)
		}
		// The bars carry the quota endpoint's figures.
		var quota api.QuotaSummary
		apiJSON(t, c.api("GET", fmt.Sprintf("/api/v1/activities/%d/quota", a.ID), e.token("coord@example.org"), ""), http.StatusOK, &quota)
		wantBars := []string{fmt.Sprintf(`<meter id="bar-general" min="0" max="%d" value="%d">`, quota.General.Seats, quota.General.Filled)}
		for _, p := range quota.Pools {
			wantBars = append(wantBars, fmt.Sprintf(`<meter id="bar-%s" min="0" max="%d" value="%d">`, p.Attribute, p.Seats, p.Filled))
		}
		if quota.General.Seats != 3 || quota.General.Filled != 3 || quota.Pools[0].Filled != 1 || quota.Waitlisted != 1 {
			t.Fatalf("unexpected quota figures: %+v", quota)
		}
		for _, w := range wantBars {
			if !strings.Contains(page.Body, w) {
				t.Errorf("no bar %s", w)
			}
		}
		if !strings.Contains(page.Body, `<dd id="sum-confirmed">4</dd>`) || !strings.Contains(page.Body, `<dd id="sum-waitlisted">1</dd>`) {
			t.Error("the totals are wrong")
		}
		regs := e.registrations(a.ID)
		waiting := regs[4]
		if waiting.Status != string(registration.Waitlisted) {
			t.Fatalf("the last one is %s", waiting.Status)
		}
		row := fmt.Sprintf(`<tr id="reg-%d"><td class="num" data-label="Position">1</td><td>late Bold<span class="sub">late@example.org</span></td>`, waiting.ID)
		if !strings.Contains(page.Body, `id="waitlist-list"`) || !strings.Contains(page.Body, row) {
			t.Errorf("the waitlist lacks %s", row)
		}
		if !strings.Contains(page.Body, fmt.Sprintf(`<tr id="reg-%d"><td>rural Bold<span class="sub">rural@example.org</span></td><td data-label="Seat">rural youth</td>`, regs[0].ID)) {
			t.Error("the confirmed list lacks the rural seat")
		}
		if !strings.Contains(page.Body, fmt.Sprintf(`id="came-%d"`, regs[1].ID)) || !strings.Contains(page.Body, fmt.Sprintf(`id="cancel-%d"`, waiting.ID)) {
			t.Error("the coordinator lacks the attendance and cancel buttons")
		}
		if strings.Contains(page.Body, fmt.Sprintf(`id="came-%d"`, waiting.ID)) {
			t.Error("attendance is offered for a waiting person")
		}
		if m := inlineScript.FindString(page.Body); m != "" {
			t.Errorf("inline code %q", m)
		}
		if size := gzipped(t, page.Body) + gzipped(t, c.get("/static/app.css").Body); size > 30*1024 {
			t.Errorf("the manage page weighs %d bytes gzipped", size)
		}
		// Cancelling a confirmed seat moves the waitlist up.
		if res := c.postForm(fmt.Sprintf("/manage/registrations/%d/cancel", regs[1].ID), url.Values{}); res.StatusCode != http.StatusSeeOther ||
			res.Header.Get("Location") != fmt.Sprintf("/manage/activities/%d", a.ID) {
			t.Fatalf("cancel: %d", res.StatusCode)
		}
		regs = e.registrations(a.ID)
		if regs[1].Status != string(registration.Cancelled) || regs[4].Status != string(registration.Confirmed) {
			t.Fatalf("after the cancel: %s, %s", regs[1].Status, regs[4].Status)
		}
	})
}

// A seat of a sensitive quota must not tell who declared what.
func TestManageActivityPageHidesSensitivePools(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("private", 4, activities.QuotaInput{Attribute: "disability", Share: 0.25})
		anon := e.client()
		anon.get("/activities/private/register")
		vals := registrationForm("dee@example.org", "urban")
		vals.Set("disability", "yes")
		vals.Set("accessibility_needs", "step-free access please")
		if res := anon.submitRegistration("private", vals); res.StatusCode != http.StatusOK {
			t.Fatalf("register: %d", res.StatusCode)
		}
		e.register("private", [2]string{"gen@example.org", "urban"})
		regs := e.registrations(a.ID)
		if regs[0].Pool == nil || *regs[0].Pool != "reserved" {
			t.Fatalf("pool %v", regs[0].Pool)
		}
		c := e.staffClient("coord@example.org", access.Coordinator)
		page := c.get(fmt.Sprintf("/manage/activities/%d", a.ID)).Body
		for i, who := range []string{"Saraa Bold<span class=\"sub\">dee@example.org", "gen Bold<span class=\"sub\">gen@example.org"} {
			if !strings.Contains(page, fmt.Sprintf(`<tr id="reg-%d"><td>%s</span></td><td data-label="Seat">General or confidential quota</td>`, regs[i].ID, who)) {
				t.Errorf("registration %d is not shown as a general-or-confidential seat", regs[i].ID)
			}
		}
		if strings.Contains(page, "step-free") || !strings.Contains(page, `<meter id="bar-disability" min="0" max="1" value="1">`) {
			t.Error("the page shows a sensitive answer, or lacks the pool's count")
		}
	})
}

func TestManageAttendance(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("attend", 2)
		other := e.publishedCamp("other", 2)
		e.register("attend", [2]string{"ana@example.org", "urban"}, [2]string{"bat@example.org", "urban"}, [2]string{"cece@example.org", "urban"})
		regs := e.registrations(a.ID)
		coord := e.staffClient("coord@example.org", access.Coordinator)
		lead := e.staffClient("lead@example.org", access.Facilitator)
		stranger := e.staffClient("stranger@example.org", access.Facilitator)
		participant := e.staffClient("ana@example.org", access.Participant)
		if err := e.db.Create(&activities.Facilitator{ActivityID: a.ID, UserID: e.userID("lead@example.org")}).Error; err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/manage/activities/%d", a.ID)
		attendance := func(id int64) string { return fmt.Sprintf("/manage/registrations/%d/attendance", id) }
		e.moveStart(a.ID, time.Now().Add(-time.Hour)) // attendance is marked once it has started
		attended := func(id int64) *bool {
			var r registration.Registration
			e.db.Take(&r, id)
			return r.Attended
		}

		// The coordinator marks attendance.
		coord.get(page)
		res := coord.postForm(attendance(regs[0].ID), url.Values{"attended": {"yes"}})
		back := fmt.Sprintf("%s?marked=%d#reg-%d", page, regs[0].ID, regs[0].ID) // at the row marked
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != back {
			t.Fatalf("coordinator marks: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if v := attended(regs[0].ID); v == nil || !*v {
			t.Fatal("attendance not saved")
		}
		if body := coord.get(page).Body; !strings.Contains(body, `<td class="attended" data-label="Attended">Yes</td>`) {
			t.Error("the page does not show the attendance")
		}
		// Back at the row, a status says what changed, there only.
		marked := coord.get(strings.Split(back, "#")[0]).Body
		said := `<span class="marked" role="status" id="marked">` + html.EscapeString(e.msg("en", "attendance_saved", "Name", "ana Bold", "Attended", e.msg("en", "action_mark_present"))) + `</span>`
		if !strings.Contains(marked, fmt.Sprintf(`<tr id="reg-%d">`, regs[0].ID)) || strings.Count(marked, `id="marked"`) != 1 ||
			!strings.Contains(marked, `data-label="Attended">Yes`+said+`</td>`) {
			t.Errorf("the marked row does not say what changed: %s", marked)
		}
		// Without the CSRF token nothing happens.
		if res := coord.postRaw(attendance(regs[0].ID), url.Values{"attended": {"no"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("no CSRF token: %d", res.StatusCode)
		}
		if res := coord.postRaw("/manage/activities", activityFormValues()); res.StatusCode != http.StatusForbidden {
			t.Fatalf("create without CSRF token: %d", res.StatusCode)
		}
		if v := attended(regs[0].ID); v == nil || !*v {
			t.Fatal("a forged post changed the attendance")
		}
		// Only confirmed participants can be marked.
		if res := coord.postForm(attendance(regs[2].ID), url.Values{"attended": {"yes"}}); res.StatusCode != http.StatusConflict {
			t.Errorf("marking a waiting person: %d", res.StatusCode)
		}
		if res := coord.postForm(attendance(regs[0].ID), url.Values{"attended": {"maybe"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("neither yes nor no: %d", res.StatusCode)
		}

		// The facilitator who leads it sees names and marks attendance, and
		// nothing else.
		body := lead.get(page)
		if body.StatusCode != http.StatusOK || !strings.Contains(body.Body, "<td>bat Bold</td>") || strings.Contains(body.Body, "@example.org</span>") {
			t.Fatalf("lead's page: %d (names, and no emails, wanted)", body.StatusCode)
		}
		for _, no := range []string{`id="edit-activity"`, `id="status-`, `id="cancel-`, `/edit"`} {
			if strings.Contains(body.Body, no) {
				t.Errorf("the facilitator's page offers %s", no)
			}
		}
		if res := lead.postForm(attendance(regs[1].ID), url.Values{"attended": {"no"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("lead marks: %d", res.StatusCode)
		}
		if v := attended(regs[1].ID); v == nil || *v {
			t.Fatal("the lead's mark was not saved")
		}
		if res := lead.postForm(fmt.Sprintf("/manage/registrations/%d/cancel", regs[1].ID), url.Values{}); res.StatusCode != http.StatusForbidden {
			t.Errorf("facilitator cancels: %d", res.StatusCode)
		}
		if res := lead.postForm(page+"/status", url.Values{"status": {"cancelled"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("facilitator cancels the activity: %d", res.StatusCode)
		}
		if res := lead.get(page + "/edit"); res.StatusCode != http.StatusForbidden {
			t.Errorf("facilitator edits: %d", res.StatusCode)
		}
		list := lead.get("/manage/activities").Body
		if !strings.Contains(list, `href="`+page+`"`) || strings.Contains(list, fmt.Sprintf(`href="/manage/activities/%d"`, other.ID)) ||
			strings.Contains(list, `href="/manage/activities/new"`) {
			t.Error("the facilitator's list is not theirs")
		}

		// A facilitator who does not lead it finds nothing.
		if res := stranger.get(page); res.StatusCode != http.StatusNotFound {
			t.Errorf("stranger's page: %d", res.StatusCode)
		}
		if res := stranger.postForm(attendance(regs[1].ID), url.Values{"attended": {"yes"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("stranger marks: %d", res.StatusCode)
		}
		if v := attended(regs[1].ID); v == nil || *v {
			t.Fatal("the stranger's mark changed the attendance")
		}
		if list := stranger.get("/manage/activities").Body; strings.Contains(list, `href="`+page+`"`) {
			t.Error("the stranger's list shows the activity")
		}

		// A participant has no business here.
		for _, p := range []string{"/manage/activities", page} {
			if res := participant.get(p); res.StatusCode != http.StatusForbidden {
				t.Errorf("participant %s: %d", p, res.StatusCode)
			}
		}
		if res := participant.postForm(attendance(regs[0].ID), url.Values{"attended": {"no"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("participant marks: %d", res.StatusCode)
		}
	})
}

// The list counts registrations with one query, whatever the number of activities.
func TestManageActivitiesCounts(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("one", 1)
		b := e.publishedCamp("two", 5)
		e.register("one", [2]string{"a@example.org", "urban"}, [2]string{"b@example.org", "urban"})
		e.register("two", [2]string{"c@example.org", "urban"})
		got, err := e.srv.Registrations.Tallies(context.Background(), access.Viewer{Staff: true}, []int64{a.ID, b.ID, 999})
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]registration.Tally{a.ID: {Confirmed: 1, Waitlisted: 1}, b.ID: {Confirmed: 1}}
		if g, w := fmt.Sprint(got), fmt.Sprint(want); g != w {
			t.Fatalf("tallies %s, want %s", g, w)
		}
		c := e.staffClient("coord@example.org", access.Coordinator)
		body := c.get("/manage/activities").Body
		row := `<td class="num" data-label="Seats">1</td><td class="num" data-label="Confirmed">1</td><td class="num" data-label="Waiting list">1</td></tr>`
		if !strings.Contains(body, row) {
			t.Errorf("the list lacks %s", row)
		}
	})
}

// TestManageFacilitators: a coordinator ticks who leads an activity on its
// page; the facilitator then finds it among theirs; a forged id of a user
// without the role is refused and changes nothing.
func TestManageFacilitators(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("led", 10)
		coord := e.staffClient("coord@example.org", "coordinator")
		lead := e.staffClient("lead@example.org", "facilitator")
		e.user("young@example.org", "participant")
		leadID, youngID := e.userID("lead@example.org"), e.userID("young@example.org")
		path := "/manage/activities/" + itoa(a.ID)
		page := coord.get(path)
		if !strings.Contains(page.Body, `id="lead-`+itoa(leadID)+`"`) || strings.Contains(page.Body, `id="lead-`+itoa(youngID)+`"`) {
			t.Fatal("the page does not offer exactly the facilitators")
		}
		if r := lead.get(path); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a facilitator reached an activity they do not lead: %d", r.StatusCode)
		}
		if r := coord.postForm(path+"/facilitators", url.Values{"facilitator": {itoa(youngID)}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a participant named facilitator: %d", r.StatusCode)
		}
		var n int64
		e.db.Model(&activities.Facilitator{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d facilitators written by a refused form", n)
		}
		if r := coord.postForm(path+"/facilitators", url.Values{"facilitator": {itoa(leadID)}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", r.StatusCode)
		}
		if r := coord.get(path); !strings.Contains(r.Body, `id="lead-`+itoa(leadID)+`" checked`) {
			t.Fatal("the saved facilitator is not ticked")
		}
		if r := lead.get("/manage/activities"); !strings.Contains(r.Body, path) {
			t.Fatal("the facilitator does not find the activity they lead")
		}
		if r := lead.get(path); r.StatusCode != http.StatusOK || strings.Contains(r.Body, `id="save-facilitators"`) {
			t.Fatalf("the facilitator's view of the activity: %d", r.StatusCode)
		}
		if r := coord.postForm(path+"/facilitators", url.Values{}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("clear: %d", r.StatusCode)
		}
		if r := lead.get(path); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a removed facilitator still reaches the activity: %d", r.StatusCode)
		}
	})
}
