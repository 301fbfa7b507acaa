package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/web/api"
)

// apiActStart is when the test activities start: far enough ahead that
// registration is open, on a whole second so it round-trips exactly.
func apiActStart() time.Time {
	return time.Now().UTC().Add(60 * 24 * time.Hour).Truncate(time.Hour)
}

// apiActBody is a valid activity body as a map, changed by mod, as JSON.
func apiActBody(mod func(m map[string]any)) string {
	starts := apiActStart()
	m := map[string]any{
		"kind":      "camp",
		"audience":  "youth",
		"title":     map[string]string{"en": "Summer camp", "mn": "Зуслан"},
		"mode":      "in_person",
		"region":    "MN-057",
		"venue":     "Uliastai",
		"starts_at": starts.Format(time.RFC3339),
		"ends_at":   starts.Add(4 * 24 * time.Hour).Format(time.RFC3339),
		"capacity":  2,
		"age_min":   16,
		"age_max":   30,
		"quotas":    []map[string]any{{"attribute": "rural", "share": 0.5}},
	}
	if mod != nil {
		mod(m)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// apiJSON decodes a response body into v, failing on anything else.
func apiJSON(t testing.TB, r *response, status int, v any) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", r.StatusCode, status, r.Body)
	}
	if v == nil {
		return
	}
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("body %q: %v", r.Body, err)
	}
}

// apiKeys returns the sorted keys of a JSON object.
func apiKeys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not an object: %s", raw)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func apiWantKeys(t *testing.T, what string, raw json.RawMessage, want ...string) {
	t.Helper()
	sort.Strings(want)
	if got := apiKeys(t, raw); !reflect.DeepEqual(got, want) {
		t.Fatalf("%s has fields %v, want %v", what, got, want)
	}
}

var activityFields = []string{"id", "slug", "kind", "audience", "title", "summary", "description", "mode", "region", "timezone",
	"venue", "online_url", "starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "capacity",
	"age_min", "age_max", "status", "quotas", "partner_ids", "facilitator_ids", "discreet", "guardian_age", "reminder_hours", "registration_mode", "safety_pack", "questions", "hours"}

var registrationFields = []string{"id", "activity_id", "person_id", "status", "pool", "waitlist_position", "attended", "guardian", "created_at"}

// apiStaff makes a coordinator and returns a client and its token.
func apiStaff(e *env) (*client, string) {
	e.user("coord@example.org", access.Coordinator)
	return e.client(), e.token("coord@example.org")
}

// apiCreate creates an activity as the token's user and returns it.
func apiCreate(t testing.TB, c *client, tok, body string) api.Activity {
	t.Helper()
	var a api.Activity
	apiJSON(t, c.api("POST", "/api/v1/activities", tok, body), http.StatusCreated, &a)
	return a
}

