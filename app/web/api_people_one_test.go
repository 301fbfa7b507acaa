package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/segments"
	"github.com/gotong/gotong/app/web/api"
)

// peopleTally is a fingerprint of what the people routes may write.
func (e *env) peopleTally() string {
	e.t.Helper()
	var parts []string
	for _, table := range []string{"people", "person_tags", "tags", "person_consents", "saved_segments", "audit_log"} {
		var n int64
		if err := e.db.Table(table).Count(&n).Error; err != nil {
			e.t.Fatal(err)
		}
		parts = append(parts, strconv.FormatInt(n, 10))
	}
	var list []people.Person
	if err := e.db.Order("id").Find(&list).Error; err != nil {
		e.t.Fatal(err)
	}
	b, err := json.Marshal(list)
	if err != nil {
		e.t.Fatal(err)
	}
	return strings.Join(parts, " ") + " " + string(b)
}

// msg is a message of the catalog in lang, which must differ from the
// English one when lang is not English, so a test proves the translation.
func (e *env) msg(lang, id string, args ...any) string {
	e.t.Helper()
	s := e.srv.Catalog.Localizer(lang).T(id, args...)
	if s == id || (lang != "en" && s == e.srv.Catalog.Localizer("en").T(id, args...)) {
		e.t.Fatalf("%s has no %s translation", id, lang)
	}
	return s
}

// TestAPIPersonRoundTrip: staff create a person, read it, change a field
// and keep the rest, record consent withdrawn and given, and send a GET
// body back as it is.
func TestAPIPersonRoundTrip(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		res := c.api("POST", "/api/v1/people", tok, `{"given_name": "Сараа", "family_name": "Болд", "email": "Saraa@Example.org",
			"phone": "+976 11 32 45 67", "birth_year": 2004, "region": "MN-057", "locality": "rural", "locale": "mn",
			"handle": "saraa", "volunteer": true, "tags": ["Privacy", "LGBTI-rights"], "consent": true}`)
		var p api.PersonFull
		apiJSON(t, res, http.StatusCreated, &p)
		path := api.PersonPath(p.ID)
		if res.Header.Get("Location") != path || p.Email != "saraa@example.org" || p.Handle != "@saraa" || !p.Consent ||
			!slices.Equal(p.Tags, []string{"lgbti-rights", "privacy"}) || len(p.Consents) != 1 || p.Consents[0].Source != "staff" {
			t.Fatalf("created %s: %+v", res.Header.Get("Location"), p)
		}
		apiWantKeys(t, "Person", json.RawMessage(c.api("GET", path, tok, "").Body), "id", "given_name", "family_name", "email", "phone", "birth_year", "region",
			"locality", "locale", "handle", "volunteer", "tags", "consent", "news", "consents")

		// PATCH: the fields left out keep their values.
		var patched api.PersonFull
		apiJSON(t, c.api("PATCH", path, tok, `{"family_name": "Bold", "tags": ["privacy", "climate"]}`), http.StatusOK, &patched)
		want := p
		want.FamilyName, want.Tags = "Bold", []string{"climate", "privacy"}
		if !samePerson(patched.Person, want.Person) || !patched.Consent {
			t.Fatalf("patched %+v, want %+v", patched.Person, want.Person)
		}
		// A GET body sent back changes nothing, and is audited as nothing.
		get := c.api("GET", path, tok, "")
		before := e.peopleTally()
		apiJSON(t, c.api("PATCH", path, tok, get.Body), http.StatusOK, &patched)
		if e.peopleTally() != before {
			t.Fatal("sending the GET body back wrote something")
		}
		// Clearing a field takes null or "".
		apiJSON(t, c.api("PATCH", path, tok, `{"birth_year": null, "phone": ""}`), http.StatusOK, &patched)
		if patched.BirthYear != nil || patched.Phone != "" || patched.Region != "MN-057" {
			t.Fatalf("cleared %+v", patched.Person)
		}
		// Consent withdrawn, then given again.
		apiJSON(t, c.api("PATCH", path, tok, `{"consent": false}`), http.StatusOK, &patched)
		if patched.Consent || len(patched.Consents) != 2 || patched.Consents[0].Given {
			t.Fatalf("withdrawn: %+v", patched)
		}
		apiJSON(t, c.api("PATCH", path, tok, `{"consent": true, "volunteer": false}`), http.StatusOK, &patched)
		if !patched.Consent || len(patched.Consents) != 3 || patched.Volunteer {
			t.Fatalf("given again: %+v", patched)
		}
		var details []string
		e.db.Raw("SELECT details FROM audit_log WHERE action = 'person.update' ORDER BY id").Scan(&details)
		if !slices.Equal(details, []string{`{"fields":["family_name","tags"]}`, `{"fields":["phone","birth_year"]}`, `{"fields":["volunteer"]}`}) {
			t.Fatalf("audit of the updates: %v", details)
		}

		// The count of a segment, as the list asks.
		var n map[string]int64
		apiJSON(t, c.api("GET", "/api/v1/people/count?tag=privacy&locality=rural", tok, ""), http.StatusOK, &n)
		if n["count"] != 1 {
			t.Fatalf("count %v", n)
		}
		apiJSON(t, c.api("GET", "/api/v1/people/count?tag=lgbti-rights", tok, ""), http.StatusOK, &n)
		if n["count"] != 0 {
			t.Fatalf("a tag taken off still counts: %v", n)
		}
	})
}

