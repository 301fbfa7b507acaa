package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/testdb"
)

// TestEveryRouteHasPermission walks the router: a route registered without
// a permission fails the test.
func TestEveryRouteHasPermission(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.Dialects()[0])
	e := newEnv(t, db)
	perms := e.srv.Permissions()
	n := 0
	for _, r := range e.app.GetRoutes(true) {
		method := r.Method
		if method == http.MethodHead {
			method = http.MethodGet // Fiber adds HEAD beside each GET
		}
		if _, ok := perms[method+" "+r.Path]; !ok {
			t.Errorf("%s %s has no permission", r.Method, r.Path)
		}
		n++
	}
	if n < len(perms) {
		t.Fatalf("walked %d routes, fewer than the %d with permissions", n, len(perms))
	}
}

// TestRoleByRoute proves who may and who may not reach each route.
func TestRoleByRoute(t *testing.T) {
	t.Parallel()
	roles := []string{"anonymous", access.Participant, access.Facilitator, access.Partner, access.Coordinator, access.Admin}
	// allowed lists the roles that may use each route; everyone else is refused.
	all := roles
	signedIn := roles[1:]
	staff := []string{access.Facilitator, access.Coordinator, access.Admin}
	admin := []string{access.Admin}
	routes := []struct {
		method, path string
		allowed      []string
	}{
		{"GET", "/", all},
		{"GET", "/healthz", all},
		{"GET", "/readyz", all},
		{"GET", "/account", signedIn},
		{"GET", "/manage", staff},
		{"GET", "/manage/users", admin},
		{"GET", "/manage/audit", admin},
		{"GET", "/manage/activities", staff},
		{"GET", "/api/v1/me", signedIn},
		{"GET", "/api/v1/users", admin},
		{"GET", "/api/v1/audit", admin},
		{"GET", "/api/v1/activities", staff},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		clients := map[string]*client{"anonymous": e.client()}
		tokens := map[string]string{}
		for _, role := range roles[1:] {
			email := role + "@example.org"
			e.user(email, role)
			c := e.client()
			c.login(email)
			clients[role] = c
			tokens[role] = e.token(email)
		}
		for _, r := range routes {
			for _, role := range roles {
				may := false
				for _, a := range r.allowed {
					may = may || a == role
				}
				c := clients[role]
				var res *response
				if strings.HasPrefix(r.path, "/api/") {
					res = c.api(r.method, r.path, tokens[role], "")
				} else {
					res = c.get(r.path)
				}
				switch {
				case may && res.StatusCode != http.StatusOK:
					t.Errorf("%s %s as %s: %d, want 200", r.method, r.path, role, res.StatusCode)
				case !may && role == "anonymous" && strings.HasPrefix(r.path, "/api/") && res.StatusCode != http.StatusUnauthorized:
					t.Errorf("%s %s anonymously: %d, want 401", r.method, r.path, res.StatusCode)
				case !may && role == "anonymous" && !strings.HasPrefix(r.path, "/api/") &&
					(res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=")):
					t.Errorf("%s %s anonymously: %d to %q, want 303 to the login page", r.method, r.path, res.StatusCode, res.Header.Get("Location"))
				case !may && role != "anonymous" && res.StatusCode != http.StatusForbidden:
					t.Errorf("%s %s as %s: %d, want 403", r.method, r.path, role, res.StatusCode)
				}
			}
		}
		// The navigation offers only what the role may open.
		home := clients[access.Participant].get("/")
		if strings.Contains(home.Body, `href="/manage"`) || !strings.Contains(home.Body, `href="/account"`) {
			t.Error("participant navigation is wrong")
		}
		home = clients[access.Admin].get("/")
		for _, href := range []string{`href="/manage"`, `href="/manage/users"`, `href="/manage/audit"`} {
			if !strings.Contains(home.Body, href) {
				t.Errorf("admin navigation lacks %s", href)
			}
		}
		home = clients[access.Coordinator].get("/")
		if !strings.Contains(home.Body, `href="/manage"`) || strings.Contains(home.Body, `href="/manage/audit"`) {
			t.Error("coordinator navigation is wrong")
		}
	})
}
