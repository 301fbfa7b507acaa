package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/web/api"
)

var (
	partnerFields     = []string{"id", "name", "kind", "region", "contact_email", "website", "description", "partnership"}
	partnershipFields = []string{"status", "started_on", "shared_goals", "notes", "history"}
)

// apiPartnerBody is a valid organisation body as a map, changed by mod, as JSON.
func apiPartnerBody(mod func(m map[string]any)) string {
	m := map[string]any{
		"name":          "Youth Council",
		"kind":          "youth_council",
		"region":        "MN-1",
		"contact_email": "Info@Council.example.org",
		"website":       "https://council.example.org",
		"description":   map[string]string{"en": "The city's youth council.", "mn": "Залуучуудын зөвлөл."},
	}
	if mod != nil {
		mod(m)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// apiCreatePartner creates an organisation as the token's user.
func apiCreatePartner(t *testing.T, c *client, tok string, mod func(m map[string]any)) api.Partner {
	t.Helper()
	var p api.Partner
	apiJSON(t, c.api("POST", "/api/v1/partners", tok, apiPartnerBody(mod)), http.StatusCreated, &p)
	return p
}

// member creates a user of organisation partnerID and returns their token.
func (e *env) member(email string, partnerID int64) string {
	e.t.Helper()
	_, err := auth.NewStore(e.db, clock.System).CreateUser(context.Background(), 0, auth.NewUser{Email: email,
		DisplayName: strings.Split(email, "@")[0], Password: testPassword, Role: access.Partner, PartnerID: partnerID})
	if err != nil {
		e.t.Fatal(err)
	}
	return e.token(email)
}

// partnerState is everything a partner request could write, to compare
// before and after a refusal.
func (e *env) partnerState() string {
	e.t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT id, name, kind, region, contact_email, website FROM partners ORDER BY id",
		"SELECT partner_id, locale, description FROM partner_descriptions ORDER BY partner_id, locale",
		"SELECT partner_id, status, started_on, shared_goals, notes FROM partnerships ORDER BY partner_id",
		"SELECT COUNT(*) FROM partnership_changes",
		"SELECT activity_id, partner_id FROM activity_partners ORDER BY activity_id, partner_id",
		"SELECT COUNT(*) FROM activities",
		"SELECT COUNT(*) FROM users",
		"SELECT COUNT(*) FROM audit_log",
	} {
		var rows []map[string]any
		if err := e.db.Raw(q).Scan(&rows).Error; err != nil {
			e.t.Fatal(err)
		}
		fmt.Fprintln(&b, rows)
	}
	return b.String()
}

func TestAPIPartnersRoundTrip(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		res := c.api("POST", "/api/v1/partners", tok, apiPartnerBody(nil))
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		apiWantKeys(t, "Partner", json.RawMessage(res.Body), partnerFields...)
		var raw map[string]json.RawMessage
		_ = json.Unmarshal([]byte(res.Body), &raw)
		apiWantKeys(t, "partnership", raw["partnership"], partnershipFields...)
		today := civil.Of(time.Now().UTC()).String()
		for field, want := range map[string]string{
			"name":          `"Youth Council"`,
			"kind":          `"youth_council"`,
			"region":        `"MN-1"`,
			"contact_email": `"info@council.example.org"`,
			"website":       `"https://council.example.org"`,
			"description":   `{"en":"The city's youth council.","mn":"Залуучуудын зөвлөл."}`,
			"partnership": `{"status":"prospective","started_on":null,"shared_goals":"","notes":"",` +
				`"history":[{"status":"prospective","changed_on":"` + today + `"}]}`,
		} {
			if got := string(raw[field]); got != want {
				t.Errorf("%s = %s, want %s", field, got, want)
			}
		}
		var created api.Partner
		_ = json.Unmarshal([]byte(res.Body), &created)
		path := apiPath("/api/v1/partners/%d", created.ID)

		// Get returns what create did, and a GET body sent back changes nothing.
		var got api.Partner
		apiJSON(t, c.api("GET", path, tok, ""), http.StatusOK, &got)
		if !reflect.DeepEqual(got, created) {
			t.Fatalf("get:\n%+v\nwant\n%+v", got, created)
		}
		var same api.Partner
		apiJSON(t, c.api("PATCH", path, tok, c.api("GET", path, tok, "").Body), http.StatusOK, &same)
		if !reflect.DeepEqual(same, created) {
			t.Fatalf("round-trip patch changed the organisation:\n%+v\n%+v", same, created)
		}

		// A partial PATCH changes only what it names.
		var patched api.Partner
		apiJSON(t, c.api("PATCH", path, tok, `{"website": "", "description": {"fr": "Le conseil.", "mn": ""}}`), http.StatusOK, &patched)
		want := created
		want.Website, want.Description = "", map[string]string{"en": "The city's youth council.", "fr": "Le conseil."}
		if !reflect.DeepEqual(patched, want) {
			t.Fatalf("partial patch:\n%+v\nwant\n%+v", patched, want)
		}

		// The partnership changes on its own endpoint.
		began := civil.Of(time.Now().UTC()).String()
		var active api.Partner
		apiJSON(t, c.api("PUT", path+"/partnership", tok, `{"status": "active", "changed_on": "`+began+`", "shared_goals": "Digital rights", "notes": "Call in June"}`),
			http.StatusOK, &active)
		ps := active.Partnership
		if ps.Status != "active" || ps.StartedOn.String() != began || ps.SharedGoals != "Digital rights" || ps.Notes == nil || *ps.Notes != "Call in June" ||
			len(ps.History) != 2 || ps.History[1].Status != "active" {
			t.Fatalf("after activation: %+v", ps)
		}
		var strengthened api.Partner
		apiJSON(t, c.api("PUT", path+"/partnership", tok, `{"status": "strengthened"}`), http.StatusOK, &strengthened)
		if strengthened.Partnership.StartedOn != ps.StartedOn || strengthened.Partnership.SharedGoals != "Digital rights" ||
			strengthened.Partnership.History[2].ChangedOn.String() != today {
			t.Fatalf("after strengthening: %+v", strengthened.Partnership)
		}

		// Lists filter by kind, region and status.
		other := apiCreatePartner(t, c, tok, func(m map[string]any) { m["name"], m["kind"], m["region"] = "Rainbow centre", "lgbti", "ID-BA" })
		list := func(query string) []int64 {
			t.Helper()
			var out struct {
				Items []api.Partner `json:"items"`
			}
			apiJSON(t, c.api("GET", "/api/v1/partners"+query, tok, ""), http.StatusOK, &out)
			ids := []int64{}
			for _, p := range out.Items {
				ids = append(ids, p.ID)
			}
			return ids
		}
		for query, want := range map[string][]int64{
			"":                                 {other.ID, created.ID}, // by name
			"?kind=lgbti":                      {other.ID},
			"?region=MN-1":                     {created.ID},
			"?status=strengthened":             {created.ID},
			"?status=prospective&kind=lgbti":   {other.ID},
			"?status=active":                   {},
			"?kind=school&lang=fr":             {},
			"?region=ID-BA&status=prospective": {other.ID},
		} {
			if got := list(query); !reflect.DeepEqual(got, want) {
				t.Errorf("list%s = %v, want %v", query, got, want)
			}
		}

		// Ids that name nothing are 404 on every route.
		for _, id := range []string{"abc", "0", "-1", "999", "9223372036854775808"} {
			for _, r := range []struct{ method, path, body string }{
				{"GET", "/api/v1/partners/" + id, ""},
				{"PATCH", "/api/v1/partners/" + id, `{"name": "x"}`},
				{"PUT", "/api/v1/partners/" + id + "/partnership", `{"status": "ended"}`},
			} {
				if res := c.api(r.method, r.path, tok, r.body); res.StatusCode != http.StatusNotFound || apiErr(t, res).Code != "not_found" {
					t.Errorf("%s %s: %d, want 404", r.method, r.path, res.StatusCode)
				}
			}
		}
	})
}