// samePerson compares two API people.
func samePerson(a, b api.Person) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestAPIPeopleBadInput: every new people and segment route answers bad
// input with its status, the field and the message in the request's
// language, and writes nothing.
func TestAPIPeopleBadInput(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		var saraa, bat api.PersonFull
		apiJSON(t, c.api("POST", "/api/v1/people", tok, `{"given_name": "Saraa", "email": "saraa@example.org"}`), http.StatusCreated, &saraa)
		apiJSON(t, c.api("POST", "/api/v1/people", tok, `{"given_name": "Bat", "email": "bat@example.org"}`), http.StatusCreated, &bat)
		var seg api.Segment
		apiJSON(t, c.api("POST", "/api/v1/segments", tok, `{"name": "Rural", "query": "locality=rural"}`), http.StatusCreated, &seg)
		if seg.Query != "locality=rural" || seg.Count == nil || *seg.Count != 0 {
			t.Fatalf("segment %+v", seg)
		}
		batPath := api.PersonPath(bat.ID)
		year := fmt.Sprint(people.MinBirthYear - 1)
		for _, tc := range []struct {
			name, method, path, body, lang string
			status                         int
			field, id                      string
			args                           []any
		}{
			{"no given name", "POST", "/api/v1/people", `{"email": "x@example.org"}`, "fr", 422, "given_name", "error_required", nil},
			{"bad email", "POST", "/api/v1/people", `{"given_name": "X", "email": "x@"}`, "mn", 422, "email", "error_email_invalid", nil},
			{"email taken, other case", "POST", "/api/v1/people", `{"given_name": "X", "email": "SARAA@example.org", "tags": ["new"]}`, "fr", 409, "email", "error_person_email_taken", nil},
			{"birth year", "POST", "/api/v1/people", `{"given_name": "X", "birth_year": ` + year + `}`, "id", 422, "birth_year", "error_birth_year", []any{"Min", people.MinBirthYear, "Max", 2026}},
			{"region", "POST", "/api/v1/people", `{"given_name": "X", "region": "XX-1"}`, "fr", 422, "region", "error_region_unknown", nil},
			{"locality", "POST", "/api/v1/people", `{"given_name": "X", "locality": "suburban"}`, "fr", 422, "locality", "error_locality", nil},
			{"locale", "POST", "/api/v1/people", `{"given_name": "X", "locale": "de"}`, "mn", 422, "locale", "error_locale_unknown", nil},
			{"tag", "POST", "/api/v1/people", `{"given_name": "X", "tags": ["a,b"]}`, "fr", 422, "tags", "error_tag_invalid", nil},
			{"phone", "POST", "/api/v1/people", `{"given_name": "X", "phone": "call me"}`, "id", 422, "phone", "error_phone_invalid", nil},
			{"unknown field", "POST", "/api/v1/people", `{"given_name": "X", "colour": "red"}`, "fr", 400, "", "error_json_malformed", nil},
			{"not JSON", "POST", "/api/v1/people", `{"given_name":`, "fr", 400, "", "error_json_malformed", nil},
			{"consent not a boolean", "POST", "/api/v1/people", `{"given_name": "X", "consent": "yes"}`, "fr", 400, "", "error_json_malformed", nil},
			{"PATCH to a taken email", "PATCH", batPath, `{"email": "Saraa@Example.org", "family_name": "Changed"}`, "fr", 409, "email", "error_person_email_taken", nil},
			{"PATCH an empty name", "PATCH", batPath, `{"given_name": " ", "family_name": "Changed"}`, "mn", 422, "given_name", "error_required", nil},
			{"PATCH a bad handle", "PATCH", batPath, `{"handle": "@@", "consent": true}`, "fr", 422, "handle", "error_handle_invalid", []any{"Max", people.MaxHandleRunes}},
			{"PATCH nobody", "PATCH", api.PersonPath(99999), `{"given_name": "X"}`, "fr", 404, "", "error_not_found", nil},
			{"GET nobody", "GET", api.PersonPath(99999), ``, "id", 404, "", "error_not_found", nil},
			{"count with an unknown filter", "GET", "/api/v1/people/count?colour=red", ``, "fr", 422, "colour", "error_filter_unknown", nil},
			{"count upside down", "GET", "/api/v1/people/count?age_min=30&age_max=16", ``, "mn", 422, "age_max", "error_age_order", nil},
			{"count with a cursor", "GET", "/api/v1/people/count?cursor=5", ``, "fr", 422, "cursor", "error_filter_unknown", nil},
			{"segment without name", "POST", "/api/v1/segments", `{"name": " ", "query": "locality=rural"}`, "fr", 422, "name", "error_required", nil},
			{"segment name too long", "POST", "/api/v1/segments", `{"name": "` + strings.Repeat("я", segments.MaxNameRunes+1) + `", "query": ""}`, "mn", 422, "name", "error_too_long", []any{"Max", segments.MaxNameRunes}},
			{"segment name taken, other case", "POST", "/api/v1/segments", `{"name": "RURAL", "query": "locality=urban"}`, "fr", 409, "name", "error_segment_name_taken", nil},
			{"segment query unknown filter", "POST", "/api/v1/segments", `{"name": "New", "query": "colour=red"}`, "fr", 422, "query", "error_filter_unknown", nil},
			{"segment query unreadable", "POST", "/api/v1/segments", `{"name": "New", "query": "%zz"}`, "id", 422, "query", "error_segment_query", nil},
			{"segment query with a bad value", "POST", "/api/v1/segments", `{"name": "New", "query": "volunteer=maybe"}`, "fr", 422, "query", "error_filter_boolean", nil},
			{"segment unknown field", "POST", "/api/v1/segments", `{"name": "New", "query": "", "count": 3}`, "fr", 400, "", "error_json_malformed", nil},
			{"delete no segment", "DELETE", "/api/v1/segments/99999", ``, "fr", 404, "", "error_not_found", nil},
			{"person id not a number", "GET", "/api/v1/people/abc", ``, "fr", 404, "", "error_not_found", nil},
		} {
			before := e.peopleTally()
			res := c.api(tc.method, withLang(tc.path, tc.lang), tok, tc.body)
			if res.StatusCode != tc.status {
				t.Errorf("%s: %d, want %d: %s", tc.name, res.StatusCode, tc.status, res.Body)
				continue
			}
			body := apiErr(t, res)
			got := body.Message
			if tc.field != "" {
				got = body.Fields[tc.field]
			}
			if want := e.msg(tc.lang, tc.id, tc.args...); tc.id == "error_birth_year" {
				if !strings.Contains(got, fmt.Sprint(people.MinBirthYear)) || got == e.srv.Catalog.Localizer("en").T(tc.id, tc.args...) {
					t.Errorf("%s: %q", tc.name, got)
				}
			} else if got != want {
				t.Errorf("%s: %q, want %q (%+v)", tc.name, got, want, body)
			}
			if after := e.peopleTally(); after != before {
				t.Errorf("%s wrote: %s, then %s", tc.name, before, after)
			}
		}
	})
}

