package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/app/web/api"
	"gorm.io/gorm"
)

// The camp safety pack through the API, the staff form and the public form:
// switched on by safety_pack, its questions listed and sent back as they
// are; the emergency contact required on the public form (in the reader's
// language) and on the API (422 answer_emergency_contact); its answers
// listed to the activity's facilitator only inside the window, to a
// coordinator always; never in an email, the log or the audit log; and
// the pack not switched off, on the API or the form, once answered.
func TestSafetyPack(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		var logs logBuffer
		e := newEnvLog(t, db, testConfig(), slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
		a := e.publishedCamp("safe-camp", 10)
		staff, tok := apiStaff(e)
		lead := e.user("lead@example.org", access.Facilitator)
		leadTok := e.token("lead@example.org")
		path := apiPath("/api/v1/activities/%d", a.ID)

		var got api.Activity
		apiJSON(t, staff.api("PATCH", path, tok, fmt.Sprintf(`{"safety_pack": true, "facilitator_ids": [%d]}`, lead.ID)), http.StatusOK, &got)
		var ids []string
		for _, q := range got.Questions {
			ids = append(ids, q.ID)
			if !q.Sealed || q.Label["mn"] == "" || q.Label["fr"] == "" {
				t.Fatalf("a safety question: %+v", q)
			}
		}
		if !got.SafetyPack || strings.Join(ids, ",") != "emergency_contact,medical,diet,accessibility" {
			t.Fatalf("safety_pack %v, questions %v", got.SafetyPack, ids)
		}
		// A GET body sent back changes nothing.
		read := staff.api("GET", path, tok, "")
		again := staff.api("PATCH", path, tok, read.Body)
		var back api.Activity
		apiJSON(t, again, http.StatusOK, &back)
		if b, _ := json.Marshal(back.Questions); string(b) != mustJSON(t, got.Questions) {
			t.Fatalf("a round trip changed the questions: %s", again.Body)
		}

		// The public form, in French: the labels from the locale files, the
		// emergency contact required.
		c := e.client()
		page := c.get("/activities/safe-camp/register?lang=fr")
		if !strings.Contains(text(page), e.msg("fr", "safety_question_emergency_contact")) {
			t.Fatalf("the form lacks the emergency contact:\n%s", page.Body)
		}
		form := registrationForm("amina@example.org", "urban")
		form.Set("answer_medical", "epipen-peanuts-77c2")
		res := c.postForm("/activities/safe-camp/register?lang=fr", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-answer_emergency_contact"`) ||
			!strings.Contains(text(res), e.msg("fr", "error_required")) {
			t.Fatalf("no emergency contact on the form: %d %s", res.StatusCode, res.Body)
		}
		const contact = "Oyuka 88001122-c3d9"
		form.Set("answer_emergency_contact", contact)
		if res := c.postForm("/activities/safe-camp/register?lang=fr", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the form: %d %s", res.StatusCode, res.Body)
		}
		link := e.lastMail("amina@example.org").Link(t, "/v/")
		c.get(link)
		if res := c.postForm(link, url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the tap: %d %s", res.StatusCode, res.Body)
		}

		// The API: the emergency contact is required there too.
		body := `{"person":{"given_name":"B","family_name":"C","email":"b@example.org","birth_year":2006,"region":"MN-057","locality":"rural"},
			"consent":true,"answers":%s}`
		res = staff.api("POST", path+"/registrations", tok, fmt.Sprintf(body, `{"diet":"vegan"}`))
		if res.StatusCode != http.StatusUnprocessableEntity || apiErr(t, res).Fields["answer_emergency_contact"] == "" {
			t.Fatalf("no emergency contact on the API: %d %s", res.StatusCode, res.Body)
		}
		apiJSON(t, staff.api("POST", path+"/registrations", tok, fmt.Sprintf(body, `{"emergency_contact":"Bold 99001122-a8e1","diet":"vegan"}`)),
			http.StatusCreated, nil)

		// The facilitator, 40 days before the start, reads none of them; the
		// coordinator every one.
		listed := func(token string) map[string]bool {
			t.Helper()
			var list struct {
				Items []struct {
					Answers map[string]json.RawMessage `json:"answers"`
				} `json:"items"`
			}
			apiJSON(t, staff.api("GET", path+"/registrations?answers=true", token, ""), http.StatusOK, &list)
			seen := map[string]bool{}
			for _, it := range list.Items {
				for k := range it.Answers {
					seen[k] = true
				}
			}
			return seen
		}
		if seen := listed(leadTok); len(seen) != 0 {
			t.Fatalf("the facilitator read %v before the window", seen)
		}
		// The roster page and its CSV follow the same rule.
		leadPage := e.client()
		leadPage.login("lead@example.org")
		rosterPath := fmt.Sprintf("/manage/activities/%d", a.ID)
		if r := leadPage.get(rosterPath + "?sealed=1"); r.StatusCode != http.StatusForbidden {
			t.Fatalf("the facilitator opened sealed answers on the roster before the window: %d", r.StatusCode)
		}
		if r := leadPage.get(rosterPath + "/registrations.csv?sensitive=true"); r.StatusCode != http.StatusForbidden {
			t.Fatalf("the facilitator exported sealed answers before the window: %d", r.StatusCode)
		}
		// The printed roster carries the emergency contacts for those who may read them today.
		if r := leadPage.get(rosterPath + "/roster"); r.StatusCode != http.StatusOK || strings.Contains(r.Body, "Bold 99001122-a8e1") {
			t.Fatalf("the facilitator's printed roster before the window: %d, emergency contact shown: %v", r.StatusCode, strings.Contains(r.Body, "Bold 99001122-a8e1"))
		}
		coordPage := e.staffClient("coord-print@example.org", access.Coordinator)
		if r := coordPage.get(rosterPath + "/roster"); !strings.Contains(r.Body, "Bold 99001122-a8e1") {
			t.Fatalf("the coordinator's printed roster lacks the emergency contact: %d", r.StatusCode)
		}
		if seen := listed(tok); !seen["emergency_contact"] || !seen["medical"] || !seen["diet"] {
			t.Fatalf("the coordinator read %v", seen)
		}
		// Moved to start in three days, the camp is inside the window.
		now := time.Now().UTC()
		apiJSON(t, staff.api("PATCH", path, tok, fmt.Sprintf(`{"starts_at": %q, "ends_at": %q, "registration_closes_at": %q}`,
			now.Add(72*time.Hour).Format(time.RFC3339), now.Add(96*time.Hour).Format(time.RFC3339), now.Add(time.Hour).Format(time.RFC3339))),
			http.StatusOK, nil)
		if seen := listed(leadTok); !seen["emergency_contact"] || !seen["medical"] {
			t.Fatalf("the facilitator read %v inside the window", seen)
		}
		if r := leadPage.get(rosterPath + "?sealed=1"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Bold 99001122-a8e1") {
			t.Fatalf("the facilitator's roster inside the window: %d, emergency contact shown: %v", r.StatusCode, strings.Contains(r.Body, "Bold 99001122-a8e1"))
		}
		if r := leadPage.get(rosterPath + "/registrations.csv?sensitive=true"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Bold 99001122-a8e1") {
			t.Fatalf("the facilitator's export inside the window: %d", r.StatusCode)
		}
		if r := leadPage.get(rosterPath + "/roster"); !strings.Contains(r.Body, "Bold 99001122-a8e1") {
			t.Fatalf("the facilitator's printed roster inside the window lacks the emergency contact: %d", r.StatusCode)
		}

		// Not switched off once answered: on the API, and on the form.
		if r := staff.api("PATCH", path, tok, `{"safety_pack": false}`); r.StatusCode != http.StatusConflict {
			t.Fatalf("switched off under its answers: %d %s", r.StatusCode, r.Body)
		}
		coord := e.staffClient("form@example.org", access.Coordinator)
		stored, err := e.srv.Activities.Get(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		edit := coord.get(apiPath("/manage/activities/%d/edit", a.ID))
		if !strings.Contains(edit.Body, `name="safety_pack" value="yes" id="f-safety_pack"`) || !strings.Contains(edit.Body, `checked> `+e.msg("en", "field_safety_pack")) {
			t.Fatalf("the staff form lacks the ticked safety pack:\n%s", edit.Body)
		}
		vals := formOf(stored)
		vals.Del("safety_pack")
		res = coord.postForm(apiPath("/manage/activities/%d", a.ID), vals)
		if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, fieldError("safety_pack", e.msg("en", "error_safety_pack_answered"))) {
			t.Fatalf("the form switched the pack off: %d %s", res.StatusCode, res.Body)
		}

		// No answer in an email, the log, or the audit log.
		for _, secret := range []string{contact, "epipen-peanuts-77c2", "Bold 99001122-a8e1"} {
			if strings.Contains(logs.String(), secret) {
				t.Fatalf("the log holds %q", secret)
			}
			for _, table := range []string{"outbox", "audit_log"} {
				var rows []map[string]any
				if err := db.Table(table).Find(&rows).Error; err != nil {
					t.Fatal(err)
				}
				for _, row := range rows {
					for col, v := range row {
						if s, ok := v.(string); ok && strings.Contains(s, secret) {
							t.Fatalf("%s.%s holds %q", table, col, secret)
						}
						if b, ok := v.([]byte); ok && strings.Contains(string(b), secret) {
							t.Fatalf("%s.%s holds %q", table, col, secret)
						}
					}
				}
			}
		}
		var audited int64
		db.Table("audit_log").Where("action = ?", "registration.answers.sealed.view").Count(&audited)
		if audited != 6 {
			t.Fatalf("%d audited readings of sealed answers, want the coordinator's two (API, printed roster) and the facilitator's four (API, roster, export, printed roster)", audited)
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