func apiPath(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func TestAPIActivitiesRoundTrip(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		starts := apiActStart()
		body := apiActBody(func(m map[string]any) {
			m["registration_closes_at"] = starts.Add(-24 * time.Hour).Format(time.RFC3339)
		})
		res := c.api("POST", "/api/v1/activities", tok, body)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		apiWantKeys(t, "Activity", json.RawMessage(res.Body), activityFields...)
		var raw map[string]json.RawMessage
		_ = json.Unmarshal([]byte(res.Body), &raw)
		apiWantKeys(t, "quota", json.RawMessage(strings.TrimSuffix(strings.TrimPrefix(string(raw["quotas"]), "["), "]")),
			"attribute", "share", "release_at")
		for field, want := range map[string]string{
			"title":                  `{"en":"Summer camp","mn":"Зуслан"}`,
			"summary":                `{}`,
			"description":            `{}`,
			"partner_ids":            `[]`,
			"facilitator_ids":        `[]`,
			"quotas":                 `[{"attribute":"rural","share":0.5,"release_at":null}]`,
			"starts_at":              `"` + starts.Format(time.RFC3339) + `"`,
			"registration_opens_at":  `null`,
			"registration_closes_at": `"` + starts.Add(-24*time.Hour).Format(time.RFC3339) + `"`,
			"age_min":                `16`,
			"status":                 `"draft"`,
			"slug":                   `"summer-camp"`,
			"online_url":             `""`,
			"timezone":               `"Asia/Ulaanbaatar"`, // Zavkhan's
			"hours":                  `null`,               // its duration
		} {
			if got := string(raw[field]); got != want {
				t.Errorf("%s = %s, want %s", field, got, want)
			}
		}
		if !strings.HasSuffix(string(raw["ends_at"]), `Z"`) {
			t.Errorf("ends_at %s is not UTC", raw["ends_at"])
		}
		var created api.Activity
		_ = json.Unmarshal([]byte(res.Body), &created)

		// Publish; publishing again clashes with the status.
		var published api.Activity
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/publish", created.ID), tok, ""), http.StatusOK, &published)
		if published.Status != activities.StatusPublished {
			t.Fatalf("published: %q", published.Status)
		}
		if r := c.api("POST", apiPath("/api/v1/activities/%d/publish", created.ID), tok, ""); r.StatusCode != http.StatusConflict {
			t.Fatalf("publish twice: %d", r.StatusCode)
		}

		// Get returns the same as create, now published.
		res = c.api("GET", apiPath("/api/v1/activities/%d", created.ID), tok, "")
		var got api.Activity
		apiJSON(t, res, http.StatusOK, &got)
		created.Status = activities.StatusPublished
		if !reflect.DeepEqual(got, created) {
			t.Fatalf("get:\n%+v\nwant\n%+v", got, created)
		}

		// The same title again gets its own slug; a draft lists by status.
		second := apiCreate(t, c, tok, apiActBody(func(m map[string]any) { m["kind"] = "training" }))
		if second.Slug != "summer-camp-2" {
			t.Fatalf("second slug %q", second.Slug)
		}
		// With no English title, the first title given names it.
		third := apiCreate(t, c, tok, apiActBody(func(m map[string]any) {
			m["title"] = map[string]string{"fr": "Atelier d'été"}
			m["summary"] = map[string]string{"fr": "Bien-être", "en": ""}
		}))
		if third.Slug != "atelier-d-ete" || !reflect.DeepEqual(third.Summary, map[string]string{"fr": "Bien-être"}) {
			t.Fatalf("third: slug %q summary %v", third.Slug, third.Summary)
		}

		list := func(query string) []int64 {
			t.Helper()
			var out struct {
				Items []api.Activity `json:"items"`
			}
			apiJSON(t, c.api("GET", "/api/v1/activities"+query, tok, ""), http.StatusOK, &out)
			ids := []int64{}
			for _, a := range out.Items {
				ids = append(ids, a.ID)
			}
			return ids
		}
		for query, want := range map[string][]int64{
			"":                          {created.ID, second.ID, third.ID},
			"?status=published":         {created.ID},
			"?status=draft":             {second.ID, third.ID},
			"?kind=training":            {second.ID},
			"?kind=camp&status=draft":   {third.ID},
			"?region=MN-057":            {created.ID, second.ID, third.ID},
			"?region=ID-JK":             {},
			"?status=cancelled&lang=fr": {},
		} {
			if got := list(query); !reflect.DeepEqual(got, want) {
				t.Errorf("list%s = %v, want %v", query, got, want)
			}
		}
		for query, field := range map[string]string{
			"?kind=party":     "kind",
			"?status=open":    "status",
			"?region=XX-999":  "region",
			"?colour=blue":    "colour",
			"?status=Draft":   "status",
			"?kind=camp&x=1":  "x",
			"?region=mn-057 ": "region",
		} {
			r := c.api("GET", "/api/v1/activities"+strings.ReplaceAll(query, " ", "%20"), tok, "")
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("list%s: %d, want 422", query, r.StatusCode)
				continue
			}
			if b := apiErr(t, r); b.Code != "validation_failed" || b.Fields[field] == "" {
				t.Errorf("list%s: %+v, want a field error on %s", query, b, field)
			}
		}

		// A GET body sent back as a PATCH changes nothing and is accepted;
		// the portal's own fields may not be changed this way.
		res = c.api("PATCH", apiPath("/api/v1/activities/%d", created.ID), tok, c.api("GET", apiPath("/api/v1/activities/%d", created.ID), tok, "").Body)
		var same api.Activity
		apiJSON(t, res, http.StatusOK, &same)
		if !reflect.DeepEqual(same, created) {
			t.Fatalf("round-trip patch changed the activity:\n%+v\n%+v", same, created)
		}
		for body, field := range map[string]string{
			`{"status": "draft"}`:              "status",
			`{"id": 999}`:                      "id",
			`{"partner_ids": [3]}`:             "partner_ids",
			`{"capacity": 0}`:                  "capacity",
			`{"title": {"en": "", "mn": " "}}`: "title",
			`{"title": {"xx": "X"}}`:           "title",
			`{"timezone": "Asia/Nowhere"}`:     "timezone",
		} {
			r := c.api("PATCH", apiPath("/api/v1/activities/%d", created.ID), tok, body)
			if r.StatusCode != http.StatusUnprocessableEntity || apiErr(t, r).Fields[field] == "" {
				t.Errorf("patch %s: %d %s, want 422 on %s", body, r.StatusCode, r.Body, field)
			}
		}
		// A partial PATCH changes only what it names.
		var patched api.Activity
		apiJSON(t, c.api("PATCH", apiPath("/api/v1/activities/%d", created.ID), tok,
			`{"venue": "Uliastai school", "summary": {"en": "A week outdoors"}, "age_max": 25}`), http.StatusOK, &patched)
		want := created
		want.Venue, want.Summary, want.AgeMax = "Uliastai school", map[string]string{"en": "A week outdoors"}, patched.AgeMax
		if patched.AgeMax == nil || *patched.AgeMax != 25 || !reflect.DeepEqual(patched, want) {
			t.Fatalf("partial patch:\n%+v\nwant\n%+v", patched, want)
		}
		// The zone follows a new region, unless one is chosen; the
		// instants do not move.
		var moved api.Activity
		apiJSON(t, c.api("PATCH", apiPath("/api/v1/activities/%d", created.ID), tok, `{"region": "MN-043"}`), http.StatusOK, &moved)
		if moved.Timezone != "Asia/Hovd" || !moved.StartsAt.Equal(created.StartsAt) {
			t.Fatalf("moved to Khovd: zone %q, starts %v", moved.Timezone, moved.StartsAt)
		}
		apiJSON(t, c.api("PATCH", apiPath("/api/v1/activities/%d", created.ID), tok, `{"timezone": "Europe/Paris", "region": "MN-057"}`), http.StatusOK, &moved)
		if moved.Timezone != "Europe/Paris" {
			t.Fatalf("a zone chosen: %q", moved.Timezone)
		}
		apiJSON(t, c.api("PATCH", apiPath("/api/v1/activities/%d", created.ID), tok, `{"timezone": ""}`), http.StatusOK, &moved)
		if moved.Timezone != "Asia/Ulaanbaatar" {
			t.Fatalf("back to the region's: %q", moved.Timezone)
		}

		// Malformed bodies and ids.
		for _, tc := range []struct{ method, path, body string }{
			{"POST", "/api/v1/activities", `{"capacity": "ten"}`},
			{"POST", "/api/v1/activities", `{"colour": "blue"}`},
			{"POST", "/api/v1/activities", `{"starts_at": "tomorrow"}`},
			{"POST", "/api/v1/activities", `[]`},
			{"PATCH", apiPath("/api/v1/activities/%d", created.ID), `{"capacity": 3}{}`},
		} {
			r := c.api(tc.method, tc.path, tok, tc.body)
			if r.StatusCode != http.StatusBadRequest || apiErr(t, r).Code != "bad_request" {
				t.Errorf("%s %s %s: %d, want 400", tc.method, tc.path, tc.body, r.StatusCode)
			}
		}
		for _, id := range []string{"abc", "0", "-1", "1.5", "99999999", "9223372036854775808", "1e3"} {
			for _, r := range []struct{ method, path, body string }{
				{"GET", "/api/v1/activities/" + id, ""},
				{"PATCH", "/api/v1/activities/" + id, `{"venue": "x"}`},
				{"POST", "/api/v1/activities/" + id + "/publish", ""},
				{"POST", "/api/v1/activities/" + id + "/cancel", ""},
				{"POST", "/api/v1/activities/" + id + "/complete", ""},
				{"GET", "/api/v1/activities/" + id + "/quota", ""},
				{"GET", "/api/v1/activities/" + id + "/registrations", ""},
				{"POST", "/api/v1/activities/" + id + "/registrations", `{}`},
				{"POST", "/api/v1/registrations/" + id + "/cancel", ""},
				{"POST", "/api/v1/registrations/" + id + "/attendance", `{"attended": true}`},
			} {
				res := c.api(r.method, r.path, tok, r.body)
				if res.StatusCode != http.StatusNotFound || apiErr(t, res).Code != "not_found" {
					t.Errorf("%s %s: %d, want 404", r.method, r.path, res.StatusCode)
				}
			}
		}

		// Times given with an offset come back in UTC.
		opens := starts.Add(-10 * 24 * time.Hour)
		res = c.api("PATCH", apiPath("/api/v1/activities/%d", second.ID), tok,
			`{"registration_opens_at": "`+opens.In(time.FixedZone("", 8*3600)).Format(time.RFC3339)+`"}`)
		raw = nil
		apiJSON(t, res, http.StatusOK, &raw)
		if got, want := string(raw["registration_opens_at"]), `"`+opens.Format(time.RFC3339)+`"`; got != want {
			t.Fatalf("registration_opens_at %s, want %s", got, want)
		}

		// Cancel and complete follow the allowed moves.
		if r := c.api("POST", apiPath("/api/v1/activities/%d/complete", second.ID), tok, ""); r.StatusCode != http.StatusConflict {
			t.Fatalf("complete a draft: %d", r.StatusCode)
		}
		var cancelled api.Activity
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/cancel", second.ID), tok, ""), http.StatusOK, &cancelled)
		if cancelled.Status != activities.StatusCancelled {
			t.Fatalf("cancel: %q", cancelled.Status)
		}
		var completed api.Activity
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/complete", created.ID), tok, ""), http.StatusOK, &completed)
		if completed.Status != activities.StatusCompleted {
			t.Fatalf("complete: %q", completed.Status)
		}
	})
}

