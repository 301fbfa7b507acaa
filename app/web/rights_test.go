package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/web/api"
	"github.com/gotong/gotong/app/web/request"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/rights"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/views"
)

// rightsState is a fingerprint of what an erasure changes.
func (e *env) rightsState() string {
	e.t.Helper()
	var parts []string
	for _, q := range []string{"SELECT COUNT(*) FROM people", "SELECT COUNT(*) FROM users", "SELECT COUNT(*) FROM person_sensitive",
		"SELECT COUNT(*) FROM registrations WHERE person_id IS NULL", "SELECT COUNT(*) FROM registrations WHERE status = 'cancelled'",
		"SELECT COUNT(*) FROM outbox", "SELECT COUNT(*) FROM api_tokens", "SELECT COUNT(*) FROM audit_log WHERE action LIKE '%erase%'"} {
		var n int64
		if err := e.db.Raw(q).Scan(&n).Error; err != nil {
			e.t.Fatalf("%s: %v", q, err)
		}
		parts = append(parts, strconv.FormatInt(n, 10))
	}
	return strings.Join(parts, " ")
}

// personOf is the id of the person with email.
func (e *env) personOf(email string) int64 {
	e.t.Helper()
	var ids []int64
	e.db.Table("people").Where("email = ?", email).Pluck("id", &ids)
	if len(ids) != 1 {
		e.t.Fatalf("%d people with %s", len(ids), email)
	}
	return ids[0]
}

// decodeExport reads an export and fails on anything that is not one.
func decodeExport(t *testing.T, body string) rights.Export {
	t.Helper()
	var x rights.Export
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&x); err != nil {
		t.Fatalf("not an export: %v: %s", err, body)
	}
	return x
}

// TestAccountData: a participant downloads their own data from /account,
// as a file no cache keeps; a user without a person record gets their
// account; nothing of the account's secrets is in it.
func TestAccountData(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("summer", 10)
		vals := registrationForm("saraa@example.org", "rural")
		vals.Set("disability", "yes")
		anon := e.client()
		anon.get("/activities/summer/register")
		if res := anon.submitRegistration("summer", vals); res.StatusCode != http.StatusOK {
			t.Fatalf("register: %d", res.StatusCode)
		}
		e.user("saraa@example.org", access.Participant)
		c := e.client()
		c.login("saraa@example.org")
		page := c.get("/account")
		for _, want := range []string{`href="/account/data.json"`, `action="/account/erase"`, `name="confirm"`, `name="_csrf"`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the account page lacks %s", want)
			}
		}
		res := c.get("/account/data.json")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("download: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
			t.Errorf("Content-Disposition %q", cd)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q", cc)
		}
		x := decodeExport(t, res.Body)
		if x.Person == nil || x.Person.GivenName != "Saraa" || len(x.Registrations) != 1 || x.Registrations[0].ActivitySlug != "summer" ||
			x.Sensitive == nil || x.Sensitive.Disability == nil || x.Account == nil || x.Account.Email != "saraa@example.org" {
			t.Fatalf("export %+v", x)
		}
		if strings.Contains(res.Body, "argon2") || strings.Contains(res.Body, "password") {
			t.Error("the export shows the password hash")
		}
		// The same through the API, with a token that is not in it.
		tok := e.token("saraa@example.org")
		api := e.client().api("GET", "/api/v1/me/data", tok, "")
		if api.StatusCode != http.StatusOK || strings.Contains(api.Body, tok) || api.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("API export: %d", api.StatusCode)
		}
		if y := decodeExport(t, api.Body); y.Person == nil || y.Person.ID != x.Person.ID {
			t.Errorf("API export %+v", y)
		}
		// A coordinator without a person record: the account alone.
		staff := e.staffClient("coord@example.org", access.Coordinator)
		z := decodeExport(t, staff.get("/account/data.json").Body)
		if z.Person != nil || z.Account == nil || z.Account.Email != "coord@example.org" || len(z.Account.Roles) != 1 {
			t.Errorf("account-only export %+v", z)
		}
		// Anonymous visitors are sent to sign in.
		if res := e.client().get("/account/data.json"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous download: %d", res.StatusCode)
		}
	})
}

