package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/segments"
	"github.com/gotong/gotong/app/web/api"
)

// TestAPIPeople: staff list a segment of people a page at a time; a bad
// filter is a 422 in the request's language; nobody else reads people.
func TestAPIPeople(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		now := time.Now().UTC()
		for i, p := range []struct{ name, locality string }{{"Saraa", "rural"}, {"Bat", "urban"}, {"Dewi", "rural"}, {"Camille", "rural"}, {"Oyun", "rural"}} {
			if err := e.db.Exec(`INSERT INTO people (given_name, email, locality, birth_year, volunteer, created_at, updated_at)
				VALUES (?, ?, ?, 2004, ?, ?, ?)`, p.name, strings.ToLower(p.name)+"@example.org", p.locality, i%2 == 0, now, now).Error; err != nil {
				t.Fatal(err)
			}
		}
		if _, err := people.IndexPending(context.Background(), e.db); err != nil { // rows written in SQL
			t.Fatal(err)
		}
		c, tok := apiStaff(e)
		type page struct {
			Items      []api.Person
			NextCursor *string `json:"next_cursor"`
		}
		var names []string
		path := "/api/v1/people?locality=rural&limit=2"
		for pages := 0; ; pages++ {
			var p page
			apiJSON(t, c.api("GET", path, tok, ""), http.StatusOK, &p)
			for _, it := range p.Items {
				names = append(names, it.GivenName)
			}
			if p.NextCursor == nil {
				break
			}
			if pages > 3 {
				t.Fatal("paging does not end")
			}
			path = "/api/v1/people?locality=rural&limit=2&cursor=" + *p.NextCursor
		}
		if strings.Join(names, " ") != "Saraa Dewi Camille Oyun" {
			t.Fatalf("rural people, page by page: %v", names)
		}
		var one page
		apiJSON(t, c.api("GET", "/api/v1/people?q=dew&volunteer=true", tok, ""), http.StatusOK, &one)
		if len(one.Items) != 1 || one.Items[0].Email != "dewi@example.org" || one.Items[0].Tags == nil || one.NextCursor != nil {
			t.Fatalf("search: %+v", one)
		}
		for query, field := range map[string]string{
			"colour=red": "colour", "age_min=30&age_max=16": "age_max", "limit=0": "limit", "limit=501": "limit",
			"cursor=abc": "cursor", "volunteer=maybe": "volunteer", "region=XX-1": "region",
		} {
			res := c.api("GET", "/api/v1/people?lang=fr&"+query, tok, "")
			body := apiErr(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity || body.Fields[field] == "" || body.Code != "validation_failed" {
				t.Errorf("%s: %d %+v", query, res.StatusCode, body)
			}
		}
		if res := c.api("GET", "/api/v1/people?age_min=30&age_max=16&lang=fr", tok, ""); !strings.Contains(apiErr(t, res).Fields["age_max"], "âge") {
			t.Errorf("the upside-down range is not told in French: %+v", apiErr(t, res))
		}
		for _, role := range []string{access.Facilitator, access.Partner, access.Participant} {
			email := role + "@example.org"
			e.user(email, role)
			if res := c.api("GET", "/api/v1/people", e.token(email), ""); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s lists people: %d", role, res.StatusCode)
			}
		}
		if res := c.api("GET", "/api/v1/people", "", ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous lists people: %d", res.StatusCode)
		}
	})
}

// TestAPIPeopleExport: a segment as CSV, Cyrillic intact, formulas
// neutralised, no sensitive attribute, and the export audited.
func TestAPIPeopleExport(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("export-camp", 10)
		anon := e.client()
		anon.get("/activities/export-camp/register")
		for _, p := range []struct{ given, email, locality string }{
			{"Болормаа", "bolor@example.org", "rural"}, {"=HYPERLINK(\"http://evil\")", "evil@example.org", "rural"}, {"Bat", "bat@example.org", "urban"},
		} {
			vals := registrationForm(p.email, p.locality)
			vals.Set("given_name", p.given)
			vals.Set("disability", "yes")
			vals.Set("accessibility_needs", "wheelchair access")
			if res := anon.submitRegistration("export-camp", vals); res.StatusCode != http.StatusOK {
				t.Fatalf("register %s: %d", p.email, res.StatusCode)
			}
		}
		c, tok := apiStaff(e)
		res := c.api("GET", "/api/v1/people/export?locality=rural", tok, "")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("export: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\ufeff")))
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(segments.ExportHeader, ",") {
			t.Fatalf("rows %v", rows)
		}
		if rows[1][1] != "Болормаа" || rows[2][1] != `'=HYPERLINK("http://evil")` || rows[1][7] != "rural" {
			t.Fatalf("cells %v", rows[1:])
		}
		for _, leak := range []string{"wheelchair", "disability", "yes"} {
			if strings.Contains(res.Body, leak) {
				t.Errorf("the export holds %q", leak)
			}
		}
		var n int64
		e.db.Raw("SELECT COUNT(*) FROM audit_log WHERE action = 'people.export'").Scan(&n)
		if n != 1 {
			t.Fatalf("%d audit entries for the export", n)
		}
		if res := c.api("GET", "/api/v1/people/export?colour=red", tok, ""); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("unknown filter: %d", res.StatusCode)
		}
		e.user("fac@example.org", access.Facilitator)
		if res := c.api("GET", "/api/v1/people/export", e.token("fac@example.org"), ""); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a facilitator exports: %d", res.StatusCode)
		}
	})
}

// TestAPIPeopleMatch: a pasted list against the supporters.
func TestAPIPeopleMatch(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		now := time.Now().UTC()
		if err := e.db.Exec("INSERT INTO people (given_name, email, handle, created_at, updated_at) VALUES ('Saraa', 'saraa@example.org', '@saraa', ?, ?)", now, now).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := people.IndexPending(context.Background(), e.db); err != nil {
			t.Fatal(err)
		}
		c, tok := apiStaff(e)
		res := c.api("POST", "/api/v1/people/match", tok, `{"emails": ["Saraa@Example.org", "new@example.org"], "handles": ["SARAA", "@someone"]}`)
		if res.StatusCode != http.StatusOK || res.Body != `{"matched":2,"unmatched":2,"unmatched_values":["new@example.org","@someone"]}` {
			t.Fatalf("match: %d %s", res.StatusCode, res.Body)
		}
		too := `{"handles": [` + strings.Repeat(`"x",`, people.MaxMatchValues) + `"x"]}`
		if res := c.api("POST", "/api/v1/people/match?lang=fr", tok, too); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(apiErr(t, res).Fields["emails"], "50") {
			t.Fatalf("too many: %d", res.StatusCode)
		}
		if res := c.api("POST", "/api/v1/people/match", tok, `{"emails": "x"}`); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("malformed: %d", res.StatusCode)
		}
		e.user("partner@example.org", access.Partner)
		if res := c.api("POST", "/api/v1/people/match", e.token("partner@example.org"), `{"emails": ["saraa@example.org"]}`); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a partner matches: %d", res.StatusCode)
		}
	})
}
