package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/formlimit"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/registration"
)

func ptrTo[T any](v T) *T { return &v }

// publishedCamp creates and publishes a camp with an English title only.
func (e *env) publishedCamp(slug string, capacity int, quotas ...activities.QuotaInput) *activities.Activity {
	e.t.Helper()
	now := time.Now().UTC()
	in := activities.Input{Slug: &slug, Kind: ptrTo(activities.KindCamp), Capacity: &capacity, Region: ptrTo("MN-057"),
		Venue: ptrTo("Uliastai"), OnlineURL: ptrTo("https://meet.example/private-room"),
		StartsAt: ptrTo(now.Add(40 * 24 * time.Hour)), EndsAt: ptrTo(now.Add(44 * 24 * time.Hour)),
		RegistrationClosesAt: ptrTo(now.Add(30 * 24 * time.Hour)), AgeMin: ptrTo(15), AgeMax: ptrTo(30),
		Title: map[string]string{"en": "Camp " + slug}, Summary: map[string]string{"en": "Five days of rights and friends"}}
	if len(quotas) > 0 {
		in.Quotas = &quotas
	}
	ctx := context.Background()
	a, err := e.srv.Activities.Create(ctx, 0, in)
	if err != nil {
		e.t.Fatal(err)
	}
	if a, err = e.srv.Activities.SetStatus(ctx, 0, a.ID, activities.StatusPublished); err != nil {
		e.t.Fatal(err)
	}
	return a
}

func registrationForm(email, locality string) url.Values {
	return url.Values{"given_name": {"Saraa"}, "family_name": {"Bold"}, "email": {email},
		"birth_year": {"2006"}, "region": {"MN-057"}, "locality": {locality}, "consent": {"yes"}}
}

func TestPublicActivityPages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("summer", 20, activities.QuotaInput{Attribute: "rural", Share: 0.25})
		draftSlug := "secret-draft"
		if _, err := e.srv.Activities.Create(context.Background(), 0, activities.Input{Slug: &draftSlug, Kind: ptrTo(activities.KindTraining),
			Capacity: ptrTo(5), StartsAt: ptrTo(time.Now().Add(48 * time.Hour)), EndsAt: ptrTo(time.Now().Add(50 * time.Hour)),
			Title: map[string]string{"en": "Draft training"}}); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		list := c.get("/activities?lang=fr")
		if list.StatusCode != 200 || !strings.Contains(list.Body, `href="/activities/summer"`) || strings.Contains(list.Body, "Draft training") {
			t.Fatalf("list: %d", list.StatusCode)
		}
		if res := c.get("/activities?kind=training"); strings.Contains(res.Body, `href="/activities/summer"`) {
			t.Error("the kind filter kept a camp")
		}
		page := c.get("/activities/summer")
		if page.StatusCode != 200 || !strings.Contains(page.Body, "20 places libres sur 20") {
			t.Fatalf("detail in French: %d", page.StatusCode)
		}
		if !strings.Contains(page.Body, html.EscapeString("Ce texte n'est pas encore disponible dans votre langue.")) {
			t.Error("the page does not say the text fell back to English")
		}
		if strings.Contains(page.Body, "private-room") {
			t.Fatal("the online link is public")
		}
		for _, p := range []string{"/activities/secret-draft", "/activities/nothing", "/activities/secret-draft/register", "/activities/secret-draft.ics"} {
			if res := c.get(p); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d", p, res.StatusCode)
			}
		}
		cal := c.get("/activities/summer.ics")
		if !strings.HasPrefix(cal.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("ics content type %q", cal.Header.Get("Content-Type"))
		}
		parsed, err := ics.ParseCalendar(strings.NewReader(cal.Body))
		if err != nil || len(parsed.Events()) != 1 {
			t.Fatalf("ics does not parse: %v", err)
		}
		if start, _ := parsed.Events()[0].GetStartAt(); !start.Equal(a.StartsAt.Truncate(time.Second)) {
			t.Errorf("ics start %v, want %v", start, a.StartsAt)
		}
	})
}

func TestPublicRegistrationForm(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("autumn", 1)
		c := e.client()
		form := c.get("/activities/autumn/register?lang=id")
		if form.StatusCode != 200 || !strings.Contains(form.Body, `id="register-form"`) {
			t.Fatalf("form: %d", form.StatusCode)
		}
		if size := gzipped(t, form.Body) + gzipped(t, c.get("/static/app.css").Body); size > 30*1024 {
			t.Errorf("the registration form weighs %d bytes gzipped with its stylesheet", size)
		}
		// Without consent: 422, in Indonesian, nothing written.
		vals := registrationForm("saraa@example.org", "rural")
		vals.Del("consent")
		res := c.postForm("/activities/autumn/register", vals)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "mohon setujui") {
			t.Fatalf("no consent: %d", res.StatusCode)
		}
		if !strings.Contains(res.Body, `value="saraa@example.org"`) {
			t.Error("the form lost what was typed")
		}
		var n int64
		e.db.Model(&registration.Registration{}).Count(&n)
		if n != 0 {
			t.Fatal("a refused form wrote a registration")
		}
		res = c.submitRegistration("autumn", registrationForm("saraa@example.org", "rural"))
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Berhasil!") || !strings.Contains(res.Body, "private-room") {
			t.Fatalf("register: %d", res.StatusCode)
		}
		// The same form again (a double submit) answers as any form; its
		// email brings the private link again, and no second registration.
		res = c.postForm("/activities/autumn/register", registrationForm("SARAA@example.org", "rural"))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/activities/autumn/check-email" {
			t.Fatalf("double submit: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if again := c.get(e.lastMail("saraa@example.org").Link(t, "/r/")); !strings.Contains(again.Body, "Berhasil!") {
			t.Fatalf("the private link of the second email: %d", again.StatusCode)
		}
		e.db.Model(&registration.Registration{}).Count(&n)
		if n != 1 {
			t.Fatalf("%d registrations after a double submit", n)
		}
		// The next person waits, and sees their place, without the link.
		res = c.submitRegistration("autumn", registrationForm("bat@example.org", "urban"))
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "nomor 1") || strings.Contains(res.Body, "private-room") {
			t.Fatalf("waitlisted: %d", res.StatusCode)
		}
		if page := c.get("/activities/autumn"); !strings.Contains(page.Body, e.msg("id", "activity_full")) {
			t.Error("free seats not updated: the activity is full")
		}
		// Without the CSRF token nothing happens.
		if res := c.postRaw("/activities/autumn/register", registrationForm("eve@example.org", "urban")); res.StatusCode != http.StatusForbidden {
			t.Fatalf("no CSRF token: %d", res.StatusCode)
		}
		_ = a
	})
}