// withLang adds ?lang= (or &lang=) to a path.
func withLang(path, lang string) string {
	if strings.Contains(path, "?") {
		return path + "&lang=" + lang
	}
	return path + "?lang=" + lang
}

// TestAPISegments: saved segments listed with their counts, a duplicate in
// other letter case refused, deleted; only staff reach them.
func TestAPISegments(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		for _, body := range []string{
			`{"given_name": "Saraa", "locality": "rural", "volunteer": true, "tags": ["privacy"]}`,
			`{"given_name": "Dewi", "locality": "rural", "volunteer": true, "tags": ["climate"]}`,
			`{"given_name": "Bat", "locality": "urban", "volunteer": true, "tags": ["privacy"]}`,
		} {
			apiJSON(t, c.api("POST", "/api/v1/people", tok, body), http.StatusCreated, nil)
		}
		var rural, all api.Segment
		apiJSON(t, c.api("POST", "/api/v1/segments", tok, `{"name": "Rural privacy volunteers", "query": "?volunteer=yes&tag=Privacy&locality=rural"}`), http.StatusCreated, &rural)
		apiJSON(t, c.api("POST", "/api/v1/segments", tok, `{"name": "Волонтёры", "query": ""}`), http.StatusCreated, &all)
		if rural.Query != "locality=rural&tag=privacy&volunteer=true" || *rural.Count != 1 || *all.Count != 3 {
			t.Fatalf("saved %+v and %+v", rural, all)
		}
		res := c.api("POST", "/api/v1/segments?lang=fr", tok, `{"name": "ВОЛОНТЁРЫ", "query": "locality=rural"}`)
		if res.StatusCode != http.StatusConflict || apiErr(t, res).Fields["name"] != e.msg("fr", "error_segment_name_taken") {
			t.Fatalf("a Cyrillic name in other case: %d %s", res.StatusCode, res.Body)
		}
		var list struct{ Items []api.Segment }
		apiJSON(t, c.api("GET", "/api/v1/segments", tok, ""), http.StatusOK, &list)
		if len(list.Items) != 2 || list.Items[0].ID != rural.ID || *list.Items[0].Count != 1 || list.Items[1].Name != "Волонтёры" || *list.Items[1].Count != 3 {
			t.Fatalf("list %+v", list)
		}
		// A saved segment counts the people of now.
		apiJSON(t, c.api("POST", "/api/v1/people", tok, `{"given_name": "Oyun", "locality": "rural", "volunteer": true, "tags": ["privacy", "climate"]}`), http.StatusCreated, nil)
		apiJSON(t, c.api("GET", "/api/v1/segments", tok, ""), http.StatusOK, &list)
		if *list.Items[0].Count != 2 || *list.Items[1].Count != 4 {
			t.Fatalf("counts after a new person: %+v", list)
		}
		e.user("fac@example.org", access.Facilitator)
		facTok := e.token("fac@example.org")
		for _, r := range []struct{ method, path, body string }{
			{"GET", "/api/v1/segments", ""}, {"POST", "/api/v1/segments", `{"name": "Mine", "query": ""}`},
			{"DELETE", "/api/v1/segments/" + itoa(rural.ID), ""}, {"GET", "/api/v1/people/count", ""},
			{"POST", "/api/v1/people", `{"given_name": "X"}`},
		} {
			if res := c.api(r.method, r.path, facTok, r.body); res.StatusCode != http.StatusForbidden {
				t.Errorf("a facilitator %s %s: %d", r.method, r.path, res.StatusCode)
			}
		}
		if res := c.api("DELETE", "/api/v1/segments/"+itoa(rural.ID), tok, ""); res.StatusCode != http.StatusNoContent {
			t.Fatalf("delete: %d %s", res.StatusCode, res.Body)
		}
		apiJSON(t, c.api("GET", "/api/v1/segments", tok, ""), http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].ID != all.ID {
			t.Fatalf("after delete: %+v", list)
		}
		var audited int64
		e.db.Raw("SELECT COUNT(*) FROM audit_log WHERE action IN ('segment.create', 'segment.delete')").Scan(&audited)
		if audited != 3 {
			t.Fatalf("%d audit entries for segments, want 3", audited)
		}
	})
}