// TestAccountErase: without the box ticked, or without the CSRF token,
// nothing is erased; ticked, the data and the account go, the session ends
// and the home page says so in the user's language.
func TestAccountErase(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("summer", 1)
		e.register("summer", [2]string{"saraa@example.org", "rural"}, [2]string{"bataa@example.org", "urban"})
		u := e.user("saraa@example.org", access.Participant)
		if err := e.srv.Users.UpdateProfile(context.Background(), u.ID, "Saraa", "fr"); err != nil {
			t.Fatal(err)
		}
		tok := e.token("saraa@example.org")
		c := e.client()
		c.login("saraa@example.org")
		c.get("/account")
		before := e.rightsState()

		res := c.postForm("/account/erase", url.Values{})
		fr := catalog(t).Localizer("fr")
		if res.StatusCode != http.StatusUnprocessableEntity || pageLang(res.Body) != "fr" ||
			!strings.Contains(res.Body, html.EscapeString(fr.T("rights_erase_confirm_required"))) {
			t.Fatalf("unconfirmed: %d lang %s", res.StatusCode, pageLang(res.Body))
		}
		if res := c.postRaw("/account/erase", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("without CSRF: %d", res.StatusCode)
		}
		if after := e.rightsState(); after != before {
			t.Fatalf("a refused erasure changed the data: %s, then %s", before, after)
		}

		res = c.postForm("/account/erase", url.Values{"confirm": {"yes"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/?erased=1&lang=fr" {
			t.Fatalf("erase: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		home := c.get(res.Header.Get("Location"))
		if pageLang(home.Body) != "fr" || !strings.Contains(home.Body, html.EscapeString(fr.T("rights_erased_done"))) {
			t.Errorf("the home page does not say it in French: %s", home.Body)
		}
		if strings.Contains(home.Body, `id="logout"`) {
			t.Error("still signed in")
		}
		if res := c.get("/account"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the session lives on: %d", res.StatusCode)
		}
		if res := e.client().api("GET", "/api/v1/me", tok, ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("the token lives on: %d", res.StatusCode)
		}
		var n int64
		e.db.Table("people").Where("email = ?", "saraa@example.org").Count(&n)
		if n != 0 {
			t.Error("the person is left")
		}
		e.db.Table("users").Where("email = ?", "saraa@example.org").Count(&n)
		if n != 0 {
			t.Error("the account is left")
		}
		// Her seat went to Bataa.
		var status string
		e.db.Raw("SELECT status FROM registrations r JOIN people p ON p.id = r.person_id WHERE p.email = 'bataa@example.org'").Scan(&status)
		if status != "confirmed" {
			t.Errorf("Bataa is %q", status)
		}
	})
}

// TestLastAdminErase: the last administrator is refused with a reason, on
// /account and through the API, and nothing changes.
func TestLastAdminErase(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.staffClient("office@example.org", access.Admin)
		tok := e.token("office@example.org")
		c.get("/account")
		before := e.rightsState()
		res := c.postForm("/account/erase", url.Values{"confirm": {"yes"}})
		en := catalog(t).Localizer("en")
		if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, html.EscapeString(en.T("error_erase_last_admin"))) {
			t.Fatalf("page: %d", res.StatusCode)
		}
		api := e.client().api("DELETE", "/api/v1/me?lang=fr", tok, "")
		if api.StatusCode != http.StatusConflict {
			t.Fatalf("API: %d", api.StatusCode)
		}
		if body := apiErr(t, api); body.Code != "conflict" || body.Message != catalog(t).Localizer("fr").T("error_erase_last_admin") {
			t.Errorf("API error %+v", body)
		}
		if after := e.rightsState(); after != before {
			t.Fatalf("a refused erasure changed the data: %s, then %s", before, after)
		}
		if res := c.get("/account"); res.StatusCode != http.StatusOK {
			t.Errorf("the admin was signed out: %d", res.StatusCode)
		}
	})
}

