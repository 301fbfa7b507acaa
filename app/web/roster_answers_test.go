package web

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
)

// auditCount counts the audit entries of action.
func (e *env) auditCount(action string) int64 {
	e.t.Helper()
	var n int64
	if err := e.db.Table("audit_log").Where("action = ?", action).Count(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

// answeredCamp is a published camp asking a choice, a free text and a
// sealed question, with one registration placed by staff through the API.
func (e *env) answeredCamp(slug, mode, note string) *activities.Activity {
	e.t.Helper()
	a := e.publishedCamp(slug, 5)
	qs := []activities.QuestionInput{
		{Key: "diet", Kind: activities.QuestionChoice, Label: activities.Labels{"en": "Food"},
			Options: activities.Options{{Value: "veg", Label: activities.Labels{"en": "Vegetarian"}}, {Value: "halal"}}},
		{Key: "note", Kind: activities.QuestionText, Label: activities.Labels{"en": "A note"}},
		{Key: "contact", Kind: activities.QuestionText, Label: activities.Labels{"en": "Emergency contact"}, Sealed: true},
	}
	in := activities.Input{Questions: &qs, RegistrationMode: &mode}
	a, err := e.srv.Activities.Update(context.Background(), 0, a.ID, in)
	if err != nil {
		e.t.Fatal(err)
	}
	e.user("desk-"+slug+"@example.org", access.Coordinator)
	tok := e.token("desk-" + slug + "@example.org")
	res := e.client().api("POST", "/api/v1/activities/"+itoa(a.ID)+"/registrations", tok,
		`{"person":{"given_name":"Saraa","family_name":"Bold","email":"saraa-`+slug+`@example.org","birth_year":2006,"region":"MN-057","locality":"rural"},
		  "consent":true,"answers":{"diet":"veg","note":`+note+`,"contact":"Mother 99110022"}}`)
	if res.StatusCode != http.StatusCreated {
		e.t.Fatalf("staff registration: %d %s", res.StatusCode, res.Body)
	}
	return a
}

// The roster and the applications' review show the ordinary answers; the
// sealed ones only to a viewer registration.MaySeeSealed allows, after an
// explicit request, each reading audited.
func TestRosterAnswers(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.answeredCamp("hills", activities.RegistrationModeOpen, `"Bring tea"`)
		coord := e.staffClient("coord@example.org", access.Coordinator)
		page := coord.get("/manage/activities/" + itoa(a.ID))
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `<dt lang="en">Food</dt><dd>Vegetarian</dd>`) ||
			!strings.Contains(page.Body, "Bring tea") || strings.Contains(page.Body, "99110022") || !strings.Contains(page.Body, `id="show-sealed"`) {
			t.Fatalf("the roster: %d %s", page.StatusCode, page.Body)
		}
		before := e.auditCount("registration.answers.sealed.view")
		page = coord.get("/manage/activities/" + itoa(a.ID) + "?sealed=1")
		if !strings.Contains(page.Body, `<dt lang="en">Emergency contact</dt><dd class="sealed">Mother 99110022</dd>`) || !strings.Contains(page.Body, `id="hide-sealed"`) {
			t.Fatalf("the sealed answers asked for: %s", page.Body)
		}
		if e.auditCount("registration.answers.sealed.view") != before+1 {
			t.Fatal("the sealed reading is not audited")
		}

		// A facilitator who leads it: the ordinary answers, never the sealed.
		lead := e.staffClient("lead@example.org", access.Facilitator)
		ids := []int64{e.userID("lead@example.org")}
		if _, err := e.srv.Activities.Update(context.Background(), 0, a.ID, activities.Input{Facilitators: &ids}); err != nil {
			t.Fatal(err)
		}
		page = lead.get("/manage/activities/" + itoa(a.ID))
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Vegetarian") || strings.Contains(page.Body, "99110022") ||
			strings.Contains(page.Body, `id="show-sealed"`) || strings.Contains(page.Body, `id="export-csv-sealed"`) {
			t.Fatalf("the facilitator's roster: %d %s", page.StatusCode, page.Body)
		}
		if res := lead.get("/manage/activities/" + itoa(a.ID) + "?sealed=1"); res.StatusCode != http.StatusForbidden || strings.Contains(res.Body, "99110022") {
			t.Fatalf("a facilitator asking for sealed answers: %d", res.StatusCode)
		}

		// The applications' review shows them by the same rules.
		b := e.answeredCamp("chosen", activities.RegistrationModeApplication, `"Late arrival"`)
		review := coord.get("/manage/activities/" + itoa(b.ID) + "/applications")
		if !strings.Contains(review.Body, "Late arrival") || strings.Contains(review.Body, "99110022") || !strings.Contains(review.Body, `id="show-sealed"`) {
			t.Fatalf("the review: %s", review.Body)
		}
		review = coord.get("/manage/activities/" + itoa(b.ID) + "/applications?sort=age&sealed=1")
		if !strings.Contains(review.Body, "Mother 99110022") || !strings.Contains(review.Body, html.EscapeString(`/applications?sort=age#applicants"`)) &&
			!strings.Contains(review.Body, `/applications?sort=age#applicants"`) {
			t.Fatalf("the review with sealed answers: %s", review.Body)
		}
	})
}