func TestAPIActivityBadInput(t *testing.T) {
	t.Parallel()
	starts := apiActStart()
	rows := []struct {
		name, field string
		mod         func(m map[string]any)
	}{
		{"kind unknown", "kind", func(m map[string]any) { m["kind"] = "party" }},
		{"kind missing", "kind", func(m map[string]any) { delete(m, "kind") }},
		{"audience unknown", "audience", func(m map[string]any) { m["audience"] = "elders" }},
		{"mode unknown", "mode", func(m map[string]any) { m["mode"] = "telepathy" }},
		{"capacity 0", "capacity", func(m map[string]any) { m["capacity"] = 0 }},
		{"capacity missing", "capacity", func(m map[string]any) { delete(m, "capacity") }},
		{"capacity above max", "capacity", func(m map[string]any) { m["capacity"] = activities.MaxCapacity + 1 }},
		{"ends before starts", "ends_at", func(m map[string]any) { m["ends_at"] = starts.Add(-time.Hour).Format(time.RFC3339) }},
		{"no start", "starts_at", func(m map[string]any) { delete(m, "starts_at") }},
		{"closes before opens", "registration_closes_at", func(m map[string]any) {
			m["registration_opens_at"] = starts.Add(-24 * time.Hour).Format(time.RFC3339)
			m["registration_closes_at"] = starts.Add(-48 * time.Hour).Format(time.RFC3339)
		}},
		{"closes after end", "registration_closes_at", func(m map[string]any) {
			m["registration_closes_at"] = starts.Add(10 * 24 * time.Hour).Format(time.RFC3339)
		}},
		{"quota share 0", "quotas", func(m map[string]any) { m["quotas"] = []map[string]any{{"attribute": "rural", "share": 0}} }},
		{"quota share 1.5", "quotas", func(m map[string]any) { m["quotas"] = []map[string]any{{"attribute": "rural", "share": 1.5}} }},
		{"quota share negative", "quotas", func(m map[string]any) { m["quotas"] = []map[string]any{{"attribute": "rural", "share": -0.1}} }},
		{"quota unknown attribute", "quotas", func(m map[string]any) {
			m["quotas"] = []map[string]any{{"attribute": "tall", "share": 0.1}}
		}},
		{"duplicate attribute", "quotas", func(m map[string]any) {
			m["quotas"] = []map[string]any{{"attribute": "rural", "share": 0.1}, {"attribute": "rural", "share": 0.2}}
		}},
		{"quotas above capacity", "quotas", func(m map[string]any) {
			m["capacity"] = 10
			m["quotas"] = []map[string]any{{"attribute": "rural", "share": 0.6}, {"attribute": "disability", "share": 0.5}}
		}},
		{"quotas rounding up above capacity", "quotas", func(m map[string]any) {
			m["capacity"] = 3
			m["quotas"] = []map[string]any{{"attribute": "rural", "share": 0.4}, {"attribute": "disability", "share": 0.3},
				{"attribute": "minority", "share": 0.2}}
		}},
		{"unknown region", "region", func(m map[string]any) { m["region"] = "MN-999" }},
		{"unknown zone", "timezone", func(m map[string]any) { m["timezone"] = "Mongolia/Zavkhan" }},
		{"the machine's zone", "timezone", func(m map[string]any) { m["timezone"] = "Local" }},
		{"age_min > age_max", "age_max", func(m map[string]any) { m["age_min"], m["age_max"] = 30, 16 }},
		{"negative age", "age_min", func(m map[string]any) { m["age_min"] = -1 }},
		{"bad online_url", "online_url", func(m map[string]any) { m["online_url"] = "javascript:alert(1)" }},
		{"online_url without host", "online_url", func(m map[string]any) { m["online_url"] = "https://" }},
		{"no title", "title", func(m map[string]any) { delete(m, "title") }},
		{"empty titles", "title", func(m map[string]any) { m["title"] = map[string]string{"en": "  "} }},
		{"title in unknown language", "title", func(m map[string]any) { m["title"] = map[string]string{"de": "Sommerlager"} }},
		{"title too long", "title", func(m map[string]any) { m["title"] = map[string]string{"en": strings.Repeat("x", 201)} }},
		{"bad slug", "slug", func(m map[string]any) { m["slug"] = "Summer Camp!" }},
		{"slug with double dash", "slug", func(m map[string]any) { m["slug"] = "summer--camp" }},
		{"slug too long", "slug", func(m map[string]any) { m["slug"] = strings.Repeat("a", 81) }},
		{"status given", "status", func(m map[string]any) { m["status"] = "published" }},
		{"id given", "id", func(m map[string]any) { m["id"] = 5 }},
		{"partners given", "partner_ids", func(m map[string]any) { m["partner_ids"] = []int{3} }},
		{"unknown facilitator", "facilitator_ids", func(m map[string]any) { m["facilitator_ids"] = []int{999} }},
		{"negative hours", "hours", func(m map[string]any) { m["hours"] = -0.01 }},
		{"hours above a year", "hours", func(m map[string]any) { m["hours"] = activities.MaxCreditMinutes/60 + 1 }},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		count := func() int64 {
			var n int64
			if err := e.db.Model(&activities.Activity{}).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				res := c.api("POST", "/api/v1/activities", tok, apiActBody(row.mod))
				if res.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("%d %s, want 422", res.StatusCode, res.Body)
				}
				b := apiErr(t, res)
				if b.Code != "validation_failed" || b.Fields[row.field] == "" {
					t.Fatalf("error %+v lacks a message for %s", b, row.field)
				}
				if n := count(); n != 0 {
					t.Fatalf("%d activities written", n)
				}
			})
		}
		// The base body itself is valid, and an explicit slug is kept.
		a := apiCreate(t, c, tok, apiActBody(func(m map[string]any) { m["slug"] = "camp-2027" }))
		if a.Slug != "camp-2027" {
			t.Fatalf("slug %q", a.Slug)
		}
		if r := c.api("POST", "/api/v1/activities", tok, apiActBody(func(m map[string]any) { m["slug"] = "camp-2027" })); r.StatusCode != http.StatusUnprocessableEntity || apiErr(t, r).Fields["slug"] == "" {
			t.Fatalf("taken slug: %d %s", r.StatusCode, r.Body)
		}
		if n := count(); n != 1 {
			t.Fatalf("%d activities, want 1", n)
		}
	})
}

