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
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/web/api"
)

// The public registration as DESIGN.md "A young person's place, end to
// end" has it: a form places nothing and answers the same for every
// email; the email's link and one tap place; the registration's private
// page manages it; a guardian answers at their own link.

// setActivity sets a column of an activity, as an edit would, and tells
// the caches.
func (e *env) setActivity(id int64, column string, value any) {
	e.t.Helper()
	if err := e.db.Table("activities").Where("id = ?", id).Update(column, value).Error; err != nil {
		e.t.Fatal(err)
	}
	e.srv.Changes.ActivityChanged(id)
}

// text is a page's body with its entities decoded, as a reader sees it.
func text(r *response) string { return html.UnescapeString(r.Body) }

// TestRegistrationFormAnswersAlike: whoever the email belongs to (a person
// never seen, a person known from another activity, one registered here,
// one erased), the form and the API answer byte for byte the same; only
// the email differs.
func TestRegistrationFormAnswersAlike(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("alike", 10)
		e.publishedCamp("other", 10)
		e.register("other", [2]string{"known@example.org", "rural"})
		e.register("alike", [2]string{"registered@example.org", "rural"}, [2]string{"erased@example.org", "rural"})
		if _, err := e.srv.Rights.Erase(context.Background(), 0, e.personOf("erased@example.org")); err != nil {
			t.Fatal(err)
		}
		registrations := e.rows("registrations")
		apiPath := "/api/v1/activities/" + itoa(a.ID) + "/registrations"
		type answer struct {
			Status   int
			Location string
			Page     string
		}
		forms, apis := map[string]answer{}, map[string]string{}
		who := []string{"unknown", "known", "registered", "erased"}
		for _, w := range who {
			email := w + "@example.org"
			c := e.client()
			c.get("/activities/alike/register")
			res := c.postForm("/activities/alike/register", registrationForm(email, "rural"))
			forms[w] = answer{res.StatusCode, res.Header.Get("Location"), c.get(res.Header.Get("Location")).Body}
			r := c.api("POST", apiPath, "", registrantJSON("Saraa", email, "rural", 2006, nil))
			apis[w] = fmt.Sprintf("%d %s", r.StatusCode, r.Body)
		}
		if f := forms["unknown"]; f.Status != http.StatusSeeOther || f.Location != "/activities/alike/check-email" ||
			!strings.Contains(html.UnescapeString(f.Page), e.msg("en", "check_email_sent")) || strings.Contains(f.Page, "@example.org") {
			t.Fatalf("the form of an unknown email: %d %s", f.Status, f.Location)
		}
		if apis["unknown"] != `202 {"status":"pending_verification"}` {
			t.Fatalf("the API for an unknown email: %s", apis["unknown"])
		}
		for _, w := range who[1:] {
			if forms[w] != forms["unknown"] {
				t.Errorf("the form answers the %s email otherwise: %d %s", w, forms[w].Status, forms[w].Location)
			}
			if apis[w] != apis["unknown"] {
				t.Errorf("the API answers the %s email otherwise: %s", w, apis[w])
			}
		}
		if n := e.rows("registrations"); n != registrations {
			t.Fatalf("%d registrations after the forms, %d before", n, registrations)
		}
		// The email tells them apart: a link that confirms, or, to the one
		// registered, the private link of the place held.
		e.deliver()
		for w, prefix := range map[string]string{"unknown": "/v/", "known": "/v/", "erased": "/v/", "registered": "/r/"} {
			mails := e.mailbox().To(w + "@example.org")
			if len(mails) < 2 {
				t.Fatalf("%d mails to the %s email", len(mails), w)
			}
			for _, m := range mails[len(mails)-2:] { // the form's and the API's
				m.Link(t, prefix)
			}
		}
	})
}