// TestAdminRightsRoutes: the national office downloads and erases anyone's
// data; a participant or a coordinator cannot (403), and nothing changes.
func TestAdminRightsRoutes(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("summer", 10)
		e.register("summer", [2]string{"saraa@example.org", "rural"}, [2]string{"tuya@example.org", "urban"})
		saraa, tuya := e.personOf("saraa@example.org"), e.personOf("tuya@example.org")
		e.user("tuya@example.org", access.Participant)
		participant := e.client()
		participant.login("tuya@example.org")
		participant.get("/account")
		coord := e.staffClient("coord@example.org", access.Coordinator)
		coord.get("/account")
		admin := e.staffClient("office@example.org", access.Admin)
		admin.get("/account")
		tuyaUser := e.userID("tuya@example.org")
		var sessions int64
		e.db.Table("sessions").Where("user_id = ?", tuyaUser).Count(&sessions)
		if sessions != 1 {
			t.Fatalf("%d sessions know Tuya's account", sessions)
		}
		tokens := map[string]string{"participant": e.token("tuya@example.org"), "coordinator": e.token("coord@example.org"),
			"admin": e.token("office@example.org")}
		id := strconv.FormatInt(saraa, 10)
		before := e.rightsState()
		for name, c := range map[string]*client{"participant": participant, "coordinator": coord} {
			for _, r := range []*response{
				c.get("/manage/people/" + id + "/data.json"),
				c.postForm("/manage/people/"+id+"/erase", url.Values{"confirm": {"yes"}}),
				c.api("GET", "/api/v1/people/"+id+"/data", tokens[name], ""),
				c.api("DELETE", "/api/v1/people/"+id, tokens[name], ""),
			} {
				if r.StatusCode != http.StatusForbidden || strings.Contains(r.Body, "saraa@example.org") {
					t.Errorf("%s %s %s: %d", name, r.Request.Method, r.Request.URL.Path, r.StatusCode)
				}
			}
		}
		// A participant's own export is their own, whatever they ask.
		if x := decodeExport(t, participant.get("/account/data.json?id="+id).Body); x.Person == nil || x.Person.ID != tuya {
			t.Errorf("participant export %+v", x.Person)
		}
		if after := e.rightsState(); after != before {
			t.Fatalf("refused requests changed the data: %s, then %s", before, after)
		}

		// The office: download, audited.
		res := admin.get("/manage/people/" + id + "/data.json")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") ||
			res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("admin download: %d", res.StatusCode)
		}
		if x := decodeExport(t, res.Body); x.Person == nil || x.Person.ID != saraa {
			t.Fatalf("admin export %+v", x.Person)
		}
		var exports int64
		e.db.Table("audit_log").Where("action = 'person.export' AND object_id = ?", id).Count(&exports)
		if exports != 1 {
			t.Errorf("%d person.export entries", exports)
		}
		for _, path := range []string{"/manage/people/0/data.json", "/manage/people/x/data.json", "/manage/people/999999/data.json"} {
			if res := admin.get(path); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d", path, res.StatusCode)
			}
		}
		// Erasure needs the box ticked.
		before = e.rightsState()
		res = admin.postForm("/manage/people/"+id+"/erase", url.Values{})
		if res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, html.EscapeString(catalog(t).Localizer("en").T("rights_erase_confirm_required"))) {
			t.Fatalf("unconfirmed: %d", res.StatusCode)
		}
		if after := e.rightsState(); after != before {
			t.Fatalf("an unconfirmed erasure changed the data")
		}
		res = admin.postForm("/manage/people/"+id+"/erase", url.Values{"confirm": {"yes"}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/manage/audit?") {
			t.Fatalf("erase: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		log := admin.get(res.Header.Get("Location"))
		if log.StatusCode != http.StatusOK || !strings.Contains(log.Body, `id="erased-notice"`) || !strings.Contains(log.Body, "person.erase") {
			t.Errorf("the audit log after the erasure: %d", log.StatusCode)
		}
		if res := admin.postForm("/manage/people/"+id+"/erase", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("erasing again: %d", res.StatusCode)
		}

		// The API: 204, then 404 in API.md's shape.
		tuyaID := strconv.FormatInt(tuya, 10)
		api := e.client()
		if res := api.api("GET", "/api/v1/people/"+tuyaID+"/data", tokens["admin"], ""); res.StatusCode != http.StatusOK {
			t.Errorf("API export: %d", res.StatusCode)
		}
		if res := api.api("DELETE", "/api/v1/people/"+tuyaID, tokens["admin"], ""); res.StatusCode != http.StatusNoContent || res.Body != "" {
			t.Fatalf("API erase: %d %q", res.StatusCode, res.Body)
		}
		for _, path := range []string{"/api/v1/people/" + tuyaID, "/api/v1/people/abc", "/api/v1/people/-1"} {
			res := api.api("DELETE", path, tokens["admin"], "")
			if res.StatusCode != http.StatusNotFound || apiErr(t, res).Code != "not_found" {
				t.Errorf("DELETE %s: %d", path, res.StatusCode)
			}
		}
		if res := api.api("GET", "/api/v1/people/"+tuyaID+"/data", tokens["admin"], ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("export of an erased person: %d", res.StatusCode)
		}
		// Tuya's participant account went with her, and so did her session.
		e.db.Table("sessions").Where("user_id = ?", tuyaUser).Count(&sessions)
		if sessions != 0 {
			t.Errorf("%d sessions of Tuya's left", sessions)
		}
		if res := participant.get("/account"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("Tuya's session lives on: %d", res.StatusCode)
		}
		if res := api.api("GET", "/api/v1/me", tokens["participant"], ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("Tuya's token lives on: %d", res.StatusCode)
		}
	})
}