// TestAPIPeopleExportSensitive: only an admin exports the sensitive
// attributes, and that export is audited as such; without the flag nobody
// gets them.
func TestAPIPeopleExportSensitive(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("sens-camp", 10)
		anon := e.client()
		anon.get("/activities/sens-camp/register")
		vals := registrationForm("bolor@example.org", "rural")
		vals.Set("given_name", "Болормаа")
		vals.Set("disability", "yes")
		vals.Set("accessibility_needs", "=wheelchair access")
		if res := anon.submitRegistration("sens-camp", vals); res.StatusCode != http.StatusOK {
			t.Fatalf("register: %d", res.StatusCode)
		}
		if res := anon.submitRegistration("sens-camp", registrationForm("bat@example.org", "urban")); res.StatusCode != http.StatusOK {
			t.Fatalf("register: %d", res.StatusCode)
		}
		c, coordTok := apiStaff(e)
		e.user("admin@example.org", access.Admin)
		adminTok := e.token("admin@example.org")
		count := func(action string) int64 {
			var n int64
			e.db.Raw("SELECT COUNT(*) FROM audit_log WHERE action = ?", action).Scan(&n)
			return n
		}

		res := c.api("GET", "/api/v1/people/export?sensitive=true&lang=fr", coordTok, "")
		if res.StatusCode != http.StatusForbidden || apiErr(t, res).Message != e.msg("fr", "error_forbidden") || strings.Contains(res.Body, "wheelchair") {
			t.Fatalf("a coordinator's sensitive export: %d %s", res.StatusCode, res.Body)
		}
		if count("people.export.sensitive")+count("people.export") != 0 {
			t.Fatal("a refused export was audited as done")
		}
		res = c.api("GET", "/api/v1/people/export?sensitive=maybe", adminTok, "")
		if res.StatusCode != http.StatusUnprocessableEntity || apiErr(t, res).Fields["sensitive"] == "" {
			t.Fatalf("sensitive=maybe: %d %s", res.StatusCode, res.Body)
		}

		res = c.api("GET", "/api/v1/people/export?sensitive=true&locality=rural", adminTok, "")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("an admin's sensitive export: %d %s", res.StatusCode, res.Body)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		header := append(slices.Clone(segments.ExportHeader), "disability", "minority", "lgbti", "accessibility_needs")
		if len(rows) != 2 || !slices.Equal(rows[0], header) {
			t.Fatalf("rows %v", rows)
		}
		if got := rows[1][len(segments.ExportHeader):]; !slices.Equal(got, []string{"true", "", "", "'=wheelchair access"}) || rows[1][1] != "Болормаа" {
			t.Fatalf("sensitive cells %v", rows[1])
		}
		var details string
		e.db.Raw("SELECT details FROM audit_log WHERE action = 'people.export.sensitive'").Scan(&details)
		if details != `{"count":1,"filters":["locality","sensitive"]}` || count("people.export") != 0 {
			t.Fatalf("audit of the sensitive export: %q, %d plain", details, count("people.export"))
		}

		// Without the flag, the admin's export is the plain one.
		res = c.api("GET", "/api/v1/people/export", adminTok, "")
		if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "wheelchair") || strings.Contains(res.Body, "disability") || count("people.export") != 1 {
			t.Fatalf("plain export by an admin: %d %s", res.StatusCode, res.Body)
		}
	})
}