// TestSquattingHoldsNoSeat: a hundred forms nobody confirms take no seat,
// by the form or the API; the one confirmed by its email's link does.
func TestSquattingHoldsNoSeat(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("squat", 5)
		_, tok := apiStaff(e)
		anon := e.client()
		anon.get("/activities/squat/register")
		apiPath := "/api/v1/activities/" + itoa(a.ID) + "/registrations"
		for i := range 100 {
			email := fmt.Sprintf("squat%d@example.org", i)
			if i%2 == 0 {
				if res := anon.postForm("/activities/squat/register", registrationForm(email, "urban")); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("form %d: %d", i, res.StatusCode)
				}
			} else if res := anon.api("POST", apiPath, "", registrantJSON("S", email, "urban", 2006, nil)); res.StatusCode != http.StatusAccepted {
				t.Fatalf("API %d: %d", i, res.StatusCode)
			}
		}
		seats := func() (confirmed, waitlisted int, page string) {
			t.Helper()
			var q api.QuotaSummary
			apiJSON(t, anon.api("GET", apiPath[:len(apiPath)-len("registrations")]+"quota", tok, ""), http.StatusOK, &q)
			return q.Confirmed, q.Waitlisted, between(anon.get("/activities/squat").Body, `id="free-seats">`, "<")
		}
		if c, w, page := seats(); c != 0 || w != 0 || page != "5 free seats of 5" || e.rows("registrations") != 0 {
			t.Fatalf("after 100 forms: %d confirmed, %d waiting, the page says %q", c, w, page)
		}
		if n := e.rows("submissions"); n != 100 {
			t.Fatalf("%d forms kept, want 100", n)
		}
		anon.confirmByMail("squat42@example.org")
		if c, w, page := seats(); c != 1 || w != 0 || page != "4 free seats of 5" {
			t.Fatalf("after one tap: %d confirmed, %d waiting, the page says %q", c, w, page)
		}
	})
}

// wantPrivate fails unless r is a private link's answer: not stored, not
// indexed, no referrer.
func wantPrivate(t *testing.T, what string, r *response) {
	t.Helper()
	if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("X-Robots-Tag") != "noindex, nofollow" ||
		r.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("%s: Cache-Control %q, X-Robots-Tag %q, Referrer-Policy %q", what, r.Header.Get("Cache-Control"),
			r.Header.Get("X-Robots-Tag"), r.Header.Get("Referrer-Policy"))
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") && !strings.Contains(r.Body, `<meta name="robots" content="noindex">`) {
		t.Errorf("%s: the page asks to be indexed", what)
	}
}