// registrantJSON is the body of a registration.
func registrantJSON(given, email, locality string, birthYear int, extra func(p map[string]any)) string {
	p := map[string]any{"given_name": given, "family_name": "Bold", "email": email, "birth_year": birthYear,
		"region": "MN-057", "locality": locality}
	body := map[string]any{"person": p, "consent": true}
	if extra != nil {
		extra(body)
	}
	b, _ := json.Marshal(body)
	return string(b)
}

func TestAPIRegistrations(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		cat := catalog(t)
		c, tok := apiStaff(e)
		act := apiCreate(t, c, tok, apiActBody(nil))
		draft := apiCreate(t, c, tok, apiActBody(nil))
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/publish", act.ID), tok, ""), http.StatusOK, nil)
		regPath := apiPath("/api/v1/activities/%d/registrations", act.ID)
		year := time.Now().Year() - 20

		anon := e.client()
		// Staff place people at once.
		register := func(body string, status int) api.Registration {
			t.Helper()
			res := c.api("POST", regPath, tok, body)
			var p api.Registration
			apiJSON(t, res, status, &p)
			apiWantKeys(t, "Registration", json.RawMessage(res.Body), registrationFields...)
			return p
		}
		rural := register(registrantJSON("Saraa", "saraa@example.org", "rural", year, nil), http.StatusCreated)
		if rural.Status != "confirmed" || rural.WaitlistPosition != nil {
			t.Fatalf("rural: %+v", rural)
		}
		urban := register(registrantJSON("Bat", "bat@example.org", "urban", year, nil), http.StatusCreated)
		if urban.Status != "confirmed" || urban.WaitlistPosition != nil {
			t.Fatalf("urban: %+v", urban)
		}
		waiting := register(registrantJSON("Dulmaa", "dulmaa@example.org", "urban", year, nil), http.StatusCreated)
		if waiting.Status != "waitlisted" || waiting.WaitlistPosition == nil || *waiting.WaitlistPosition != 1 {
			t.Fatalf("waiting: %+v", waiting)
		}
		// Staff see the pools in the list.
		var listed struct{ Items []api.Registration }
		apiJSON(t, c.api("GET", regPath, tok, ""), http.StatusOK, &listed)
		if len(listed.Items) != 3 || listed.Items[0].Pool == nil || *listed.Items[0].Pool != "rural" ||
			listed.Items[1].Pool == nil || *listed.Items[1].Pool != "general" || listed.Items[2].Pool != nil {
			t.Fatalf("the staff list: %+v", listed.Items)
		}

		refuse := func(name, path, body string, status int, field, msg string) {
			t.Helper()
			res := anon.api("POST", path, "", body)
			if field == "" && status == http.StatusConflict && msg == "error_already_registered" {
				res = c.api("POST", path, tok, body) // only staff are told
			}
			if res.StatusCode != status {
				t.Errorf("%s: %d %s, want %d", name, res.StatusCode, res.Body, status)
				return
			}
			b := apiErr(t, res)
			if field != "" && b.Fields[field] == "" {
				t.Errorf("%s: %+v lacks field %s", name, b, field)
			}
			if msg != "" && b.Message != cat.Localizer("en").T(msg) {
				t.Errorf("%s: message %q, want %s", name, b.Message, msg)
			}
		}
		refuse("same email in other case", regPath, registrantJSON("Saraa", "SARAA@Example.ORG", "rural", year, nil),
			http.StatusConflict, "", "error_already_registered")
		// Anyone else is told what anyone is: the email decides.
		if r := anon.api("POST", regPath, "", registrantJSON("Saraa", "SARAA@Example.ORG", "rural", year, nil)); r.StatusCode != http.StatusAccepted ||
			r.Body != `{"status":"pending_verification"}` {
			t.Errorf("an anonymous form for someone registered: %d %s", r.StatusCode, r.Body)
		}
		refuse("draft activity", apiPath("/api/v1/activities/%d/registrations", draft.ID),
			registrantJSON("Tuya", "tuya@example.org", "rural", year, nil), http.StatusConflict, "", "error_registration_not_published")
		refuse("too old", regPath, registrantJSON("Old", "old@example.org", "urban", time.Now().Year()-50, nil),
			http.StatusUnprocessableEntity, "birth_year", "")
		refuse("too young", regPath, registrantJSON("Young", "young@example.org", "urban", time.Now().Year()-10, nil),
			http.StatusUnprocessableEntity, "birth_year", "")
		refuse("no consent", regPath, registrantJSON("Nomin", "nomin@example.org", "urban", year, func(b map[string]any) { b["consent"] = false }),
			http.StatusUnprocessableEntity, "consent", "")
		refuse("consent left out", regPath, registrantJSON("Nomin", "nomin@example.org", "urban", year, func(b map[string]any) { delete(b, "consent") }),
			http.StatusUnprocessableEntity, "consent", "")
		refuse("bad email", regPath, registrantJSON("Nomin", "nomin@@example", "urban", year, nil),
			http.StatusUnprocessableEntity, "email", "")
		refuse("unknown region", regPath, registrantJSON("Nomin", "nomin@example.org", "urban", year, func(b map[string]any) {
			b["person"].(map[string]any)["region"] = "XX-1"
		}), http.StatusUnprocessableEntity, "region", "")
		refuse("no locality", regPath, registrantJSON("Nomin", "nomin@example.org", "", year, nil),
			http.StatusUnprocessableEntity, "locality", "")
		refuse("unknown field", regPath, registrantJSON("Nomin", "nomin@example.org", "urban", year, func(b map[string]any) {
			b["person"].(map[string]any)["lgbti"] = true
		}), http.StatusBadRequest, "", "")
		refuse("no such activity", "/api/v1/activities/999999/registrations", `{}`, http.StatusNotFound, "", "")

		// Staff see the list; the waitlisted person moves up when a seat frees.
		list := func() map[int64]api.Registration {
			t.Helper()
			res := c.api("GET", regPath, tok, "")
			var out struct {
				Items []json.RawMessage `json:"items"`
			}
			apiJSON(t, res, http.StatusOK, &out)
			m := map[int64]api.Registration{}
			for _, raw := range out.Items {
				apiWantKeys(t, "Registration", raw, registrationFields...)
				var r api.Registration
				_ = json.Unmarshal(raw, &r)
				m[r.ID] = r
			}
			return m
		}
		regs := list()
		if len(regs) != 3 || regs[waiting.ID].Status != "waitlisted" || regs[waiting.ID].WaitlistPosition == nil ||
			*regs[waiting.ID].WaitlistPosition != 1 || regs[rural.ID].ActivityID != act.ID || regs[rural.ID].Attended != nil {
			t.Fatalf("list: %+v", regs)
		}
		res := c.api("POST", apiPath("/api/v1/registrations/%d/cancel", urban.ID), tok, "")
		var cancelled api.Registration
		apiJSON(t, res, http.StatusOK, &cancelled)
		apiWantKeys(t, "cancelled Registration", json.RawMessage(res.Body), registrationFields...)
		if cancelled.Status != "cancelled" || cancelled.Pool != nil || cancelled.WaitlistPosition != nil {
			t.Fatalf("cancelled: %+v", cancelled)
		}
		regs = list()
		if w := regs[waiting.ID]; w.Status != "confirmed" || w.Pool == nil || *w.Pool != "general" || w.WaitlistPosition != nil {
			t.Fatalf("not promoted: %+v", w)
		}
		if r := c.api("POST", apiPath("/api/v1/registrations/%d/cancel", urban.ID), tok, ""); r.StatusCode != http.StatusConflict {
			t.Fatalf("cancel twice: %d", r.StatusCode)
		}

		// Capacity below the confirmed count is refused and nothing changes.
		actPath := apiPath("/api/v1/activities/%d", act.ID)
		if r := c.api("PATCH", actPath, tok, `{"capacity": 1}`); r.StatusCode != http.StatusConflict || apiErr(t, r).Code != "conflict" {
			t.Fatalf("capacity below confirmed: %d %s", r.StatusCode, r.Body)
		}
		var now api.Activity
		apiJSON(t, c.api("GET", actPath, tok, ""), http.StatusOK, &now)
		if now.Capacity != 2 {
			t.Fatalf("capacity %d after a refused change", now.Capacity)
		}
		// A larger capacity promotes from the waitlist at once.
		late := register(registrantJSON("Enkh", "enkh@example.org", "urban", year, nil), http.StatusCreated)
		if late.Status != "waitlisted" {
			t.Fatalf("late: %+v", late)
		}
		apiJSON(t, c.api("PATCH", actPath, tok, `{"capacity": 4}`), http.StatusOK, &now)
		if now.Capacity != 4 {
			t.Fatalf("capacity %d", now.Capacity)
		}
		if l := list()[late.ID]; l.Status != "confirmed" || l.Pool == nil || *l.Pool != "general" {
			t.Fatalf("late not promoted: %+v", l)
		}

		// The quota figures, in API.md's shape.
		res = c.api("GET", actPath+"/quota", tok, "")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("quota: %d", res.StatusCode)
		}
		want := `{"capacity":4,"confirmed":3,"waitlisted":0,"general":{"seats":2,"filled":2},` +
			`"pools":[{"attribute":"rural","share":0.5,"seats":2,"filled":1,"released":false}]}`
		var compact bytes.Buffer
		_ = json.Compact(&compact, []byte(res.Body))
		if compact.String() != want {
			t.Fatalf("quota:\n%s\nwant\n%s", compact.String(), want)
		}

		// Attendance: not before the activity starts (409, with the
		// reason), then once it has.
		attPath := apiPath("/api/v1/registrations/%d/attendance", rural.ID)
		if r := c.api("POST", attPath+"?lang=fr", tok, `{"attended": true}`); r.StatusCode != http.StatusConflict ||
			apiErr(t, r).Message != e.msg("fr", "error_attendance_before_start") {
			t.Fatalf("attendance before the start: %d %s", r.StatusCode, r.Body)
		}
		e.moveStart(act.ID, time.Now().Add(-time.Hour))
		res = c.api("POST", attPath, tok, `{"attended": true}`)
		var att api.Registration
		apiJSON(t, res, http.StatusOK, &att)
		apiWantKeys(t, "attended Registration", json.RawMessage(res.Body), registrationFields...)
		if att.Attended == nil || !*att.Attended || att.Status != "confirmed" {
			t.Fatalf("attendance: %+v", att)
		}
		if r := c.api("POST", attPath, tok, `{}`); r.StatusCode != http.StatusUnprocessableEntity || apiErr(t, r).Fields["attended"] == "" {
			t.Fatalf("attendance without a value: %d %s", r.StatusCode, r.Body)
		}
		if r := c.api("POST", attPath, tok, `{"attended": "yes"}`); r.StatusCode != http.StatusBadRequest {
			t.Fatalf("attendance of the wrong type: %d", r.StatusCode)
		}
		if r := c.api("POST", apiPath("/api/v1/registrations/%d/attendance", urban.ID), tok, `{"attended": true}`); r.StatusCode != http.StatusConflict {
			t.Fatalf("attendance of a cancelled registration: %d", r.StatusCode)
		}

		// A facilitator reaches only the activities they lead.
		fac := e.user("fac@example.org", access.Facilitator)
		facTok := e.token("fac@example.org")
		f := e.client()
		if r := f.api("GET", regPath, facTok, ""); r.StatusCode != http.StatusNotFound || apiErr(t, r).Code != "not_found" {
			t.Fatalf("facilitator not leading, list: %d", r.StatusCode)
		}
		if r := f.api("POST", apiPath("/api/v1/registrations/%d/attendance", waiting.ID), facTok, `{"attended": false}`); r.StatusCode != http.StatusNotFound {
			t.Fatalf("facilitator not leading, attendance: %d", r.StatusCode)
		}
		if err := e.db.Create(&activities.Facilitator{ActivityID: act.ID, UserID: fac.ID}).Error; err != nil {
			t.Fatal(err)
		}
		if r := f.api("GET", regPath, facTok, ""); r.StatusCode != http.StatusOK {
			t.Fatalf("facilitator leading, list: %d", r.StatusCode)
		}
		apiJSON(t, f.api("POST", apiPath("/api/v1/registrations/%d/attendance", waiting.ID), facTok, `{"attended": false}`), http.StatusOK, &att)
		if att.Attended == nil || *att.Attended {
			t.Fatalf("facilitator attendance: %+v", att)
		}
		e.moveStart(act.ID, act.StartsAt) // back to the future, for the registrations below
		if r := f.api("GET", apiPath("/api/v1/activities/%d/registrations", draft.ID), facTok, ""); r.StatusCode != http.StatusNotFound {
			t.Fatalf("facilitator, other activity: %d", r.StatusCode)
		}
		for _, r := range []struct{ method, path string }{
			{"POST", apiPath("/api/v1/registrations/%d/cancel", waiting.ID)},
			{"POST", "/api/v1/activities"},
			{"PATCH", actPath},
			{"POST", actPath + "/cancel"},
		} {
			if res := f.api(r.method, r.path, facTok, `{}`); res.StatusCode != http.StatusForbidden {
				t.Errorf("facilitator %s %s: %d, want 403", r.method, r.path, res.StatusCode)
			}
		}

		// Participants and partners may not manage; anonymous callers must sign in.
		e.user("part@example.org", access.Participant)
		partTok := e.token("part@example.org")
		if r := e.client().api("POST", "/api/v1/activities", partTok, apiActBody(nil)); r.StatusCode != http.StatusForbidden || apiErr(t, r).Code != "forbidden" {
			t.Fatalf("participant creates: %d", r.StatusCode)
		}
		e.user("partner@example.org", access.Partner)
		partnerTok := e.token("partner@example.org")
		// A partner member is told that the section's objects do not exist.
		if r := e.client().api("GET", regPath, partnerTok, ""); r.StatusCode != http.StatusNotFound {
			t.Fatalf("partner lists registrations: %d", r.StatusCode)
		}
		for _, r := range []struct{ method, path, body string }{
			{"GET", regPath, ""},
			{"GET", actPath, ""},
			{"GET", actPath + "/quota", ""},
			{"POST", "/api/v1/activities", apiActBody(nil)},
			{"POST", apiPath("/api/v1/registrations/%d/cancel", rural.ID), ""},
			{"POST", attPath, `{"attended": false}`},
		} {
			if res := anon.api(r.method, r.path, "", r.body); res.StatusCode != http.StatusUnauthorized || apiErr(t, res).Code != "unauthorized" {
				t.Errorf("anonymous %s %s: %d, want 401", r.method, r.path, res.StatusCode)
			}
		}
		// A participant's token registers like anyone: by the email's link.
		apiJSON(t, e.client().api("POST", regPath, partTok, registrantJSON("Part", "part@example.org", "rural", year, nil)), http.StatusAccepted, nil)
		if page := e.client().confirmByMail("part@example.org"); !strings.Contains(page.Body, e.msg("en", "registered_confirmed")) {
			t.Fatalf("participant registers: %d %s", page.StatusCode, page.Body)
		}
		// A cancelled activity answers 409 with the reason.
		apiJSON(t, c.api("POST", actPath+"/cancel", tok, ""), http.StatusOK, nil)
		refuse("cancelled activity", regPath, registrantJSON("Zaya", "zaya@example.org", "rural", year, nil),
			http.StatusConflict, "", "error_registration_not_published")
	})
}