// The registrations' CSV: the roster's columns and a column per question,
// CSV-injection safe; sealed columns only with sensitive=true for an
// allowed viewer (403 otherwise), each export audited; a partner co-host,
// who sees counts only, is refused as on every staff route naming an
// object: 404, so that ids do not leak (Server.authorize).
func TestRegistrationsCSV(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.answeredCamp("hills", activities.RegistrationModeOpen, `"=HYPERLINK(\"http://x\")"`)
		path := "/manage/activities/" + itoa(a.ID) + "/registrations.csv"
		coord := e.staffClient("coord@example.org", access.Coordinator)
		res := coord.get(path)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("export: %d %s", res.StatusCode, res.Body)
		}
		lines := strings.Split(strings.TrimPrefix(res.Body, "\ufeff"), "\n")
		if lines[0] != "Name,Email,Status,Seat,Position,Attended,Food,A note" {
			t.Fatalf("header: %q", lines[0])
		}
		if !strings.HasPrefix(lines[1], "Saraa Bold,saraa-hills@example.org,Confirmed,General,,Not marked,Vegetarian,") ||
			!strings.Contains(lines[1], `"'=HYPERLINK(""http://x"")"`) || strings.Contains(res.Body, "99110022") {
			t.Fatalf("row: %q", lines[1])
		}
		if e.auditCount("registration.export") != 1 {
			t.Fatal("the export is not audited")
		}
		res = coord.get(path + "?sensitive=true")
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, ",Emergency contact\n") || !strings.Contains(res.Body, ",Mother 99110022\n") {
			t.Fatalf("the sensitive export: %d %s", res.StatusCode, res.Body)
		}
		if e.auditCount("registration.export.sealed") != 1 || e.auditCount("registration.answers.sealed.view") != 1 {
			t.Fatal("the sensitive export is not audited")
		}
		if res := coord.get(path + "?sensitive=maybe"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("sensitive=maybe: %d", res.StatusCode)
		}
		if res := coord.get(path + "?answers=all"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("an unknown parameter: %d", res.StatusCode)
		}

		// A facilitator who leads it: the ordinary columns, no email, 403
		// for the sealed ones.
		lead := e.staffClient("lead@example.org", access.Facilitator)
		ids := []int64{e.userID("lead@example.org")}
		if _, err := e.srv.Activities.Update(context.Background(), 0, a.ID, activities.Input{Facilitators: &ids}); err != nil {
			t.Fatal(err)
		}
		res = lead.get(path)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Saraa Bold,,Confirmed") || strings.Contains(res.Body, "Emergency contact") {
			t.Fatalf("the facilitator's export: %d %s", res.StatusCode, res.Body)
		}
		if res := lead.get(path + "?sensitive=true"); res.StatusCode != http.StatusForbidden || strings.Contains(res.Body, "99110022") {
			t.Fatalf("a facilitator's sensitive export: %d", res.StatusCode)
		}
		// A partner co-host sees counts only: refused, nothing of the roster.
		partnerID := e.firstPartner()
		partners := []int64{partnerID}
		if _, err := e.srv.Activities.Update(context.Background(), 0, a.ID, activities.Input{Partners: &partners}); err != nil {
			t.Fatal(err)
		}
		member := e.staffClient("member@example.org", access.Partner)
		if res := member.get(path); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "Saraa") {
			t.Fatalf("a partner co-host's export: %d", res.StatusCode)
		}
	})
}