// TestRegistrationByMail follows a registration from the form to the
// email's link, the tap, the registration's own page and its cancellation,
// which moves the waitlist and tells the next person with their own link.
func TestRegistrationByMail(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("lake", 1)
		saraa := e.client()
		saraa.get("/activities/lake/register")
		res := saraa.postForm("/activities/lake/register", registrationForm("saraa@example.org", "rural"))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/activities/lake/check-email" {
			t.Fatalf("the form: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if page := saraa.get("/activities/lake/check-email"); !strings.Contains(text(page), e.msg("en", "check_email_lifetime", "Hours", 48)) ||
			!strings.Contains(text(page), e.msg("en", "check_email_spam")) {
			t.Fatalf("check your email: %d", page.StatusCode)
		}
		link := e.lastMail("saraa@example.org").Link(t, "/v/")

		// Opening the link, as a mail scanner does, confirms nothing: the
		// page has one button. A POST without the form's token neither.
		scanner := e.client()
		for range 2 {
			page := scanner.get(link)
			if page.StatusCode != http.StatusOK || strings.Count(page.Body, "<button") != 1 ||
				!strings.Contains(page.Body, `action="`+link+`?lang=en"`) || !strings.Contains(text(page), "Hello Saraa, you asked for a place at Camp lake (") {
				t.Fatalf("the link's page: %d %s", page.StatusCode, page.Body)
			}
			wantPrivate(t, "the link's page", page)
		}
		if r := scanner.postRaw(link, url.Values{}); r.StatusCode != http.StatusForbidden {
			t.Fatalf("a tap without the form's token: %d", r.StatusCode)
		}
		if n := e.rows("registrations"); n != 0 {
			t.Fatalf("%d registrations before the tap", n)
		}

		// The tap places, and leads to the registration's page.
		saraa.get(link)
		res = saraa.postForm(link, url.Values{})
		manage := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(manage, "/r/") {
			t.Fatalf("the tap: %d %s", res.StatusCode, manage)
		}
		wantPrivate(t, "the tap", res)
		page := saraa.get(manage)
		if !strings.Contains(text(page), e.msg("en", "registered_confirmed")) || !strings.Contains(page.Body, campOnlineURL) ||
			!strings.Contains(page.Body, `href="`+manage+`.ics"`) || !strings.Contains(page.Body, `action="`+manage+`/cancel"`) ||
			!strings.Contains(page.Body, "Uliastai") || !strings.Contains(page.Body, "Camp lake") {
			t.Fatalf("the registration's page: %d %s", page.StatusCode, page.Body)
		}
		wantPrivate(t, "the registration's page", page)
		// A second tap places nothing; the private link comes by mail again.
		for _, r := range []*response{saraa.postForm(link, url.Values{}), saraa.get(link)} {
			if r.StatusCode != http.StatusOK || !strings.Contains(text(r), e.msg("en", "confirm_again")) || strings.Contains(r.Body, "<button") {
				t.Fatalf("the link again: %d %s", r.StatusCode, r.Body)
			}
		}
		if regs := e.registrations(a.ID); len(regs) != 1 {
			t.Fatalf("%d registrations after two taps", len(regs))
		}
		if again := saraa.get(e.lastMail("saraa@example.org").Link(t, "/r/")); !strings.Contains(text(again), e.msg("en", "registered_confirmed")) {
			t.Fatalf("the private link sent again: %d", again.StatusCode)
		}
		// The calendar file, for a place that is certain.
		cal := saraa.get(manage + ".ics")
		if parsed, err := ics.ParseCalendar(strings.NewReader(cal.Body)); cal.StatusCode != http.StatusOK || err != nil || len(parsed.Events()) != 1 ||
			!strings.HasPrefix(cal.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("the calendar: %d %v", cal.StatusCode, err)
		}
		wantPrivate(t, "the calendar", cal)
		// The language switcher keeps the link.
		if mn := saraa.get(manage + "?lang=mn"); pageLang(mn.Body) != "mn" || !strings.Contains(mn.Body, `href="`+manage+`?lang=fr"`) ||
			!strings.Contains(text(mn), e.msg("mn", "registered_confirmed")) {
			t.Fatalf("in Mongolian: %s", pageLang(mn.Body))
		}
		saraa.get(manage + "?lang=en")

		// Bat waits: his page gives his number, no online link, no calendar.
		bat := e.client()
		bat.get("/activities/lake/register")
		if page := bat.submitRegistration("lake", registrationForm("bat@example.org", "urban")); !strings.Contains(text(page), e.msg("en", "registered_waitlisted", "Position", 1)) ||
			strings.Contains(page.Body, campOnlineURL) || strings.Contains(page.Body, ".ics") {
			t.Fatalf("the waitlisted page: %d %s", page.StatusCode, page.Body)
		}
		waiting := e.lastMail("bat@example.org").Link(t, "/r/")
		if r := bat.get(waiting + ".ics"); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a waitlisted calendar: %d", r.StatusCode)
		}

		// Saraa cancels at her link: the seat goes to Bat at once, and his
		// email says so with his own link.
		res = saraa.postForm(manage+"/cancel", url.Values{})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != manage+"?cancelled=1" {
			t.Fatalf("cancel: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		page = saraa.get(res.Header.Get("Location"))
		if !strings.Contains(text(page), e.msg("en", "account_cancelled")) || !strings.Contains(text(page), e.msg("en", "registered_cancelled")) ||
			strings.Contains(page.Body, "/cancel") || strings.Contains(page.Body, campOnlineURL) {
			t.Fatalf("after cancelling: %s", page.Body)
		}
		if r := saraa.postForm(manage+"/cancel", url.Values{}); r.StatusCode != http.StatusConflict {
			t.Fatalf("cancel twice: %d", r.StatusCode)
		}
		promoted := e.lastMail("bat@example.org")
		fresh := promoted.Link(t, "/r/")
		if fresh == waiting {
			t.Fatal("the promotion's email carries the old link")
		}
		for _, l := range []string{fresh, waiting} {
			if p := bat.get(l); !strings.Contains(text(p), e.msg("en", "registered_confirmed")) || !strings.Contains(p.Body, campOnlineURL) {
				t.Fatalf("Bat's page at %s after the promotion: %s", l, p.Body)
			}
		}

		// A link nobody sent, or cut short, is a page that says the link
		// expired, and nothing else.
		for _, p := range []string{"/v/" + strings.Repeat("A", 43), "/r/" + strings.Repeat("A", 43), "/g/" + strings.Repeat("A", 43),
			"/r/x.ics", link[:len(link)-1], manage[:len(manage)-1] + "/cancel"} {
			method := http.MethodGet
			r := bat.get(p)
			if strings.HasSuffix(p, "/cancel") {
				method, r = http.MethodPost, bat.postForm(p, url.Values{})
			}
			if r.StatusCode != http.StatusNotFound || !strings.Contains(text(r), e.msg("en", "error_link_expired")) {
				t.Errorf("%s %s: %d", method, p, r.StatusCode)
			}
			wantPrivate(t, p, r)
		}
	})
}