// TestAPIRegistrationSealsDeclarations proves that what a registration
// declares about disability and minority is never stored in clear, and
// that the form's language becomes the person's.
func TestAPIRegistrationSealsDeclarations(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		act := apiCreate(t, c, tok, apiActBody(func(m map[string]any) {
			m["capacity"] = 10
			m["quotas"] = []map[string]any{{"attribute": "disability", "share": 0.2}, {"attribute": "minority", "share": 0.2}}
		}))
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/publish", act.ID), tok, ""), http.StatusOK, nil)
		anon := e.client()
		anon.header.Set("Accept-Language", "fr-FR,fr;q=0.9")
		regPath := apiPath("/api/v1/activities/%d/registrations", act.ID)
		res := anon.api("POST", regPath, "",
			registrantJSON("Amina", "amina@example.org", "urban", time.Now().Year()-20, func(b map[string]any) {
				b["person"].(map[string]any)["disability"] = true
				b["person"].(map[string]any)["minority"] = false
			}))
		apiJSON(t, res, http.StatusAccepted, nil)
		// The tap on the email's link places her; her page names no pool.
		page := anon.confirmByMail("amina@example.org")
		p := e.registrations(act.ID)[0]
		fr := catalog(t).Localizer("fr")
		if !strings.Contains(html.UnescapeString(page.Body), fr.T("registered_confirmed")) ||
			strings.Contains(page.Body, "reserved") || strings.Contains(html.UnescapeString(page.Body), fr.T("register_disability")) {
			t.Fatalf("her page: %d %s", page.StatusCode, page.Body)
		}
		// Staff, and a facilitator who leads it, see a reserved seat, never
		// which quota; the quota endpoint counts it, for coordinators only.
		lead := e.user("lead@example.org", access.Facilitator)
		if err := e.db.Create(&activities.Facilitator{ActivityID: act.ID, UserID: lead.ID}).Error; err != nil {
			t.Fatal(err)
		}
		for who, tk := range map[string]string{"coordinator": tok, "facilitator": e.token("lead@example.org")} {
			res := c.api("GET", regPath, tk, "")
			var listed struct{ Items []api.Registration }
			apiJSON(t, res, http.StatusOK, &listed)
			if len(listed.Items) != 1 || listed.Items[0].Pool == nil || *listed.Items[0].Pool != "reserved" ||
				strings.Contains(res.Body, "disability") || strings.Contains(res.Body, "minority") {
				t.Errorf("%s lists %s", who, res.Body)
			}
		}
		var quota api.QuotaSummary
		apiJSON(t, c.api("GET", apiPath("/api/v1/activities/%d/quota", act.ID), tok, ""), http.StatusOK, &quota)
		if quota.Pools[0].Attribute != "disability" || quota.Pools[0].Filled != 1 || quota.Pools[1].Filled != 0 {
			t.Fatalf("quota: %+v", quota)
		}
		// A registration by staff answers the Registration, pool included.
		var staffReg api.Registration
		apiJSON(t, c.api("POST", regPath, tok, registrantJSON("Oyun", "oyun@example.org", "urban", time.Now().Year()-20, func(b map[string]any) {
			b["person"].(map[string]any)["minority"] = true
		})), http.StatusCreated, &staffReg)
		if staffReg.Pool == nil || *staffReg.Pool != "reserved" || staffReg.PersonID == nil {
			t.Fatalf("staff registration: %+v", staffReg)
		}

		var sens struct {
			PersonID   int64
			Disability []byte
			Minority   []byte
		}
		if err := e.db.Raw("SELECT person_id, disability, minority FROM person_sensitive WHERE person_id = (SELECT person_id FROM registrations WHERE id = ?)", p.ID).Scan(&sens).Error; err != nil {
			t.Fatal(err)
		}
		var reg struct {
			PersonID          int64
			Locale            string
			Pool              string
			DeclaredSensitive []byte
			SealedPool        []byte
		}
		if err := e.db.Raw("SELECT person_id, locale, pool, declared_sensitive, sealed_pool FROM registrations WHERE id = ?", p.ID).Scan(&reg).Error; err != nil {
			t.Fatal(err)
		}
		if reg.Pool != "reserved" {
			t.Errorf("registrations.pool holds %q", reg.Pool)
		}
		for name, v := range map[string][]byte{"person_sensitive.disability": sens.Disability,
			"person_sensitive.minority": sens.Minority, "registrations.declared_sensitive": reg.DeclaredSensitive,
			"registrations.sealed_pool": reg.SealedPool} {
			if len(v) == 0 {
				t.Errorf("%s is empty", name)
			}
			for _, plain := range []string{"true", "false", "disability", "minority"} {
				if bytes.Contains(v, []byte(plain)) {
					t.Errorf("%s holds %q in clear: %q", name, plain, v)
				}
			}
		}
		if sens.PersonID != reg.PersonID || bytes.Equal(sens.Disability, sens.Minority) {
			t.Fatal("sealed values look alike or belong to someone else")
		}
		// They open again with the key.
		got, err := e.srv.People.ReadSensitive(context.Background(), 0, reg.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Disability == nil || !*got.Disability || got.Minority == nil || *got.Minority {
			t.Fatalf("opened: %+v", got)
		}
		var locale string
		if err := e.db.Raw("SELECT locale FROM people WHERE id = ?", reg.PersonID).Scan(&locale).Error; err != nil {
			t.Fatal(err)
		}
		if locale != "fr" || reg.Locale != "fr" {
			t.Fatalf("locale: person %q, registration %q; want fr", locale, reg.Locale)
		}
	})
}