// TestAPIPartnerMember: a partner member reaches its own organisation only;
// any other is not found; it edits its profile but not its kind, and never
// sees the staff's notes.
func TestAPIPartnerMember(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		own := apiCreatePartner(t, c, tok, nil)
		other := apiCreatePartner(t, c, tok, func(m map[string]any) { m["name"] = "Other school"; m["kind"] = "school" })
		apiJSON(t, c.api("PUT", apiPath("/api/v1/partners/%d/partnership", own.ID), tok, `{"status": "active", "notes": "Staff only"}`), http.StatusOK, nil)
		mtok := e.member("member@example.org", own.ID)
		ownPath, otherPath := apiPath("/api/v1/partners/%d", own.ID), apiPath("/api/v1/partners/%d", other.ID)

		res := c.api("GET", "/api/v1/partners", mtok, "")
		var out struct {
			Items []json.RawMessage `json:"items"`
		}
		apiJSON(t, res, http.StatusOK, &out)
		if len(out.Items) != 1 || strings.Contains(res.Body, "Staff only") || strings.Contains(res.Body, "Other school") {
			t.Fatalf("member's list: %s", res.Body)
		}
		var raw map[string]json.RawMessage
		_ = json.Unmarshal(out.Items[0], &raw)
		apiWantKeys(t, "member's partnership", raw["partnership"], "status", "started_on", "shared_goals", "history")
		res = c.api("GET", ownPath, mtok, "")
		if res.StatusCode != http.StatusOK || strings.Contains(res.Body, `"notes"`) {
			t.Fatalf("member's own organisation: %d %s", res.StatusCode, res.Body)
		}

		before := e.partnerState()
		for _, r := range []struct {
			method, path, body string
			status             int
		}{
			{"GET", otherPath, "", http.StatusNotFound},
			{"PATCH", otherPath, `{"name": "Taken over"}`, http.StatusNotFound},
			{"PATCH", otherPath, `not json`, http.StatusNotFound},
			{"PATCH", ownPath, `{"kind": "ngo"}`, http.StatusForbidden},
			{"PATCH", ownPath, `{"name": "Renamed", "kind": "ngo"}`, http.StatusForbidden},
			{"POST", "/api/v1/partners", apiPartnerBody(func(m map[string]any) { m["name"] = "Mine" }), http.StatusForbidden},
			// Routes that name an object and are not the member's to use answer
			// as if the object did not exist, its own organisation included.
			{"PUT", ownPath + "/partnership", `{"status": "strengthened"}`, http.StatusNotFound},
			{"PUT", otherPath + "/partnership", `{"status": "active"}`, http.StatusNotFound},
			{"GET", "/api/v1/reports/partners", "", http.StatusForbidden},
		} {
			res := c.api(r.method, r.path, mtok, r.body)
			if res.StatusCode != r.status {
				t.Errorf("member %s %s %s: %d, want %d", r.method, r.path, r.body, res.StatusCode, r.status)
				continue
			}
			apiErr(t, res)
		}
		if after := e.partnerState(); after != before {
			t.Fatalf("refused member requests wrote:\n%s\n%s", before, after)
		}
		if msg := apiErr(t, c.api("PATCH", ownPath+"?lang=fr", mtok, `{"kind": "ngo"}`)).Message; msg != "Seule l'équipe peut changer le type d'une organisation." {
			t.Errorf("kind change refused with %q", msg)
		}

		// The member edits its own profile; the same kind may be repeated.
		var edited api.Partner
		apiJSON(t, c.api("PATCH", ownPath, mtok, `{"name": "Our youth council", "kind": "youth_council", "contact_email": "hi@ours.example.org", "description": {"id": "Dewan kami."}}`),
			http.StatusOK, &edited)
		if edited.Name != "Our youth council" || edited.ContactEmail != "hi@ours.example.org" || edited.Description["id"] != "Dewan kami." ||
			edited.Partnership.Notes != nil || edited.Partnership.Status != "active" {
			t.Fatalf("member's edit: %+v", edited)
		}
		// The member's own GET body can be sent back as it is.
		apiJSON(t, c.api("PATCH", ownPath, mtok, c.api("GET", ownPath, mtok, "").Body), http.StatusOK, nil)
		var staffView api.Partner
		apiJSON(t, c.api("GET", ownPath, tok, ""), http.StatusOK, &staffView)
		if staffView.Partnership.Notes == nil || *staffView.Partnership.Notes != "Staff only" {
			t.Fatalf("the staff lost the notes: %+v", staffView.Partnership)
		}
	})
}

