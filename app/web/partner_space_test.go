package web

import (
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