// TestAPIFacilitators: coordinators name an activity's facilitators, who
// then reach its participants; only users holding the facilitator role
// can be named, and a refused change changes nothing.
func TestAPIFacilitators(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		a := apiCreate(t, c, tok, apiActBody(nil))
		lead := e.user("lead@example.org", "facilitator")
		young := e.user("young@example.org", "participant")
		leadTok := e.token("lead@example.org")
		path := apiPath("/api/v1/activities/%d", a.ID)
		if r := c.api("GET", path+"/registrations", leadTok, ""); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a facilitator reached an activity they do not lead: %d", r.StatusCode)
		}
		for _, ids := range []string{fmt.Sprintf("[%d]", young.ID), fmt.Sprintf("[%d, 999]", lead.ID)} {
			r := c.api("PATCH", path, tok, `{"facilitator_ids": `+ids+`}`)
			if r.StatusCode != http.StatusUnprocessableEntity || apiErr(t, r).Fields["facilitator_ids"] == "" {
				t.Fatalf("facilitators %s: %d %s", ids, r.StatusCode, r.Body)
			}
		}
		var n int64
		e.db.Model(&activities.Facilitator{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d facilitators written by refused changes", n)
		}
		r := c.api("PATCH", path, tok, fmt.Sprintf(`{"facilitator_ids": [%d, %d]}`, lead.ID, lead.ID))
		var got api.Activity
		apiJSON(t, r, http.StatusOK, &got)
		if len(got.FacilitatorIDs) != 1 || got.FacilitatorIDs[0] != lead.ID {
			t.Fatalf("facilitator_ids %v", got.FacilitatorIDs)
		}
		if r := c.api("GET", path+"/registrations", leadTok, ""); r.StatusCode != http.StatusOK {
			t.Fatalf("the facilitator cannot reach the activity they lead: %d", r.StatusCode)
		}
		r = c.api("PATCH", path, tok, `{"facilitator_ids": []}`)
		apiJSON(t, r, http.StatusOK, &got)
		if len(got.FacilitatorIDs) != 0 {
			t.Fatalf("facilitators not removed: %v", got.FacilitatorIDs)
		}
		if r := c.api("GET", path+"/registrations", leadTok, ""); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a removed facilitator still reaches the activity: %d", r.StatusCode)
		}
	})
}