// TestAPIEraseMe: DELETE /api/v1/me erases the token's user, 204.
func TestAPIEraseMe(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("lone@example.org", access.Participant)
		tok := e.token("lone@example.org")
		c := e.client()
		if res := c.api("DELETE", "/api/v1/me", tok, ""); res.StatusCode != http.StatusNoContent {
			t.Fatalf("%d %s", res.StatusCode, res.Body)
		}
		if res := c.api("GET", "/api/v1/me/data", tok, ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("after the erasure: %d", res.StatusCode)
		}
		if res := c.api("DELETE", "/api/v1/me", "", ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", res.StatusCode)
		}
	})
}

// TestRosterAfterErasure: the roster of an activity that has ended keeps
// the seat of a person erased since, without a name, and its counts.
func TestRosterAfterErasure(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("spring", 10)
		e.register("spring", [2]string{"gone@example.org", "rural"}, [2]string{"stays@example.org", "urban"})
		// The camp has taken place.
		past := time.Now().UTC().Add(-48 * time.Hour)
		if err := e.db.Exec("UPDATE activities SET starts_at = ?, ends_at = ? WHERE id = ?", past.Add(-24*time.Hour), past, a.ID).Error; err != nil {
			t.Fatal(err)
		}
		e.user("office@example.org", access.Admin)
		if res := e.client().api("DELETE", "/api/v1/people/"+strconv.FormatInt(e.personOf("gone@example.org"), 10),
			e.token("office@example.org"), ""); res.StatusCode != http.StatusNoContent {
			t.Fatalf("erase: %d", res.StatusCode)
		}
		c := e.staffClient("coord@example.org", access.Coordinator)
		page := c.get("/manage/activities/" + strconv.FormatInt(a.ID, 10))
		if page.StatusCode != http.StatusOK {
			t.Fatalf("roster: %d", page.StatusCode)
		}
		if strings.Contains(page.Body, "gone@example.org") || !strings.Contains(page.Body, "stays@example.org") ||
			!strings.Contains(page.Body, catalog(t).Localizer("en").T("rights_erased_person")) {
			t.Errorf("the roster after the erasure:\n%s", page.Body)
		}
		if n := strings.Count(page.Body, `<tr id="reg-`); n != 2 {
			t.Errorf("%d rows in the roster, want 2", n)
		}
		list := c.api("GET", "/api/v1/activities/"+strconv.FormatInt(a.ID, 10)+"/registrations", e.token("coord@example.org"), "")
		var body struct {
			Items []api.Registration `json:"items"`
		}
		if err := json.Unmarshal([]byte(list.Body), &body); err != nil || len(body.Items) != 2 {
			t.Fatalf("API list %d %s", list.StatusCode, list.Body)
		}
		anonymous := 0
		for _, r := range body.Items {
			if r.PersonID == nil {
				anonymous++
				if r.Status != "confirmed" {
					t.Errorf("the anonymous seat %+v", r)
				}
			}
		}
		if anonymous != 1 || !strings.Contains(list.Body, `"person_id":null`) {
			t.Errorf("API list: %s", list.Body)
		}
	})
}