func TestAccountRegistrations(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("winter", 1)
		anon := e.client()
		anon.get("/activities/winter/register")
		anon.submitRegistration("winter", registrationForm("saraa@example.org", "rural"))
		anon.submitRegistration("winter", registrationForm("bat@example.org", "urban"))
		e.user("saraa@example.org", "participant")
		e.user("bat@example.org", "participant")
		saraa, bat := e.client(), e.client()
		saraa.login("saraa@example.org")
		bat.login("bat@example.org")
		page := saraa.get("/account")
		if !strings.Contains(page.Body, `id="my-registrations"`) || !strings.Contains(page.Body, "private-room") {
			t.Fatal("a confirmed participant does not see the registration and its online link")
		}
		batPage := bat.get("/account")
		if !strings.Contains(batPage.Body, "Waiting list: number 1") || strings.Contains(batPage.Body, "private-room") {
			t.Fatal("the waitlisted participant's view is wrong")
		}
		var regs []registration.Registration
		e.db.Order("id").Find(&regs)
		// Bat cannot cancel Saraa's registration: 404, and nothing changes.
		if res := bat.postForm("/account/registrations/"+itoa(regs[0].ID)+"/cancel", url.Values{}); res.StatusCode != http.StatusNotFound {
			t.Fatalf("cancelling someone else's: %d", res.StatusCode)
		}
		if res := saraa.postForm("/account/registrations/"+itoa(regs[0].ID)+"/cancel", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("own cancel: %d", res.StatusCode)
		}
		if page := bat.get("/account"); !strings.Contains(page.Body, "Place confirmed") || !strings.Contains(page.Body, "private-room") {
			t.Fatal("the waitlisted participant was not promoted")
		}
		if page := saraa.get("/account?cancelled=1"); strings.Contains(page.Body, `id="my-registrations"`) {
			t.Fatal("a cancelled registration is still listed")
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Public forms are limited per email, not per address: many young people
// share one address, and each of them can still register. The limit is
// silent: a form answers the same however often its email was used, and
// over the limit only the email stays unsent.
func TestPublicFormLimitIsSilent(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("spring", 500)
		c := e.client()
		c.get("/activities/spring/register")
		for i := 0; i < 30; i++ { // thirty people behind one address
			if res := c.submitRegistration("spring", registrationForm(fmt.Sprintf("p%d@school.example", i), "rural")); res.StatusCode != http.StatusOK {
				t.Fatalf("person %d from a shared address: %d", i, res.StatusCode)
			}
		}
		notices := func(email string) int64 {
			var n int64
			if err := e.db.Model(&outbox.Message{}).Where("to_address = ?", email).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		// Ten refusals with a victim's email, then the victim registers:
		// asked to confirm, placed, and told.
		tooYoung := registrationForm("victim@school.example", "urban")
		tooYoung.Set("birth_year", strconv.Itoa(time.Now().Year()-10))
		for i := 0; i < formlimit.PerEmail; i++ {
			if res := c.postForm("/activities/spring/register", tooYoung); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("refusal %d: %d", i, res.StatusCode)
			}
		}
		if res := c.submitRegistration("spring", registrationForm("Victim@school.example", "urban")); res.StatusCode != http.StatusOK {
			t.Fatalf("the victim's own registration: %d", res.StatusCode)
		}
		if n := notices("victim@school.example"); n != 2 {
			t.Fatalf("%d notices to the victim, want 2 (the link, the place)", n)
		}
		// One email at eleven activities, by the form and by the API: each
		// answered as any other, at most PerEmail notices to the address.
		for i := 0; i < formlimit.PerEmail; i++ {
			slug := fmt.Sprintf("camp-%d", i)
			e.publishedCamp(slug, 10)
			if res := c.postForm("/activities/"+slug+"/register", registrationForm("busy@school.example", "urban")); res.StatusCode != http.StatusSeeOther ||
				res.Header.Get("Location") != "/activities/"+slug+"/check-email" {
				t.Fatalf("registration %d: %d", i+1, res.StatusCode)
			}
		}
		last := e.publishedCamp("last", 10)
		body := `{"person": {"given_name": "A", "email": "BUSY@school.example", "birth_year": 2005, "locality": "urban"}, "consent": true}`
		if res := c.api("POST", "/api/v1/activities/"+itoa(last.ID)+"/registrations", "", body); res.StatusCode != http.StatusAccepted {
			t.Fatalf("registration %d by the API: %d %s", formlimit.PerEmail+1, res.StatusCode, res.Body)
		}
		if n := notices("busy@school.example"); n != formlimit.PerEmail {
			t.Fatalf("%d notices to one address, want %d", n, formlimit.PerEmail)
		}
	})
}