// TestFacilitatorReach: a facilitator lists and reads only the activities
// they lead, drafts included, and any other is not found; the exact seats
// per quota are not theirs, on the API (403) or the manage page; a
// facilitator who leads nothing sees nothing. Coordinators keep it all.
func TestFacilitatorReach(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		quotas := func(m map[string]any) {
			m["quotas"] = []map[string]any{{"attribute": "disability", "share": 0.2}}
		}
		led := apiCreate(t, c, tok, apiActBody(quotas)) // a draft
		other := apiCreate(t, c, tok, apiActBody(quotas))
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/publish", other.ID), tok, ""), http.StatusOK, nil)
		lead := e.user("lead@example.org", access.Facilitator)
		e.user("idle@example.org", access.Facilitator)
		apiJSON(t, c.api("PATCH", apiPath("/api/v1/activities/%d", led.ID), tok, fmt.Sprintf(`{"facilitator_ids": [%d]}`, lead.ID)), http.StatusOK, nil)
		leadTok, idleTok := e.token("lead@example.org"), e.token("idle@example.org")

		ids := func(tk string) []int64 {
			t.Helper()
			var list struct{ Items []api.Activity }
			apiJSON(t, c.api("GET", "/api/v1/activities", tk, ""), http.StatusOK, &list)
			var out []int64
			for _, a := range list.Items {
				out = append(out, a.ID)
			}
			return out
		}
		if got := ids(leadTok); len(got) != 1 || got[0] != led.ID {
			t.Errorf("the facilitator lists %v, want only %d", got, led.ID)
		}
		if got := ids(idleTok); len(got) != 0 {
			t.Errorf("a facilitator who leads nothing lists %v", got)
		}
		if got := ids(tok); len(got) != 2 {
			t.Errorf("the coordinator lists %v", got)
		}
		for _, r := range []struct {
			tok, path string
			status    int
		}{
			{leadTok, apiPath("/api/v1/activities/%d", led.ID), http.StatusOK},
			{leadTok, apiPath("/api/v1/activities/%d", other.ID), http.StatusNotFound},
			{idleTok, apiPath("/api/v1/activities/%d", led.ID), http.StatusNotFound},
			{leadTok, apiPath("/api/v1/activities/%d/registrations", other.ID), http.StatusNotFound},
			{leadTok, apiPath("/api/v1/activities/%d/quota", led.ID), http.StatusForbidden},
			{leadTok, apiPath("/api/v1/activities/%d/quota", other.ID), http.StatusForbidden},
			{tok, apiPath("/api/v1/activities/%d/quota", led.ID), http.StatusOK},
		} {
			if res := c.api("GET", r.path, r.tok, ""); res.StatusCode != r.status {
				t.Errorf("GET %s: %d, want %d", r.path, res.StatusCode, r.status)
			}
		}
		// The manage pages: the same reach, and no seats per quota.
		fc := e.client()
		fc.login("lead@example.org")
		list := fc.get("/manage/activities").Body
		if !strings.Contains(list, fmt.Sprintf(`/manage/activities/%d"`, led.ID)) || strings.Contains(list, fmt.Sprintf(`/manage/activities/%d"`, other.ID)) {
			t.Errorf("the facilitator's list of activities: %s", list)
		}
		if res := fc.get(fmt.Sprintf("/manage/activities/%d", other.ID)); res.StatusCode != http.StatusNotFound {
			t.Errorf("the facilitator opens another activity: %d", res.StatusCode)
		}
		page := fc.get(fmt.Sprintf("/manage/activities/%d", led.ID))
		if page.StatusCode != http.StatusOK || strings.Contains(page.Body, `id="quota-bars"`) || strings.Contains(page.Body, "bar-disability") {
			t.Errorf("the facilitator's page shows the seats per quota (%d)", page.StatusCode)
		}
		cc := e.client()
		cc.login("coord@example.org")
		if page := cc.get(fmt.Sprintf("/manage/activities/%d", led.ID)).Body; !strings.Contains(page, "bar-disability") {
			t.Error("the coordinator's page lacks the seats per quota")
		}
	})
}
