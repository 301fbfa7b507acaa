package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/outbox"
)

// injectedTitle would end the SUMMARY line of a calendar file for a lenient
// parser and start an ORGANIZER of the attacker's choosing.
const injectedTitle = "Camp\rORGANIZER;CN=Boss:mailto:evil@example.org"

// TestControlCharactersRefused: a title or a name holding a control
// character is a 422 naming the field, in the caller's language.
func TestControlCharactersRefused(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		fr := e.srv.Catalog.Localizer("fr")
		for _, tc := range []struct {
			name, path, body, field string
		}{
			{"title with a bare CR", "/api/v1/activities", apiActBody(func(m map[string]any) { m["title"] = map[string]string{"en": injectedTitle} }), "title"},
			{"venue with a line break", "/api/v1/activities", apiActBody(func(m map[string]any) { m["venue"] = "Uliastai\nDTSTART:2000" }), "venue"},
			{"summary with U+2028", "/api/v1/activities", apiActBody(func(m map[string]any) { m["summary"] = map[string]string{"en": "a\u2028b"} }), "summary"},
			{"person name with ESC", "/api/v1/people", `{"given_name": "Ana\u001b[2J", "email": "ana@example.org"}`, "given_name"},
			{"partner name with DEL", "/api/v1/partners", `{"name": "Council\u007f", "kind": "ngo"}`, "name"},
			{"campaign title with NEL", "/api/v1/campaigns", `{"title": {"en": "Free\u0085speech"}}`, "title"},
		} {
			res := c.api("POST", tc.path+"?lang=fr", tok, tc.body)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d %s", tc.name, res.StatusCode, res.Body)
				continue
			}
			if got := apiErr(t, res).Fields[tc.field]; got != fr.T("error_text_control") {
				t.Errorf("%s: field %s says %q", tc.name, tc.field, got)
			}
		}
		var n int64
		for _, table := range []string{"activities", "people", "partners", "campaigns"} {
			e.db.Table(table).Count(&n)
			if n != 0 {
				t.Errorf("a refused body wrote %d %s", n, table)
			}
		}
	})
}

// icsLine is the start of an iCalendar content line: a property name.
var icsLine = regexp.MustCompile(`^[A-Z][A-Z0-9-]*[;:]`)

// TestStoredControlCharactersNeverWritten: a title with a bare CR that an
// older database holds reaches neither the calendar file as a second
// property nor an email subject as a second line.
func TestStoredControlCharactersNeverWritten(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("old-camp", 10)
		if err := e.db.Exec("UPDATE activity_translations SET title = ?, summary = ? WHERE activity_id = ?",
			injectedTitle, "Bring\r\nboots\u2028and\x1b a hat", a.ID).Error; err != nil {
			t.Fatal(err)
		}
		raw := e.client().get("/activities/old-camp.ics").Body
		if strings.Contains(strings.ReplaceAll(raw, "\r\n", ""), "\r") || strings.Contains(strings.ReplaceAll(raw, "\r\n", ""), "\n") {
			t.Errorf("the calendar file has a bare line break: %q", raw)
		}
		for _, line := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
			if !strings.HasPrefix(line, " ") && !icsLine.MatchString(line) {
				t.Errorf("a line of the calendar file is no property: %q", line)
			}
			if strings.ContainsAny(line, "\x1b\u2028") {
				t.Errorf("a control character in %q", line)
			}
		}
		cal, err := ics.ParseCalendar(strings.NewReader(raw))
		if err != nil || len(cal.Events()) != 1 {
			t.Fatalf("the calendar file does not parse: %v", err)
		}
		ev := cal.Events()[0]
		if p := ev.GetProperty(ics.ComponentPropertyOrganizer); p != nil {
			t.Errorf("an injected ORGANIZER: %+v", p)
		}
		if p := ev.GetProperty(ics.ComponentPropertySummary); p == nil || p.Value != "Camp ORGANIZER;CN=Boss:mailto:evil@example.org" {
			t.Errorf("summary %+v", p)
		}

		// A registration's notice carries the title in its subject.
		anon := e.client()
		anon.get("/activities/old-camp/register")
		if res := anon.submitRegistration("old-camp", registrationForm("saraa@example.org", "rural")); res.StatusCode != http.StatusOK {
			t.Fatalf("register: %d", res.StatusCode)
		}
		var msgs []outbox.Message
		if err := e.db.Order("id").Find(&msgs).Error; err != nil || len(msgs) != 2 {
			t.Fatalf("%d notices (the form's link, the place): %v", len(msgs), err)
		}
		for _, m := range msgs {
			if s := m.Subject; strings.ContainsAny(s, "\r\n") || !strings.Contains(s, "Camp ORGANIZER") {
				t.Errorf("%s subject %q", m.Kind, s)
			}
		}
	})
}

// badTexts are what PostgreSQL refuses to store.
var badTexts = map[string]string{"NUL": "Sa\x00raa", "invalid UTF-8": "Sa\xffraa"}

// badTextMsg is the message id that answers each of badTexts.
var badTextMsg = map[string]string{"NUL": "error_text_control", "invalid UTF-8": "error_text_encoding"}

