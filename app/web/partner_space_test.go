package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/access"
)

// TestPartnerHome: a member's space shows its organisation, the campaigns it
// takes part in with its stages, and the activities it co-hosts with counts
// only; it edits its profile, but not its kind; staff have no such space.
func TestPartnerHome(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		f := newScopeFixture(t, e)
		home := f.member.get("/partner?lang=fr")
		if home.StatusCode != http.StatusOK {
			t.Fatalf("/partner: %d", home.StatusCode)
		}
		for _, want := range []string{"Org A", "Campaign of A", `href="/partner/campaigns/` + itoa(f.campA) + `"`, "Planification",
			"Camp camp-of-a", "1 / 10", "Des nombres seulement"} {
			if !strings.Contains(home.Body, want) {
				t.Errorf("/partner lacks %q", want)
			}
		}
		f.checkLeaks(t, access.PartnerSpace, "GET /partner", home)

		form := f.member.get("/partner/profile")
		if form.StatusCode != http.StatusOK || strings.Contains(form.Body, `name="kind"`) || !strings.Contains(form.Body, `action="/partner/profile"`) {
			t.Fatalf("profile form: %d", form.StatusCode)
		}
		vals := url.Values{"name": {"Org A"}, "website": {"not a site"}, "contact_email": {"a@org-a.example"}, "kind": {"school"}}
		bad := f.member.postForm("/partner/profile?lang=fr", vals)
		if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `value="not a site"`) {
			t.Fatalf("bad website: %d", bad.StatusCode)
		}
		vals.Set("website", "https://org-a.example")
		vals.Set("description_mn", "Залуучуудын байгууллага")
		res := f.member.postForm("/partner/profile", vals)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/partner?saved=1" {
			t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		var kind, website string
		e.db.Raw("SELECT kind, website FROM partners WHERE id = ?", f.a).Row().Scan(&kind, &website)
		if kind != "youth_led" || website != "https://org-a.example" {
			t.Fatalf("after saving: kind %q, website %q", kind, website)
		}
		if page := f.member.get("/partner?lang=mn"); !strings.Contains(page.Body, "Залуучуудын байгууллага") {
			t.Error("the description in Mongolian is not shown")
		}
		// Without the CSRF token nothing changes.
		vals.Set("website", "https://elsewhere.example")
		vals.Del("_csrf")
		if res := f.member.postRaw("/partner/profile", vals); res.StatusCode != http.StatusForbidden {
			t.Fatalf("no CSRF: %d", res.StatusCode)
		}

		e.user("coord@example.org", "coordinator")
		staff := e.client()
		staff.login("coord@example.org")
		if res := staff.get("/partner"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a coordinator's /partner: %d", res.StatusCode)
		}
	})
}

// TestPartnerCannotRaiseItself: nothing a partner member can send changes
// its roles, its scope or its organisation's kind.
func TestPartnerCannotRaiseItself(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		f := newScopeFixture(t, e)
		grants := func() string {
			var rows []struct{ Role, Scope string }
			e.db.Raw("SELECT role, scope FROM role_assignments r JOIN users u ON u.id = r.user_id WHERE u.email = 'member@org-a.example' ORDER BY role, scope").Scan(&rows)
			var partner int64
			e.db.Raw("SELECT partner_id FROM users WHERE email = 'member@org-a.example'").Scan(&partner)
			return fmt.Sprint(rows, partner)
		}
		before := grants()
		for _, body := range []string{
			`{"roles": [{"role": "admin", "scope": "*"}]}`,
			`{"partner_id": ` + itoa(f.b) + `}`,
			`{"display_name": "Member A", "role": "coordinator"}`,
			`{"scope": "*"}`,
		} {
			if res := f.member.api("PATCH", "/api/v1/me", f.token, body); res.StatusCode != http.StatusBadRequest {
				t.Errorf("PATCH /api/v1/me %s: %d, want 400", body, res.StatusCode)
			}
		}
		if res := f.member.api("PATCH", "/api/v1/partners/"+itoa(f.a), f.token, `{"kind": "ngo"}`); res.StatusCode != http.StatusForbidden {
			t.Errorf("changing its kind: %d, want 403", res.StatusCode)
		}
		for _, path := range []string{"/api/v1/users", "/api/v1/audit"} {
			if res := f.member.api("GET", path, f.token, ""); res.StatusCode != http.StatusForbidden {
				t.Errorf("GET %s: %d, want 403", path, res.StatusCode)
			}
		}
		res := f.member.postForm("/account", url.Values{"display_name": {"Member A"}, "locale": {"mn"},
			"role": {"admin"}, "scope": {"*"}, "partner_id": {itoa(f.b)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("account form: %d", res.StatusCode)
		}
		if after := grants(); after != before {
			t.Fatalf("roles and organisation went from %s to %s", before, after)
		}
		var kind string
		e.db.Raw("SELECT kind FROM partners WHERE id = ?", f.a).Scan(&kind)
		if kind != "youth_led" {
			t.Fatalf("kind became %q", kind)
		}
		if home := f.member.get("/partner"); !strings.Contains(home.Body, "Org A") || strings.Contains(home.Body, "Org B Hidden") {
			t.Fatal("the member's space changed organisation")
		}
	})
}
