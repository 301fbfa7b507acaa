package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("saraa@example.org", access.Participant)
		c := e.client()
		form := c.get("/login?next=/account")
		if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `name="_csrf"`) {
			t.Fatalf("login form: %d", form.StatusCode)
		}
		// Wrong password and unknown email get the same answer.
		for _, creds := range [][2]string{{"saraa@example.org", "wrong-password"}, {"nobody@example.org", testPassword}} {
			res := c.postForm("/login", url.Values{"email": {creds[0]}, "password": {creds[1]}})
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Body, "Wrong email or password.") {
				t.Fatalf("login as %s/%s: %d", creds[0], creds[1], res.StatusCode)
			}
			if _, ok := c.cookies["gotong_session"]; ok {
				t.Fatal("a failed login set a session")
			}
		}
		// The email is matched case-folded; next is followed when local.
		res := c.postForm("/login", url.Values{"email": {"SARAA@Example.org"}, "password": {testPassword}, "next": {"/account"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account" {
			t.Fatalf("login: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		var session *http.Cookie
		for _, ck := range res.Cookies() {
			if ck.Name == "gotong_session" {
				session = ck
			}
		}
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure {
			t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure on loopback", session)
		}
		if acct := c.get("/account"); acct.StatusCode != http.StatusOK || !strings.Contains(acct.Body, "saraa@example.org") {
			t.Fatalf("account after login: %d", acct.StatusCode)
		}
		entries, _ := audit.List(context.Background(), e.db, audit.Filter{Action: "login"})
		if len(entries) != 1 {
			t.Errorf("%d login audit entries", len(entries))
		}
	})
}

func TestSecureCookies(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		cfg := testConfig()
		cfg.SecureCookies = true
		e := newEnvConfig(t, db, cfg)
		e.user("a@example.org", access.Participant)
		c := e.client()
		c.get("/login")
		res := c.postForm("/login", url.Values{"email": {"a@example.org"}, "password": {testPassword}})
		if len(res.Cookies()) == 0 {
			t.Fatal("no cookies set at login")
		}
		for _, ck := range res.Cookies() {
			if !ck.Secure {
				t.Errorf("cookie %s is not Secure", ck.Name)
			}
		}
	})
}

func TestSessionRotationAndLogout(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("a@example.org", access.Coordinator)
		c := e.client()
		// A session id planted before sign-in is not the one after it.
		c.cookies["gotong_session"] = "planted-by-someone-else"
		c.login("a@example.org")
		first := c.cookies["gotong_session"]
		if first == "" || first == "planted-by-someone-else" {
			t.Fatalf("session id not rotated at login: %q", first)
		}
		c.login("a@example.org")
		if second := c.cookies["gotong_session"]; second == first {
			t.Fatal("signing in again kept the session id")
		}
		old := e.client()
		old.cookies["gotong_session"] = first
		if res := old.get("/account"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the session before the second login still works: %d", res.StatusCode)
		}
		current := c.cookies["gotong_session"]
		var n int64
		e.db.Table("sessions").Count(&n)
		if n != 1 {
			t.Fatalf("%d sessions stored, want 1", n)
		}
		if res := c.postForm("/logout", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.StatusCode)
		}
		e.db.Table("sessions").Count(&n)
		if n != 0 {
			t.Fatal("logout left the session in the store")
		}
		replay := e.client()
		replay.cookies["gotong_session"] = current
		if res := replay.get("/account"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the session cookie works after logout: %d", res.StatusCode)
		}
	})
}