// TestAPIPartnerRoles: who may use each partner route at all.
func TestAPIPartnerRoles(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		p := apiCreatePartner(t, c, tok, nil)
		tokens := map[string]string{access.Coordinator: tok, access.Partner: e.member("member@example.org", p.ID), "anonymous": ""}
		for _, role := range []string{access.Admin, access.Facilitator, access.Participant} {
			e.user(role+"@example.org", role)
			tokens[role] = e.token(role + "@example.org")
		}
		staff := []string{access.Admin, access.Coordinator}
		for _, r := range []struct {
			method, path string
			allowed      []string
		}{
			{"GET", "/api/v1/partners", append(staff, access.Partner)},
			{"GET", apiPath("/api/v1/partners/%d", p.ID), append(staff, access.Partner)},
			{"GET", "/api/v1/reports/partners", staff},
		} {
			for role, token := range tokens {
				res := c.api(r.method, r.path, token, "")
				switch {
				case slicesContains(r.allowed, role) && res.StatusCode != http.StatusOK:
					t.Errorf("%s %s as %s: %d, want 200", r.method, r.path, role, res.StatusCode)
				case !slicesContains(r.allowed, role) && role == "anonymous" && res.StatusCode != http.StatusUnauthorized:
					t.Errorf("%s %s anonymously: %d, want 401", r.method, r.path, res.StatusCode)
				case !slicesContains(r.allowed, role) && role != "anonymous" && res.StatusCode != http.StatusForbidden:
					t.Errorf("%s %s as %s: %d, want 403", r.method, r.path, role, res.StatusCode)
				}
			}
		}
		for _, role := range []string{access.Facilitator, access.Participant} {
			for _, r := range []struct{ method, path, body string }{
				{"POST", "/api/v1/partners", apiPartnerBody(func(m map[string]any) { m["name"] = "By " + role })},
				{"PATCH", apiPath("/api/v1/partners/%d", p.ID), `{"name": "x"}`},
				{"PUT", apiPath("/api/v1/partners/%d/partnership", p.ID), `{"status": "active"}`},
			} {
				if res := c.api(r.method, r.path, tokens[role], r.body); res.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s as %s: %d, want 403", r.method, r.path, role, res.StatusCode)
				}
			}
		}
		// An admin manages partners as a coordinator does.
		apiCreatePartner(t, c, tokens[access.Admin], func(m map[string]any) { m["name"] = "By the admin" })
	})
}