// TestPersonRightsPartial: the partial shows its forms, with the CSRF
// field, to those who may erase, and nothing to anyone else.
func TestPersonRightsPartial(t *testing.T) {
	t.Parallel()
	v := newViews(views.FS)
	if err := v.Load(); err != nil {
		t.Fatal(err)
	}
	cat := catalog(t)
	render := func(may bool) string {
		p := &request.Page{L: cat.Localizer("mn"), CSRF: "token-123", May: func(access.Permission) bool { return may }}
		var buf bytes.Buffer
		if err := v.pages["home"].ExecuteTemplate(&buf, "person_rights", map[string]any{"P": p, "ID": int64(42)}); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	got := render(true)
	for _, want := range []string{`href="/manage/people/42/data.json"`, `action="/manage/people/42/erase"`, `method="post"`,
		`name="_csrf" value="token-123"`, `name="confirm" value="yes"`, html.EscapeString(cat.Localizer("mn").T("rights_admin_erase"))} {
		if !strings.Contains(got, want) {
			t.Errorf("the partial lacks %s:\n%s", want, got)
		}
	}
	if got := strings.TrimSpace(render(false)); got != "" {
		t.Errorf("the partial shows itself to someone who may not erase: %s", got)
	}
	// The page's permission follows the role.
	e := newEnv(t, testdb.New(t, testdb.Dialects()[0]))
	for role, want := range map[string]bool{access.Admin: true, access.Coordinator: false, access.Participant: false} {
		u := e.user(role+"@example.org", role)
		p := &request.Page{User: u, May: func(perm access.Permission) bool { return e.srv.Access.Allowed(u.Grants(), perm) }}
		if p.MayAdminPeople() != want {
			t.Errorf("%s: MayAdminPeople = %v", role, !want)
		}
	}
	if (&request.Page{}).MayAdminPeople() {
		t.Error("a page without permissions may erase")
	}
}

// TestAuditLogPage: the filters of the log page, actors by email, paging,
// and bad values answered 422 in the user's language with nothing listed.
func TestAuditLogPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.staffClient("office@example.org", access.Admin)
		coordID := e.user("coord@example.org", access.Coordinator).ID
		ctx := context.Background()
		for i := range 3 {
			if err := e.srv.Users.UpdateProfile(ctx, coordID, fmt.Sprintf("Coord %d", i), ""); err != nil {
				t.Fatal(err)
			}
		}
		res := admin.get("/manage/audit?action=user.&actor=COORD@example.org")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%d", res.StatusCode)
		}
		if n := strings.Count(res.Body, `<tr id="entry-`); n != 3 {
			t.Errorf("%d entries of the coordinator's user.*, want 3", n)
		}
		if !strings.Contains(res.Body, ">coord@example.org</td>") || !strings.Contains(res.Body, `value="user."`) {
			t.Error("the actor is not shown by email, or the filter not kept")
		}
		// Actions in the reader's language, the code beside; details as
		// lines of key and value.
		if !strings.Contains(res.Body, e.msg("en", "audit_act_user_profile")+` <code class="sub">user.profile</code>`) {
			t.Error("the action is not named")
		}
		anon := e.client()
		anon.get("/login")
		anon.postForm("/login", url.Values{"email": {"coord@example.org"}, "password": {"wrong"}})
		if failed := admin.get("/manage/audit?action=login.failed"); !strings.Contains(failed.Body, `<ul class="details"><li><span class="key">ip:</span> `) {
			t.Errorf("the details are not lines: %s", failed.Body)
		}
		// Pages of two: the older link carries the filters.
		res = admin.get("/manage/audit?action=user.profile&limit=2")
		if n := strings.Count(res.Body, `<tr id="entry-`); n != 2 || !strings.Contains(res.Body, `id="audit-older"`) {
			t.Fatalf("first page: %d entries", n)
		}
		m := regexp.MustCompile(`<a href="([^"]+)" rel="next" id="audit-older">`).FindStringSubmatch(res.Body)
		if m == nil {
			t.Fatal("no older link")
		}
		older := html.UnescapeString(m[1])
		if !strings.Contains(older, "action=user.profile") || !strings.Contains(older, "cursor=") {
			t.Fatalf("older link %q", older)
		}
		res = admin.get(older)
		if n := strings.Count(res.Body, `<tr id="entry-`); n != 1 || strings.Contains(res.Body, `id="audit-older"`) {
			t.Errorf("second page: %d entries", n)
		}
		// Object filters.
		res = admin.get("/manage/audit?object_type=user&object_id=" + strconv.FormatInt(coordID, 10))
		if n := strings.Count(res.Body, `<tr id="entry-`); n != 4 { // user.create and three profiles
			t.Errorf("%d entries of the coordinator's account", n)
		}
		// Bad values: 422, the message in French beside its field.
		fr := catalog(t).Localizer("fr")
		for query, msg := range map[string]string{
			"from=hier":                          fr.T("error_date"),
			"actor=nobody@example.org":           fr.T("error_audit_actor_unknown"),
			"from=2027-03-02&to=2027-03-01":      fr.T("error_audit_dates_order"),
			"cursor=abc":                         fr.T("error_filter_cursor"),
			"whatever=1":                         fr.T("error_filter_unknown"),
			"actor=not-an-email&action=person.x": fr.T("error_email_invalid"),
		} {
			res := admin.get("/manage/audit?lang=fr&" + query)
			if res.StatusCode != http.StatusUnprocessableEntity || pageLang(res.Body) != "fr" ||
				!strings.Contains(res.Body, html.EscapeString(msg)) || strings.Contains(res.Body, `<tr id="entry-`) {
				t.Errorf("%s: %d, want 422 with %q", query, res.StatusCode, msg)
			}
		}
	})
}