// TestVerifiedAccountPlacedAtOnce: a signed-in participant whose account
// email is verified, registering with that email, is placed without the
// email's link; with another email, or unverified, the form answers as
// any other.
func TestVerifiedAccountPlacedAtOnce(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("fast", 5)
		e.user("saraa@example.org", access.Participant)
		e.user("bat@example.org", access.Participant)
		if err := e.db.Table("users").Where("email = ?", "saraa@example.org").Update("email_verified_at", time.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
		if err := e.db.Table("users").Where("email = ?", "bat@example.org").Update("email_verified_at", nil).Error; err != nil {
			t.Fatal(err)
		}
		saraa, bat := e.client(), e.client()
		saraa.login("saraa@example.org")
		bat.login("bat@example.org")
		saraa.get("/activities/fast/register")
		bat.get("/activities/fast/register")
		for _, f := range []struct {
			c        *client
			email    string
			placed   bool
			whatCase string
		}{
			{bat, "bat@example.org", false, "an unverified account"},
			{saraa, "other@example.org", false, "another email"},
			{saraa, "Saraa@Example.org", true, "the verified email"},
		} {
			res := f.c.postForm("/activities/fast/register", registrationForm(f.email, "rural"))
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || strings.HasPrefix(loc, "/r/") != f.placed ||
				(!f.placed && loc != "/activities/fast/check-email") {
				t.Fatalf("%s: %d %s", f.whatCase, res.StatusCode, loc)
			}
			if f.placed && !strings.Contains(text(f.c.get(loc)), e.msg("en", "registered_confirmed")) {
				t.Fatalf("%s: the registration's page", f.whatCase)
			}
		}
		if n := e.rows("registrations"); n != 1 {
			t.Fatalf("%d registrations, want the verified one", n)
		}
		// Her second form is told at once that she holds a place.
		if res := saraa.postForm("/activities/fast/register", registrationForm("saraa@example.org", "rural")); res.StatusCode != http.StatusConflict ||
			!strings.Contains(text(res), e.msg("en", "error_already_registered")) {
			t.Fatalf("a second form: %d", res.StatusCode)
		}
	})
}

// youngForm is the form of a sixteen-year-old, who needs a guardian at the
// camps of publishedCamp, with answers about themselves the guardian must
// never see.
func youngForm(email string) url.Values {
	f := registrationForm(email, "rural")
	f.Set("birth_year", strconv.Itoa(time.Now().Year()-16))
	f.Set("disability", "yes")
	f.Set("accessibility_needs", "a quiet room to pray")
	return f
}