func slicesContains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// TestAPIPartnerBadInput: each bad input is a 4xx in API.md's shape, names
// its field, speaks the language asked for, and writes nothing.
func TestAPIPartnerBadInput(t *testing.T) {
	t.Parallel()
	today := time.Now().UTC()
	last := civil.Of(today.AddDate(0, 0, -3))
	rows := []struct {
		name, method, path, body, lang string
		status                         int
		field, msg                     string
	}{
		{"unknown kind", "POST", "/api/v1/partners", apiPartnerBody(func(m map[string]any) { m["name"], m["kind"] = "New", "club" }), "fr", 422, "kind", "error_partner_kind_unknown"},
		{"no kind", "POST", "/api/v1/partners", apiPartnerBody(func(m map[string]any) { m["name"] = "New"; delete(m, "kind") }), "mn", 422, "kind", "error_partner_kind_unknown"},
		{"bad email", "POST", "/api/v1/partners", apiPartnerBody(func(m map[string]any) { m["name"], m["contact_email"] = "New", "info@" }), "mn", 422, "contact_email", "error_email_invalid"},
		{"email with a name", "POST", "/api/v1/partners", apiPartnerBody(func(m map[string]any) { m["name"], m["contact_email"] = "New", "Info <info@new.org>" }), "fr", 422, "contact_email", "error_email_invalid"},
		{"bad website", "POST", "/api/v1/partners", apiPartnerBody(func(m map[string]any) { m["name"], m["website"] = "New", "ftp://new.example.org" }), "fr", 422, "website", "error_url"},
		{"relative website", "POST", "/api/v1/partners", apiPartnerBody(func(m map[string]any) { m["name"], m["website"] = "New", "/about" }), "mn", 422, "website", "error_url"},
		{"unknown region", "POST", "/api/v1/partners", apiPartnerBody(func(m map[string]any) { m["name"], m["region"] = "New", "MN-999" }), "mn", 422, "region", "error_region_unknown"},
		{"empty name", "POST", "/api/v1/partners", apiPartnerBody(func(m map[string]any) { m["name"] = "   " }), "fr", 422, "name", "error_required"},
		{"name too long", "POST", "/api/v1/partners", apiPartnerBody(func(m map[string]any) { m["name"] = strings.Repeat("ж", 201) }), "mn", 422, "name", "error_too_long"},
		{"duplicate name", "POST", "/api/v1/partners", apiPartnerBody(func(m map[string]any) { m["name"] = "  youth COUNCIL " }), "fr", 422, "name", "error_partner_name_taken"},
		{"duplicate name by PATCH", "PATCH", "{B}", `{"name": "YOUTH council"}`, "mn", 422, "name", "error_partner_name_taken"},
		{"unknown kind by PATCH", "PATCH", "{A}", `{"kind": "club"}`, "fr", 422, "kind", "error_partner_kind_unknown"},
		{"description in an unknown language", "PATCH", "{A}", `{"description": {"de": "Jugendrat"}}`, "mn", 422, "description", "error_locale_unknown"},
		{"id changed", "PATCH", "{A}", `{"id": 999}`, "fr", 422, "id", "error_read_only"},
		{"partnership given", "PATCH", "{A}", `{"partnership": {"status": "ended", "history": []}}`, "mn", 422, "partnership", "error_partnership_read_only"},
		{"partnership on create", "POST", "/api/v1/partners", apiPartnerBody(func(m map[string]any) { m["name"], m["partnership"] = "New", map[string]any{"status": "active"} }), "fr", 422, "partnership", "error_partnership_read_only"},
		{"unknown status", "PUT", "{A}/partnership", `{"status": "paused"}`, "fr", 422, "status", "error_partnership_status_unknown"},
		{"no status", "PUT", "{A}/partnership", `{"changed_on": "` + last.String() + `"}`, "mn", 422, "status", "error_required"},
		{"prospective again", "PUT", "{B}/partnership", `{"status": "prospective"}`, "mn", 422, "status", "error_partnership_prospective_again"},
		{"same status", "PUT", "{A}/partnership", `{"status": "active"}`, "fr", 422, "status", "error_partnership_status_same"},
		{"future date", "PUT", "{A}/partnership", `{"status": "strengthened", "changed_on": "` + civil.Of(today.AddDate(0, 0, 2)).String() + `"}`, "fr", 422, "changed_on", "error_partnership_date_future"},
		{"date before the last change", "PUT", "{A}/partnership", `{"status": "ended", "changed_on": "` + civil.Of(today.AddDate(0, 0, -4)).String() + `"}`, "mn", 422, "changed_on", "error_partnership_date_before_last"},
		{"not a date", "PUT", "{A}/partnership", `{"status": "ended", "changed_on": "2026-02-30"}`, "fr", 422, "changed_on", "error_date"},
		{"goals too long", "PUT", "{A}/partnership", `{"shared_goals": "` + strings.Repeat("x", partners.MaxSharedGoals+1) + `"}`, "mn", 422, "shared_goals", "error_too_long"},
		{"unknown partner in a new activity", "POST", "/api/v1/activities", apiActBody(func(m map[string]any) { m["partner_ids"] = []string{"{A}", "999"} }), "fr", 422, "partner_ids", "error_partner_unknown"},
		{"unknown partner in an activity", "PATCH", "{X}", `{"partner_ids": [999], "venue": "Elsewhere"}`, "mn", 422, "partner_ids", "error_partner_unknown"},
		{"malformed JSON", "POST", "/api/v1/partners", `{"name": "New", "kind":`, "fr", 400, "", "error_json_malformed"},
		{"unknown JSON field", "POST", "/api/v1/partners", `{"name": "New", "kind": "ngo", "colour": "red"}`, "mn", 400, "", "error_json_malformed"},
		{"wrong JSON type", "PATCH", "{A}", `{"name": 5}`, "fr", 400, "", "error_json_malformed"},
		{"unknown field of a partnership", "PUT", "{A}/partnership", `{"status": "ended", "reason": "funding"}`, "mn", 400, "", "error_json_malformed"},
		{"list of an unknown kind", "GET", "/api/v1/partners?kind=club", "", "fr", 422, "kind", "error_partner_kind_unknown"},
		{"list of an unknown status", "GET", "/api/v1/partners?status=paused", "", "mn", 422, "status", "error_partnership_status_unknown"},
		{"list of an unknown region", "GET", "/api/v1/partners?region=XX-1", "", "fr", 422, "region", "error_region_unknown"},
		{"list with an unknown filter", "GET", "/api/v1/partners?colour=red", "", "mn", 422, "colour", "error_filter_unknown"},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		cat := catalog(t)
		c, tok := apiStaff(e)
		a := apiCreatePartner(t, c, tok, nil)
		b := apiCreatePartner(t, c, tok, func(m map[string]any) { m["name"] = "Other school"; m["kind"] = "school" })
		// Organisations enter the history on the day they are created: date
		// that back so that a change can be dated in the past.
		if err := e.db.Model(&partners.Change{}).Where("1 = 1").Update("changed_on", civil.Of(today.AddDate(-1, 0, 0))).Error; err != nil {
			t.Fatal(err)
		}
		apiJSON(t, c.api("PUT", apiPath("/api/v1/partners/%d/partnership", a.ID), tok, `{"status": "active", "changed_on": "`+last.String()+`"}`), http.StatusOK, nil)
		act := apiCreate(t, c, tok, apiActBody(func(m map[string]any) { m["partner_ids"] = []int64{b.ID} }))
		ids := strings.NewReplacer("{A}", apiPath("/api/v1/partners/%d", a.ID), "{B}", apiPath("/api/v1/partners/%d", b.ID),
			"{X}", apiPath("/api/v1/activities/%d", act.ID), `"{A}"`, fmt.Sprint(a.ID), `"999"`, "999")
		for i, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				before := e.partnerState()
				path, body := ids.Replace(row.path), ids.Replace(row.body)
				// Half the rows ask for the language with ?lang=, half with Accept-Language.
				ask := c
				if i%2 == 0 {
					sep := "?"
					if strings.Contains(path, "?") {
						sep = "&"
					}
					path += sep + "lang=" + row.lang
				} else {
					ask = e.client()
					ask.header.Set("Accept-Language", row.lang+";q=0.9, en;q=0.5")
				}
				res := ask.api(row.method, path, tok, body)
				if res.StatusCode != row.status {
					t.Fatalf("%d %s, want %d", res.StatusCode, res.Body, row.status)
				}
				got := apiErr(t, res)
				l, en := cat.Localizer(row.lang), cat.Localizer("en")
				if row.field == "" {
					if got.Code != "bad_request" || got.Message != l.T(row.msg) || len(got.Fields) != 0 {
						t.Fatalf("error %+v, want bad_request %q", got, l.T(row.msg))
					}
				} else {
					want := l.T(row.msg, "Max", maxOf(row.field))
					if got.Code != "validation_failed" || got.Message != l.T("error_validation") || got.Fields[row.field] != want {
						t.Fatalf("error %+v, want %q on %s", got, want, row.field)
					}
					if want == en.T(row.msg, "Max", maxOf(row.field)) {
						t.Fatalf("%s is not translated into %s", row.msg, row.lang)
					}
				}
				if after := e.partnerState(); after != before {
					t.Fatalf("a refused request wrote:\n%s\n%s", before, after)
				}
			})
		}
	})
}