func TestDisabledUserLosesSession(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		u := e.user("a@example.org", access.Coordinator)
		c := e.client()
		c.login("a@example.org")
		e.db.Model(&auth.User{}).Where("id = ?", u.ID).Update("disabled_at", "2026-01-01 00:00:00")
		if res := c.get("/account"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("disabled user still reaches /account: %d", res.StatusCode)
		}
	})
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		u := e.user("a@example.org", access.Participant)
		c := e.client()
		c.login("a@example.org")
		c.get("/account")
		forged := []url.Values{
			{"display_name": {"Hacked"}},                                  // no token
			{"display_name": {"Hacked"}, "_csrf": {""}},                   // empty
			{"display_name": {"Hacked"}, "_csrf": {"forged.token.value"}}, // not ours
		}
		for i, vals := range forged {
			res := c.postRaw("/account", vals)
			if res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, "This form has expired") {
				t.Fatalf("forged post %d: %d", i, res.StatusCode)
			}
		}
		// A token signed with another key is refused too, even when the
		// cookie carries the same value (double submit alone is not enough).
		other := newSignedTokens(keys.CSRFKey([]byte("another-key-another-key-another!"))).generate()
		c.cookies["gotong_csrf"] = other
		if res := c.postForm("/account", url.Values{"display_name": {"Hacked"}, "_csrf": {other}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("foreign token: %d", res.StatusCode)
		}
		var got auth.User
		e.db.First(&got, u.ID)
		if got.DisplayName != u.DisplayName {
			t.Fatalf("a forged post changed the name to %q", got.DisplayName)
		}
		// Logout and login need the token as well.
		c.get("/account")
		if res := c.postForm("/logout", url.Values{"_csrf": {"nope"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("forged logout: %d", res.StatusCode)
		}
		if res := c.get("/account"); res.StatusCode != http.StatusOK {
			t.Fatal("a forged logout signed the user out")
		}
		anon := e.client()
		if res := anon.postForm("/login", url.Values{"email": {"a@example.org"}, "password": {testPassword}, "_csrf": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("login without a token: %d", res.StatusCode)
		}
		// With the real token the change goes through.
		c.get("/account")
		res := c.postForm("/account", url.Values{"display_name": {"Saraa B."}, "locale": {"mn"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("genuine post: %d", res.StatusCode)
		}
		e.db.First(&got, u.ID)
		if got.DisplayName != "Saraa B." || got.Locale != "mn" {
			t.Fatalf("profile not saved: %+v", got)
		}
	})
}

func TestAccountValidation(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		u := e.user("a@example.org", access.Participant)
		c := e.client()
		c.login("a@example.org")
		c.get("/account?lang=fr")
		res := c.postForm("/account", url.Values{"display_name": {"  "}, "locale": {"de"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad profile: %d", res.StatusCode)
		}
		if !strings.Contains(res.Body, "Ce champ est obligatoire") && !strings.Contains(res.Body, `aria-invalid="true"`) {
			t.Error("the error is not shown in French beside the field")
		}
		var got auth.User
		e.db.First(&got, u.ID)
		if got.DisplayName != u.DisplayName || got.Locale != "" {
			t.Fatal("a refused update changed the profile")
		}
	})
}

func TestBearerTokens(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("a@example.org", access.Coordinator)
		tok := e.token("a@example.org")
		c := e.client()
		if res := c.api("GET", "/api/v1/me", tok, ""); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"role":"coordinator"`) {
			t.Fatalf("valid token: %d %s", res.StatusCode, res.Body)
		}
		cases := map[string]func() *response{
			"none":  func() *response { return c.api("GET", "/api/v1/me", "", "") },
			"wrong": func() *response { return c.api("GET", "/api/v1/me", "gtg_not-a-real-token", "") },
			"basic": func() *response {
				req := httpRequest("GET", "/api/v1/me", "", "")
				req.Header.Set("Authorization", "Basic YTpi")
				return c.do(req)
			},
		}
		for name, call := range cases {
			res := call()
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s: %d", name, res.StatusCode)
				continue
			}
			if body := apiErr(t, res); body.Code != "unauthorized" {
				t.Errorf("%s: code %q", name, body.Code)
			}
		}
		// A session cookie does not authenticate the API.
		s := e.client()
		s.login("a@example.org")
		if res := s.api("GET", "/api/v1/me", "", ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("session cookie on the API: %d", res.StatusCode)
		}
		// Revoked.
		ts, _ := auth.NewStore(e.db, clock.System).ListTokens(context.Background(), "a@example.org")
		if err := auth.NewStore(e.db, clock.System).RevokeToken(context.Background(), ts[0].ID); err != nil {
			t.Fatal(err)
		}
		if res := c.api("GET", "/api/v1/me", tok, ""); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("revoked token: %d", res.StatusCode)
		}
	})
}
