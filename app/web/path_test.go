package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/activities"
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