// maxOf is the limit a too-long field's message names.
func maxOf(field string) int {
	switch field {
	case "name":
		return partners.MaxName
	case "shared_goals":
		return partners.MaxSharedGoals
	}
	return 0
}

// TestAPIActivityPartnerIDs: co-hosts are set by POST and PATCH, replaced
// when given, kept when not, and shown in every Activity answer.
func TestAPIActivityPartnerIDs(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		a := apiCreatePartner(t, c, tok, nil)
		b := apiCreatePartner(t, c, tok, func(m map[string]any) { m["name"] = "Other school"; m["kind"] = "school" })
		act := apiCreate(t, c, tok, apiActBody(func(m map[string]any) { m["partner_ids"] = []int64{b.ID, a.ID, b.ID} }))
		if want := []int64{a.ID, b.ID}; !reflect.DeepEqual(act.PartnerIDs, want) {
			t.Fatalf("created with partner_ids %v, want %v", act.PartnerIDs, want)
		}
		plain := apiCreate(t, c, tok, apiActBody(func(m map[string]any) { m["kind"] = "training" }))
		path := apiPath("/api/v1/activities/%d", act.ID)
		var got api.Activity
		apiJSON(t, c.api("GET", path, tok, ""), http.StatusOK, &got)
		if !reflect.DeepEqual(got, act) {
			t.Fatalf("get:\n%+v\nwant\n%+v", got, act)
		}
		var list struct {
			Items []api.Activity `json:"items"`
		}
		apiJSON(t, c.api("GET", "/api/v1/activities", tok, ""), http.StatusOK, &list)
		hosts := map[int64][]int64{}
		for _, it := range list.Items {
			hosts[it.ID] = it.PartnerIDs
		}
		if !reflect.DeepEqual(hosts, map[int64][]int64{act.ID: {a.ID, b.ID}, plain.ID: {}}) {
			t.Fatalf("list partner_ids %v", hosts)
		}
		var patched api.Activity
		apiJSON(t, c.api("PATCH", path, tok, `{"venue": "Uliastai school"}`), http.StatusOK, &patched)
		if !reflect.DeepEqual(patched.PartnerIDs, []int64{a.ID, b.ID}) {
			t.Fatalf("a PATCH without partner_ids changed them: %v", patched.PartnerIDs)
		}
		apiJSON(t, c.api("PATCH", path, tok, apiPath(`{"partner_ids": [%d]}`, b.ID)), http.StatusOK, &patched)
		if !reflect.DeepEqual(patched.PartnerIDs, []int64{b.ID}) {
			t.Fatalf("replaced partner_ids: %v", patched.PartnerIDs)
		}
		var published api.Activity
		apiJSON(t, c.api("POST", path+"/publish", tok, ""), http.StatusOK, &published)
		if !reflect.DeepEqual(published.PartnerIDs, []int64{b.ID}) {
			t.Fatalf("publish answers partner_ids %v", published.PartnerIDs)
		}
		ids, err := e.srv.Partners.CoHosted(context.Background(), access.Viewer{Staff: true}, b.ID)
		if err != nil || !reflect.DeepEqual(ids, []int64{act.ID}) {
			t.Fatalf("co-hosted by b: %v, %v", ids, err)
		}
		apiJSON(t, c.api("PATCH", path, tok, `{"partner_ids": []}`), http.StatusOK, &patched)
		if len(patched.PartnerIDs) != 0 || patched.PartnerIDs == nil {
			t.Fatalf("cleared partner_ids: %v", patched.PartnerIDs)
		}
	})
}