// TestAuditLogAPI: GET /api/v1/audit has the page's filters, next_cursor,
// actor emails, and 422 with fields for bad values.
func TestAuditLogAPI(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("office@example.org", access.Admin)
		tok := e.token("office@example.org")
		coord := e.user("coord@example.org", access.Coordinator)
		for i := range 3 {
			if err := e.srv.Users.UpdateProfile(context.Background(), coord.ID, fmt.Sprintf("Coord %d", i), ""); err != nil {
				t.Fatal(err)
			}
		}
		c := e.client()
		type page struct {
			Items []struct {
				ID         int64   `json:"id"`
				Action     string  `json:"action"`
				ActorEmail *string `json:"actor_email"`
			} `json:"items"`
			Next *string `json:"next_cursor"`
		}
		get := func(q string) page {
			t.Helper()
			res := c.api("GET", "/api/v1/audit?"+q, tok, "")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %s", q, res.StatusCode, res.Body)
			}
			var p page
			if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		p := get("actor=coord@example.org&limit=2")
		if len(p.Items) != 2 || p.Next == nil || p.Items[0].ActorEmail == nil || *p.Items[0].ActorEmail != "coord@example.org" {
			t.Fatalf("first page %+v", p)
		}
		q := get("actor=coord@example.org&limit=2&cursor=" + *p.Next)
		if len(q.Items) != 1 || q.Next != nil || q.Items[0].ID >= p.Items[1].ID {
			t.Fatalf("second page %+v", q)
		}
		if r := get("action=user."); len(r.Items) != 5 { // two user.create, three user.profile
			t.Errorf("prefix: %d items", len(r.Items))
		}
		if r := get("action=user.create"); len(r.Items) != 2 {
			t.Errorf("exact: %d items", len(r.Items))
		}
		today := time.Now().UTC().Format("2006-01-02")
		if r := get("from=" + today + "&to=" + today + "&object_type=user"); len(r.Items) != 5 {
			t.Errorf("today's: %d items", len(r.Items))
		}
		if r := get("to=2000-01-01"); len(r.Items) != 0 {
			t.Errorf("before 2000: %d items", len(r.Items))
		}
		for query, field := range map[string]string{"from=2027-02-30": "from", "actor=ghost@example.org": "actor",
			"limit=501": "limit", "cursor=0": "cursor", "to=2027-01-01&from=2027-02-01": "to", "what=1": "what"} {
			res := c.api("GET", "/api/v1/audit?lang=id&"+query, tok, "")
			body := apiErr(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity || body.Code != "validation_failed" || body.Fields[field] == "" {
				t.Errorf("%s: %d %+v", query, res.StatusCode, body)
			}
		}
		if res := c.api("GET", "/api/v1/audit", e.token("coord@example.org"), ""); res.StatusCode != http.StatusForbidden {
			t.Errorf("a coordinator reads the log: %d", res.StatusCode)
		}
	})
}