// rawJSON is body with the string placeholder replaced by bad, byte for
// byte: encoding/json would turn invalid UTF-8 into U+FFFD and NUL into
// its escape, which is what a client may send too.
func rawJSON(body, placeholder, bad string) string {
	if bad == badTexts["NUL"] {
		bad = `Sa\u0000raa`
	}
	return strings.Replace(body, placeholder, bad, 1)
}

// TestPublicFormsRefuseNULAndInvalidUTF8: the registration form, the public
// registration API and the petition signature (form and API) answer 422
// to text PostgreSQL cannot store, and write nothing.
func TestPublicFormsRefuseNULAndInvalidUTF8(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("open-camp", 10)
		e.newPetition(e.petitionCampaign("Free expression", "expression"), "free-them", 1000)
		tally := func() [5]int64 {
			var out [5]int64
			for i, table := range []string{"people", "registrations", "signatures", "outbox", "person_tags"} {
				e.db.Table(table).Count(&out[i])
			}
			return out
		}
		before := tally()
		c := e.client()
		fr := e.srv.Catalog.Localizer("fr")
		for what, bad := range badTexts {
			for _, field := range []string{"given_name", "family_name"} {
				c.get("/activities/open-camp/register?lang=fr")
				vals := registrationForm("saraa@example.org", "rural")
				vals.Set(field, bad)
				res := c.postForm("/activities/open-camp/register", vals)
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.Body), fr.T(badTextMsg[what])) {
					t.Errorf("registration form, %s in %s: %d", what, field, res.StatusCode)
				}
				c.get("/p/free-them")
				vals = petitionForm("saraa@example.org")
				vals.Set(field, bad)
				if res := c.postForm("/p/free-them", vals); res.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("petition form, %s in %s: %d", what, field, res.StatusCode)
				}
			}
			for _, tc := range []struct{ name, path, body string }{
				{"registration API", apiPath("/api/v1/activities/%d/registrations", a.ID), registrantJSON("BAD", "saraa@example.org", "rural", 2006, nil)},
				{"signature API", "/api/v1/petitions/free-them/signatures", signatureJSON("saraa@example.org", func(m map[string]any) { m["family_name"] = "BAD" })},
			} {
				res := c.api("POST", tc.path+"?lang=fr", "", rawJSON(tc.body, "BAD", bad))
				if res.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("%s, %s: %d %s", tc.name, what, res.StatusCode, res.Body)
					continue
				}
				field := "given_name"
				if strings.Contains(tc.path, "signatures") {
					field = "family_name"
				}
				if b := apiErr(t, res); b.Code != "validation_failed" || len(b.Fields) != 1 || b.Fields[field] != fr.T(badTextMsg[what]) {
					t.Errorf("%s, %s: %+v", tc.name, what, b)
				}
			}
		}
		if after := tally(); after != before {
			t.Fatalf("refused forms wrote: %v, then %v", before, after)
		}
	})
}

// TestNoTextIsA500: NUL or invalid UTF-8 anywhere a user types (a search,
// a filter, the login, a profile, a saved segment, a partner) is a 422,
// never a server error.
func TestNoTextIsA500(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("admin@example.org", access.Admin)
		tok := e.token("admin@example.org")
		staff := e.client()
		staff.login("admin@example.org")
		for what, bad := range badTexts {
			q := url.QueryEscape(bad)
			c := e.client()
			for _, tc := range []struct{ name, method, path, body string }{
				{"people search", "GET", "/api/v1/people?q=" + q, ""},
				{"audit filter", "GET", "/api/v1/audit?action=" + q, ""},
				{"segment query", "POST", "/api/v1/segments", `{"name": "Rural ` + what + `", "query": "q=` + q + `"}`},
				{"segment name", "POST", "/api/v1/segments", rawJSON(`{"name": "BAD", "query": "locality=rural"}`, "BAD", bad)},
				{"profile", "PATCH", "/api/v1/me", rawJSON(`{"display_name": "BAD"}`, "BAD", bad)},
				{"partner", "POST", "/api/v1/partners", rawJSON(`{"name": "BAD", "kind": "ngo"}`, "BAD", bad)},
				{"note tags", "POST", "/api/v1/campaigns", rawJSON(`{"title": {"en": "Free"}, "tags": ["BAD"]}`, "BAD", bad)},
			} {
				if res := c.api(tc.method, tc.path, tok, tc.body); res.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("%s, %s: %d %s", tc.name, what, res.StatusCode, res.Body)
				}
			}
			for _, path := range []string{"/activities?region=" + q, "/manage/audit?actor=" + q, "/manage/people?q=" + q} {
				if res := staff.get(path); res.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("%s, %s: %d", path, what, res.StatusCode)
				}
			}
			c.get("/login")
			if res := c.postForm("/login", url.Values{"email": {"a" + bad + "@example.org"}, "password": {"x"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("login, %s: %d", what, res.StatusCode)
			}
		}
		// A session cookie no row can have is no session, not an error
		// (net/http would clean the value of a cookie: the header is raw).
		req := httpRequest(http.MethodGet, "/account", "", "")
		req.Header.Set("Cookie", "gotong_session=Sa\xffraa")
		if res, err := e.app.Test(req, -1); err != nil || res.StatusCode != http.StatusSeeOther {
			t.Errorf("a session cookie with invalid UTF-8: %v %v", res.StatusCode, err)
		}
	})
}