// TestAPIPartnerReport: the key figures as JSON.
func TestAPIPartnerReport(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		res := c.api("GET", "/api/v1/reports/partners", tok, "")
		if res.StatusCode != http.StatusOK || res.Body != `{"established_per_year":[],"strengthened_per_year":[],"by_kind":[],"by_region":[],"by_status":[]}` {
			t.Fatalf("empty report: %d %s", res.StatusCode, res.Body)
		}
		a := apiCreatePartner(t, c, tok, nil)
		apiCreatePartner(t, c, tok, func(m map[string]any) { m["name"], m["kind"], m["region"] = "School", "school", "" })
		year := time.Now().UTC().Year()
		apiJSON(t, c.api("PUT", apiPath("/api/v1/partners/%d/partnership", a.ID), tok, `{"status": "active"}`), http.StatusOK, nil)
		apiJSON(t, c.api("PUT", apiPath("/api/v1/partners/%d/partnership", a.ID), tok, `{"status": "strengthened"}`), http.StatusOK, nil)
		res = c.api("GET", "/api/v1/reports/partners", tok, "")
		want := fmt.Sprintf(`{"established_per_year":[{"year":%d,"count":1}],"strengthened_per_year":[{"year":%d,"count":1}],`+
			`"by_kind":[{"kind":"youth_council","count":1},{"kind":"school","count":1}],`+
			`"by_region":[{"region":"MN-1","count":1},{"region":"","count":1}],`+
			`"by_status":[{"status":"prospective","count":1},{"status":"strengthened","count":1}]}`, year, year)
		if res.StatusCode != http.StatusOK || res.Body != want {
			t.Fatalf("report: %d\n%s\nwant\n%s", res.StatusCode, res.Body, want)
		}
	})
}