// TestGuardianConsent: a registrant under the guardian age names a
// guardian; their place is held while the guardian's link waits. The
// guardian's page says what the activity is and what is kept, never the
// young person's answers; giving keeps the place, refusing frees it for the
// waitlist. Staff record a consent given on paper, audited.
func TestGuardianConsent(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("youth", 1)
		young := e.client()
		young.header.Set("Accept-Language", "fr")
		if f := young.get("/activities/youth/register"); !strings.Contains(f.Body, `<fieldset class="group" id="guardian">`) {
			t.Fatal("the form of an activity open to minors has no guardian's fields")
		}
		form := youngForm("tuya@example.org")
		form.Set("given_name", "Tuya")

		// Without a guardian: 422 on the guardian's fields, in French.
		res := young.postForm("/activities/youth/register", form)
		want := e.msg("fr", "error_guardian_required", "Age", 18)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res), `id="e-guardian">`+want) {
			t.Fatalf("no guardian: %d %s", res.StatusCode, res.Body)
		}
		if !strings.Contains(text(res), e.msg("fr", "register_guardian_legend", "Age", 18)) {
			t.Error("the form does not say who names a guardian")
		}
		r := young.api("POST", "/api/v1/activities/"+itoa(a.ID)+"/registrations", "", registrantJSON("Tuya", "tuya@example.org", "rural", time.Now().Year()-16, nil))
		if r.StatusCode != http.StatusUnprocessableEntity || apiErr(t, r).Fields["guardian"] != want {
			t.Fatalf("no guardian by the API: %d %s", r.StatusCode, r.Body)
		}

		// With one: the place is held, and the page says it waits.
		form.Set("guardian_name", "Dorj Bold")
		form.Set("guardian_email", "dorj@example.org")
		page := young.submitRegistration("youth", form)
		regs := e.registrations(a.ID)
		if len(regs) != 1 || regs[0].Status != string(registration.Confirmed) || regs[0].Guardian != registration.GuardianPending {
			t.Fatalf("the held place: %+v", regs)
		}
		due := a.When(catalog(t).Localizer("fr"), *regs[0].GuardianDueAt)
		if !strings.Contains(text(page), e.msg("fr", "my_place_guardian", "Date", due)) || strings.Contains(page.Body, campOnlineURL) ||
			strings.Contains(page.Body, ".ics") {
			t.Fatalf("the page of a held place: %s", page.Body)
		}
		youngPage := e.lastMail("tuya@example.org").Link(t, "/r/")
		// Signed in, the account lists the place as waiting, without its link.
		e.user("tuya@example.org", access.Participant)
		account := e.client()
		account.login("tuya@example.org")
		if p := account.get("/account?lang=fr"); !strings.Contains(text(p), e.msg("fr", "account_reg_guardian")) || strings.Contains(p.Body, campOnlineURL) {
			t.Fatalf("the account of a place waiting for its guardian: %s", p.Body)
		}
		// The page opens in the language of the email that carried its
		// link, whatever the browser's; the switcher still wins.
		other := e.client()
		other.header.Set("Accept-Language", "en")
		vlink := e.mailbox().To("tuya@example.org")[0].Link(t, "/v/")
		for _, l := range []string{youngPage, vlink, e.lastMail("dorj@example.org").Link(t, "/g/")} {
			if lang := pageLang(other.get(l).Body); lang != "fr" {
				t.Errorf("%s opens in %q, want fr", l[:3], lang)
			}
		}
		if lang := pageLang(other.get(youngPage + "?lang=id").Body); lang != "id" {
			t.Errorf("the registration's page switched to %q, want id", lang)
		}
		bat := e.client()
		bat.submitRegistration("youth", registrationForm("bat@example.org", "urban")) // waits

		// The guardian's link, in the registrant's language.
		gm := e.lastMail("dorj@example.org")
		if gm.Header.Get("Content-Language") != "fr" {
			t.Errorf("the guardian's email in %q", gm.Header.Get("Content-Language"))
		}
		glink := gm.Link(t, "/g/")
		guardian := e.client()
		guardian.header.Set("Accept-Language", "fr")
		gp := guardian.get(glink)
		wantPrivate(t, "the guardian's page", gp)
		if gp.StatusCode != http.StatusOK || !strings.Contains(text(gp), e.msg("fr", "guardian_intro", "Name", "Tuya", "Guardian", "Dorj Bold")) ||
			!strings.Contains(text(gp), "Camp youth") || !strings.Contains(text(gp), e.msg("fr", "guardian_data_sensitive")) ||
			strings.Count(gp.Body, "<button") != 2 {
			t.Fatalf("the guardian's page: %d %s", gp.StatusCode, gp.Body)
		}
		for _, secret := range []string{"a quiet room to pray", e.msg("fr", "register_disability"), "tuya@example.org", form.Get("birth_year"), campOnlineURL} {
			if strings.Contains(text(gp), secret) {
				t.Errorf("the guardian's page shows %q", secret)
			}
		}
		// They give their consent: the place stands, the online link shows.
		res = guardian.postForm(glink, url.Values{"answer": {"give"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != glink {
			t.Fatalf("give: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if gp = guardian.get(glink); !strings.Contains(text(gp), e.msg("fr", "guardian_given")) || strings.Contains(gp.Body, "<button") {
			t.Fatalf("after giving: %s", gp.Body)
		}
		if r := guardian.postForm(glink, url.Values{"answer": {"refuse"}}); r.StatusCode != http.StatusConflict {
			t.Fatalf("a second answer: %d", r.StatusCode)
		}
		if r := guardian.postForm(glink, url.Values{"answer": {"maybe"}}); r.StatusCode != http.StatusBadRequest {
			t.Fatalf("an answer that is neither: %d", r.StatusCode)
		}
		if p := young.get(youngPage); !strings.Contains(text(p), e.msg("fr", "registered_confirmed")) || !strings.Contains(p.Body, campOnlineURL) {
			t.Fatalf("the young person's page once given: %s", p.Body)
		}
		if regs := e.registrations(a.ID); regs[0].Guardian != registration.GuardianGiven || regs[1].Status != string(registration.Waitlisted) {
			t.Fatalf("after giving: %+v", regs)
		}

		// Another refuses: the place is cancelled and the waitlist moves.
		b := e.publishedCamp("youth-two", 1)
		young.submitRegistration("youth-two", func() url.Values {
			f := youngForm("nomin@example.org")
			f.Set("guardian_name", "Oyun")
			f.Set("guardian_email", "oyun@example.org")
			return f
		}())
		bat.submitRegistration("youth-two", registrationForm("bat@example.org", "urban"))
		glink = e.lastMail("oyun@example.org").Link(t, "/g/")
		guardian.get(glink)
		if res := guardian.postForm(glink, url.Values{"answer": {"refuse"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("refuse: %d", res.StatusCode)
		}
		if gp := guardian.get(glink); !strings.Contains(text(gp), e.msg("fr", "guardian_refused")) {
			t.Fatalf("after refusing: %s", gp.Body)
		}
		regs = e.registrations(b.ID)
		if regs[0].Status != string(registration.Cancelled) || regs[0].Guardian != registration.GuardianRefused ||
			regs[1].Status != string(registration.Confirmed) {
			t.Fatalf("after refusing: %+v", regs)
		}
		if p := bat.get(e.lastMail("bat@example.org").Link(t, "/r/")); !strings.Contains(text(p), e.msg("en", "registered_confirmed")) {
			t.Fatalf("the promoted page: %s", p.Body)
		}

		// Staff record a consent given on paper.
		c := e.publishedCamp("paper", 5)
		young.submitRegistration("paper", func() url.Values {
			f := youngForm("altan@example.org")
			f.Set("guardian_name", "Ganaa")
			f.Set("guardian_email", "ganaa@example.org")
			return f
		}())
		bat.submitRegistration("paper", registrationForm("bat@example.org", "urban"))
		regs = e.registrations(c.ID)
		staff, tok := apiStaff(e)
		path := func(id int64) string { return "/api/v1/registrations/" + itoa(id) + "/guardian" }
		for _, f := range []struct {
			token, body string
			status      int
		}{
			{"", `{"given": true, "method": "paper"}`, http.StatusUnauthorized},
			{tok, `{"given": true, "method": "phone"}`, http.StatusUnprocessableEntity},
			{tok, `{"method": "paper"}`, http.StatusUnprocessableEntity},
			{tok, `{"given": true, "method": "paper", "note": "` + strings.Repeat("x", 501) + `"}`, http.StatusUnprocessableEntity},
		} {
			if r := staff.api("POST", path(regs[0].ID), f.token, f.body); r.StatusCode != f.status {
				t.Errorf("%s: %d %s, want %d", f.body, r.StatusCode, r.Body, f.status)
			}
		}
		if r := staff.api("POST", path(regs[1].ID), tok, `{"given": true, "method": "paper"}`); r.StatusCode != http.StatusConflict {
			t.Errorf("a registration that needs no guardian: %d", r.StatusCode)
		}
		var rec api.Registration
		apiJSON(t, staff.api("POST", path(regs[0].ID), tok, `{"given": true, "method": "paper", "note": "signed form seen by the coordinator"}`), http.StatusOK, &rec)
		if rec.Guardian != registration.GuardianGiven || rec.Status != string(registration.Confirmed) {
			t.Fatalf("recorded: %+v", rec)
		}
		var note string
		e.db.Table("registrations").Where("id = ?", regs[0].ID).Pluck("guardian_note", &note)
		if note != "signed form seen by the coordinator" {
			t.Fatalf("the note kept: %q", note)
		}
		var audited int64
		e.db.Table("audit_log").Where("action = ? AND object_id = ? AND actor_id = ?", "registration.guardian", itoa(regs[0].ID), e.userID("coord@example.org")).Count(&audited)
		if audited != 1 {
			t.Fatalf("%d audit entries of the recorded consent", audited)
		}
		// Where nobody the activity takes is that young, the form asks nobody
		// for a guardian.
		e.setActivity(c.ID, "guardian_age", 15)
		if f := bat.get("/activities/paper/register"); strings.Contains(f.Body, `id="guardian"`) || f.StatusCode != http.StatusOK {
			t.Fatalf("the form of an activity for ages 15 and over, guardian age 15: %d", f.StatusCode)
		}
	})
}

// TestDiscreetActivityNeverNamedInMail: the emails about a discreet
// activity, to the registrant and to a guardian, never name it, and the
// guardian's page neither.
func TestDiscreetActivityNeverNamedInMail(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("rainbow-circle", 5)
		e.setActivity(a.ID, "discreet", true)
		c := e.client()
		c.get("/activities/rainbow-circle/register")
		if page := c.submitRegistration("rainbow-circle", registrationForm("saraa@example.org", "rural")); !strings.Contains(text(page), e.msg("en", "registered_confirmed")) {
			t.Fatalf("register: %d", page.StatusCode)
		}
		form := youngForm("tuya@example.org")
		form.Set("guardian_name", "Dorj")
		form.Set("guardian_email", "dorj@example.org")
		c.submitRegistration("rainbow-circle", form)
		e.deliver()
		for _, addr := range []string{"saraa@example.org", "tuya@example.org", "dorj@example.org"} {
			mails := e.mailbox().To(addr)
			if len(mails) < 2 && addr != "dorj@example.org" || len(mails) == 0 {
				t.Fatalf("%d mails to %s", len(mails), addr)
			}
			for _, m := range mails {
				if strings.Contains(strings.ToLower(m.Subject+m.Text), "rainbow") {
					t.Errorf("a mail to %s names the activity: %s\n%s", addr, m.Subject, m.Text)
				}
			}
		}
		// Her own page names it, but not in the browser's title; her
		// calendar file neither, though it says where.
		manage := e.mailbox().To("saraa@example.org")[1].Link(t, "/r/")
		neutral := e.msg("en", "activity_neutral_title")
		if p := c.get(manage); !strings.Contains(p.Body, "<title>"+neutral+" · Gotong</title>") || !strings.Contains(p.Body, `<h1 lang="en">Camp rainbow-circle</h1>`) ||
			!strings.Contains(p.Body, "Uliastai") {
			t.Fatalf("her page: %s", p.Body)
		}
		cal := c.get(manage + ".ics")
		parsed, err := ics.ParseCalendar(strings.NewReader(cal.Body))
		if err != nil || len(parsed.Events()) != 1 {
			t.Fatalf("her calendar: %d %v", cal.StatusCode, err)
		}
		ev := parsed.Events()[0]
		if sum := ev.GetProperty(ics.ComponentPropertySummary); sum == nil || sum.Value != neutral || strings.Contains(strings.ToLower(cal.Body), "rainbow") {
			t.Errorf("her calendar names the activity: %s", cal.Body)
		}
		if loc := ev.GetProperty(ics.ComponentPropertyLocation); loc == nil || !strings.Contains(loc.Value, "Uliastai") {
			t.Errorf("her calendar says not where: %s", cal.Body)
		}
		g := c.get(e.lastMail("dorj@example.org").Link(t, "/g/"))
		if strings.Contains(strings.ToLower(g.Body), "rainbow") || !strings.Contains(text(g), e.msg("en", "guardian_discreet_title")) {
			t.Fatalf("the guardian's page of a discreet activity: %s", g.Body)
		}
	})
}
