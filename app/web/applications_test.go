package web

import (
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

// TestApplicationsByMail: at an activity in application mode, a public
// form tapped from its email and staff-entered registrations are
// applications holding no seat; coordinators accept and decline them, one
// or many, through the API and the review page; each person reads their
// decision over SMTP in their language, and its link shows where they stand.
func TestApplicationsByMail(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		act := apiCreate(t, c, tok, apiActBody(func(m map[string]any) {
			m["registration_mode"] = "application"
			m["capacity"] = 2
		}))
		if act.RegistrationMode != "application" {
			t.Fatalf("registration_mode %q", act.RegistrationMode)
		}
		res := c.api("PATCH", apiPath("/api/v1/activities/%d", act.ID), tok, `{"registration_mode": "lottery"}`)
		if res.StatusCode != http.StatusUnprocessableEntity || apiErr(t, res).Fields["registration_mode"] == "" {
			t.Fatalf("an unknown mode: %d %s", res.StatusCode, res.Body)
		}
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/publish", act.ID), tok, ""), http.StatusOK, nil)
		en := catalog(t).Localizer("en")

		// The public form, tapped from its email: under review.
		person := e.client()
		page := person.submitRegistration(act.Slug, registrationForm("saraa@example.org", "rural"))
		if page.StatusCode != http.StatusOK || !strings.Contains(html.UnescapeString(page.Body), en.T("registered_applied")) {
			t.Fatalf("the tap's page: %d\n%s", page.StatusCode, page.Body)
		}
		received := e.lastMail("saraa@example.org")
		if received.Subject != en.T("notice_applied_subject", "Title", "Summer camp") {
			t.Fatalf("subject %q", received.Subject)
		}

		// Staff-entered: applied too, no seat.
		var regs []api.Registration
		for i, email := range []string{"bat@example.org", "dulmaa@example.org", "tuya@example.org"} {
			var r api.Registration
			apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/registrations", act.ID), tok,
				registrantJSON(fmt.Sprint("P", i), email, "urban", time.Now().Year()-20, nil)), http.StatusCreated, &r)
			if r.Status != "applied" || r.Pool != nil || r.WaitlistPosition != nil {
				t.Fatalf("staff-entered: %+v", r)
			}
			regs = append(regs, r)
		}
		var list struct{ Items []api.Registration }
		apiJSON(t, c.api("GET", apiPath("/api/v1/activities/%d/registrations", act.ID), tok, ""), http.StatusOK, &list)
		saraa := list.Items[0]
		var quota api.QuotaSummary
		apiJSON(t, c.api("GET", apiPath("/api/v1/activities/%d/quota", act.ID), tok, ""), http.StatusOK, &quota)
		if quota.Confirmed != 0 || quota.Waitlisted != 0 {
			t.Fatalf("applications hold seats: %+v", quota)
		}

		// One accepted alone: the rural seat. Two at once: a general seat,
		// then the waitlist.
		var one api.Registration
		apiJSON(t, c.api("POST", apiPath("/api/v1/registrations/%d/accept", saraa.ID), tok, ""), http.StatusOK, &one)
		if one.Status != "confirmed" || one.Pool == nil || *one.Pool != "rural" {
			t.Fatalf("accepted: %+v", one)
		}
		var many struct{ Items []api.Registration }
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/accept", act.ID), tok,
			fmt.Sprintf(`{"ids": [%d, %d]}`, regs[0].ID, regs[1].ID)), http.StatusOK, &many)
		if len(many.Items) != 2 || many.Items[0].Status != "confirmed" || many.Items[1].Status != "waitlisted" ||
			*many.Items[1].WaitlistPosition != 1 {
			t.Fatalf("accepted together: %+v", many.Items)
		}
		res = c.api("POST", apiPath("/api/v1/registrations/%d/decline", saraa.ID), tok, "")
		if res.StatusCode != http.StatusConflict || apiErr(t, res).Code == "" {
			t.Fatalf("declining an accepted one: %d %s", res.StatusCode, res.Body)
		}
		res = c.api("POST", apiPath("/api/v1/activities/%d/accept", act.ID), tok, `{"ids": []}`)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("no ids: %d %s", res.StatusCode, res.Body)
		}
		e.user("fac@example.org", access.Facilitator)
		if res := c.api("POST", apiPath("/api/v1/registrations/%d/decline", regs[2].ID), e.token("fac@example.org"), ""); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a facilitator's decline: %d", res.StatusCode)
		}

		accepted := e.lastMail("saraa@example.org")
		if accepted.Subject != en.T("notice_accepted_subject", "Title", "Summer camp") ||
			!strings.Contains(accepted.Text, en.T("notice_accepted_body")) {
			t.Fatalf("the acceptance: %q\n%s", accepted.Subject, accepted.Text)
		}
		if res := person.get(accepted.Link(t, "/r/")); !strings.Contains(html.UnescapeString(res.Body), en.T("registered_confirmed")) {
			t.Fatalf("the acceptance's link: %d", res.StatusCode)
		}
		waiting := e.lastMail("dulmaa@example.org")
		if !strings.Contains(waiting.Text, en.T("notice_accepted_waiting_body", "Position", 1)) {
			t.Fatalf("the acceptance onto the waitlist:\n%s", waiting.Text)
		}

		// The review page: the last applicant, declined there.
		coord := e.client()
		coord.login("coord@example.org")
		path := apiPath("/manage/activities/%d/applications", act.ID)
		page = coord.get(path)
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, fmt.Sprintf(`id="pick-%d"`, regs[2].ID)) ||
			strings.Contains(page.Body, fmt.Sprintf(`id="pick-%d"`, saraa.ID)) {
			t.Fatalf("the review page: %d\n%s", page.StatusCode, page.Body)
		}
		if res := coord.get(path + "?attribute=disability"); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, `id="error-summary"`) {
			t.Fatalf("a filter by a sensitive quota: %d", res.StatusCode)
		}
		res = coord.postForm(path, url.Values{"decision": {"decline"}, "id": {fmt.Sprint(regs[2].ID)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("decline on the page: %d %s", res.StatusCode, res.Body)
		}
		page = coord.get(res.Header.Get("Location"))
		if !strings.Contains(page.Body, en.T("applications_declined", "Count", "1")) || !strings.Contains(page.Body, `id="applicants-none"`) {
			t.Fatalf("after the decline:\n%s", page.Body)
		}
		if res := coord.postForm(path, url.Values{"decision": {"accept"}, "id": {fmt.Sprint(regs[2].ID)}}); res.StatusCode != http.StatusConflict ||
			!strings.Contains(html.UnescapeString(res.Body), en.T("error_application_decided")) {
			t.Fatalf("accepting a declined one on the page: %d", res.StatusCode)
		}
		declined := e.lastMail("tuya@example.org")
		if declined.Subject != en.T("notice_declined_subject", "Title", "Summer camp") ||
			!strings.Contains(declined.Text, en.T("notice_declined_body")) {
			t.Fatalf("the decline: %q\n%s", declined.Subject, declined.Text)
		}
		if res := person.get(declined.Link(t, "/r/")); !strings.Contains(html.UnescapeString(res.Body), en.T("registered_declined")) ||
			strings.Contains(res.Body, `id="cancel-form"`) {
			t.Fatalf("the decline's link: %d\n%s", res.StatusCode, res.Body)
		}
		fac := e.client()
		fac.login("fac@example.org")
		if res := fac.get(path); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a facilitator on the review page: %d", res.StatusCode)
		}
	})
}
