package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/web/ui"
)

// TestLoginNextPayloads signs in with the payloads: the answer goes
// to the default page, and writes no header of its own.
func TestLoginNextPayloads(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("saraa@example.org", access.Participant)
		for _, next := range []string{"/\nSet-Cookie: injected=1", "/\t/evil.example"} {
			c := e.client()
			// The query as the issue sends it: next=/%09/evil.example, next=/%0ASet-Cookie:%20injected=1.
			res := c.get("/login?next=" + strings.NewReplacer("\t", "%09", "\n", "%0A", " ", "%20").Replace(next))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("login form: %d", res.StatusCode)
			}
			res = c.postForm("/login", url.Values{"email": {"saraa@example.org"}, "password": {testPassword}, "next": {next}})
			checkNext(t, res, next)
			// Signed in already, the login page sends the user on at once.
			res = c.get("/login?next=" + url.QueryEscape(next))
			checkNext(t, res, next)
		}
	})
}

func checkNext(t *testing.T, res *response, next string) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("next=%q: %d", next, res.StatusCode)
	}
	if loc := res.Header.Values("Location"); len(loc) != 1 || loc[0] != ui.DefaultNext {
		t.Fatalf("next=%q: Location %q", next, loc)
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "injected" {
			t.Fatalf("next=%q: a cookie was injected", next)
		}
	}
	for k, vs := range res.Header {
		for _, v := range vs {
			if strings.ContainsAny(k+v, "\r\n\t") || strings.Contains(v, "injected") {
				t.Fatalf("next=%q: header %s: %q", next, k, v)
			}
		}
	}
}

// TestSignInLandsHome: given nowhere to go, the staff land on /manage and
// anyone else on /account; a safe next still wins.
func TestSignInLandsHome(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("coord@example.org", access.Coordinator)
		e.user("saraa@example.org", access.Participant)
		for _, tc := range []struct{ email, next, want string }{
			{"coord@example.org", "", ui.StaffHome},
			{"coord@example.org", "/account", "/account"},
			{"saraa@example.org", "", ui.DefaultNext},
		} {
			c := e.client()
			c.get("/login")
			res := c.postForm("/login", url.Values{"email": {tc.email}, "password": {testPassword}, "next": {tc.next}})
			if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != tc.want {
				t.Errorf("%s, next %q: %d to %q, want %q", tc.email, tc.next, res.StatusCode, loc, tc.want)
			}
			if res := c.get("/login"); res.Header.Get("Location") != tc.want && tc.next == "" {
				t.Errorf("%s signed in: /login sends to %q, want %q", tc.email, res.Header.Get("Location"), tc.want)
			}
		}
	})
}
