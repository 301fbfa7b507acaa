package web

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/web/ui"
)

// The registration form is served to anonymous visitors from the page
// cache, rendered once per activity version and language, each visitor's
// own CSRF token spliced in.

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// formTokens are the CSRF tokens of a page's forms.
func formTokens(body string) []string {
	var out []string
	for _, m := range csrfField.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// ownToken fails the test unless every form of the page carries the
// visitor's own token, that of their gotong_csrf cookie, and returns it.
func ownToken(t *testing.T, c *client, res *response) string {
	t.Helper()
	cookie := c.cookies["gotong_csrf"]
	tokens := formTokens(res.Body)
	if res.StatusCode != http.StatusOK || cookie == "" || len(tokens) == 0 {
		t.Fatalf("form: %d, cookie %q, tokens %q", res.StatusCode, cookie, tokens)
	}
	for _, tok := range tokens {
		if tok != cookie {
			t.Fatalf("the page's token %q is not the visitor's cookie %q", tok, cookie)
		}
	}
	return cookie
}

// freezeCache stops the page cache's clock, so that what a test reads
// twice comes from the cache unless a write moved its generation.
func freezeCache(e *env) {
	now := time.Now()
	e.srv.pageCache.Now = func() time.Time { return now }
}

// TestFormCacheTokens: each visitor's form carries their own token, the one
// of their own cookie, which a second visitor's page (a hit) never shows;
// each can send the form with it, through to the email's link; a visitor
// with a cookie keeps their token across hits.
func TestFormCacheTokens(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("rush", 20)
		freezeCache(e)
		const form = "/activities/rush/register"
		a, b := e.client(), e.client()
		first := a.get(form) // renders the page
		tokA := ownToken(t, a, first)
		second := b.get(form) // from the cache
		tokB := ownToken(t, b, second)
		if tokA == tokB || strings.Contains(second.Body, tokA) || strings.Contains(first.Body, tokB) {
			t.Fatal("two visitors share a token")
		}
		if again := a.get(form); ownToken(t, a, again) != tokA || strings.Contains(again.Body, tokB) {
			t.Fatal("a visitor with a cookie lost their token on a hit")
		}

		for _, v := range []struct {
			c     *client
			token string
			email string
		}{{a, tokA, "anu@example.org"}, {b, tokB, "bilguun@example.org"}} {
			vals := registrationForm(v.email, people.Urban)
			vals.Set("_csrf", v.token)
			res := v.c.postForm(form, vals)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/activities/rush/check-email" {
				t.Fatalf("%s: %d to %q", v.email, res.StatusCode, res.Header.Get("Location"))
			}
			if placed := v.c.confirmByMail(v.email); placed.StatusCode != http.StatusOK {
				t.Fatalf("%s: the email's link led to %d", v.email, placed.StatusCode)
			}
		}
		if n := e.rows("registrations"); n != 2 {
			t.Fatalf("%d registrations, want 2", n)
		}
	})
}

// TestFormCacheConcurrentVisitors: fifty visitors without cookies asking at
// once each get their own token and no other's, and the page is rendered
// once for all of them.
func TestFormCacheConcurrentVisitors(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("radio", 20)
		freezeCache(e)
		// The server's own middleware and cache around its handler, counted;
		// the server's app then serves from the cache it filled.
		var renders atomic.Int32
		form := ui.New(e.srv.Kit).RegisterForm
		app := fiber.New(fiber.Config{ErrorHandler: e.srv.handleError})
		app.Use(e.srv.identify, e.srv.csrfProtect())
		app.Get("/activities/:slug/register", e.srv.cachedPage(func(c *fiber.Ctx) error { renders.Add(1); return form(c) }))

		for _, tc := range []struct {
			name string
			app  *fiber.App
		}{{"rendered", app}, {"from the cache", e.app}} {
			t.Run(tc.name, func(t *testing.T) {
				const n = 50
				type seen struct {
					cookie, body string
					err          error
				}
				got := make([]seen, n)
				var wg sync.WaitGroup
				for i := range got {
					wg.Go(func() {
						res, err := tc.app.Test(httpRequest(http.MethodGet, "/activities/radio/register", "", ""), -1)
						if err != nil {
							got[i].err = err
							return
						}
						defer res.Body.Close()
						body, err := io.ReadAll(res.Body)
						got[i].body, got[i].err = string(body), err
						for _, ck := range res.Cookies() {
							if ck.Name == "gotong_csrf" {
								got[i].cookie = ck.Value
							}
						}
					})
				}
				wg.Wait()
				distinct := map[string]bool{}
				for i, s := range got {
					tokens := formTokens(s.body)
					if s.err != nil || s.cookie == "" || len(tokens) != 1 || tokens[0] != s.cookie {
						t.Fatalf("visitor %d: %v, cookie %q, tokens %q", i, s.err, s.cookie, tokens)
					}
					distinct[s.cookie] = true
				}
				if len(distinct) != n {
					t.Fatalf("%d distinct tokens for %d visitors", len(distinct), n)
				}
				for i, s := range got {
					for j, o := range got {
						if i != j && strings.Contains(s.body, o.cookie) {
							t.Fatalf("visitor %d's page holds visitor %d's token", i, j)
						}
					}
				}
			})
		}
		if r := renders.Load(); r != 1 {
			t.Fatalf("%d renderings for 50 visitors, want 1", r)
		}
	})
}

// TestFormCacheFollowsTheActivity: an edit shows on the next form at once,
// each language is cached apart and still remembered by its cookie on a
// hit, and a discreet activity's form stays out of search engines under
// the neutral title.
func TestFormCacheFollowsTheActivity(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("winter", 20)
		freezeCache(e)
		const form = "/activities/winter/register"
		anon := e.client()
		if res := anon.get(form); !strings.Contains(res.Body, "Camp winter") {
			t.Fatal("the form lacks the activity's title")
		}
		title := map[string]string{"en": "Winter school"}
		if _, err := e.srv.Activities.Update(context.Background(), 0, a.ID, activities.Input{Title: title}); err != nil {
			t.Fatal(err)
		}
		if res := anon.get(form); !strings.Contains(res.Body, "Winter school") || strings.Contains(res.Body, "Camp winter") {
			t.Fatal("an edit of the activity did not reach the cached form")
		}

		for _, lang := range i18n.Supported {
			label := e.srv.Catalog.Localizer(lang).T("field_given_name")
			for _, visit := range []string{"renders", "from the cache"} {
				c := e.client()
				res := c.get(form + "?lang=" + lang)
				if pageLang(res.Body) != lang || !strings.Contains(res.Body, label) {
					t.Fatalf("?lang=%s (%s): a page in %q", lang, visit, pageLang(res.Body))
				}
				ownToken(t, c, res)
				if c.cookies["gotong_lang"] != lang {
					t.Fatalf("?lang=%s (%s) did not remember the language", lang, visit)
				}
				// The remembered language, without ?lang=, is the same page.
				if res := c.get(form); pageLang(res.Body) != lang {
					t.Fatalf("the cookie of ?lang=%s (%s) gave a page in %q", lang, visit, pageLang(res.Body))
				}
			}
		}

		e.discreetCamp("quiet")
		for _, visit := range []string{"renders", "from the cache"} {
			res := e.client().get("/activities/quiet/register")
			for _, want := range []string{`<meta name="robots" content="noindex">`, "<title>Gotong activity · Gotong</title>"} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("the discreet form (%s) lacks %q", visit, want)
				}
			}
			if strings.Contains(res.Body, "<title>LGBTI") {
				t.Errorf("the discreet form (%s) names the activity in its title", visit)
			}
		}
	})
}

// TestFormCacheKeepsPeopleApart: a signed-in user's form is their own and
// never reaches a visitor, nor a visitor's theirs; a form refused and shown
// again holds what its sender typed, and the next visitor's form does not.
func TestFormCacheKeepsPeopleApart(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("autumn", 20)
		freezeCache(e)
		const form = "/activities/autumn/register"
		anon := e.client()
		tokAnon := ownToken(t, anon, anon.get(form))

		e.user("tuya@example.org", access.Participant)
		member := e.client()
		member.login("tuya@example.org")
		mine := member.get(form)
		if !strings.Contains(mine.Body, `id="logout"`) || !strings.Contains(mine.Body, `href="/account"`) {
			t.Fatal("a signed-in user got the anonymous form")
		}
		if ownToken(t, member, mine) == tokAnon || strings.Contains(mine.Body, tokAnon) {
			t.Fatal("a signed-in user's form holds a visitor's token")
		}
		if res := e.client().get(form); strings.Contains(res.Body, `id="logout"`) || strings.Contains(res.Body, member.cookies["gotong_csrf"]) {
			t.Fatal("a visitor got a signed-in user's form")
		}

		typed := registrationForm("typed.person@example.org", people.Rural)
		typed.Set("given_name", "Oyunchimeg")
		typed.Del("consent")
		refused := anon.postForm(form, typed)
		if refused.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(refused.Body, "Oyunchimeg") ||
			!strings.Contains(refused.Body, `id="e-consent"`) {
			t.Fatalf("the refused form: %d, not shown again as typed with its error", refused.StatusCode)
		}
		for name, c := range map[string]*client{"its sender": anon, "another visitor": e.client()} {
			res := c.get(form)
			for _, leak := range []string{"Oyunchimeg", "typed.person@example.org", `id="e-consent"`, `class="error"`} {
				if strings.Contains(res.Body, leak) {
					t.Errorf("the next form of %s shows %q", name, leak)
				}
			}
			ownToken(t, c, res)
		}
	})
}

// TestPlainToken: the tokens the CSRF middleware makes are spliced into a
// cached form as they are, since no escaper changes them; a token that an
// escaper would change is never spliced.
func TestPlainToken(t *testing.T) {
	t.Parallel()
	made := newSignedTokens(keys.CSRFKey{}).generate()
	for _, tc := range []struct {
		token string
		plain bool
	}{
		{made, true}, {"", true}, {"AZaz09-_.", true},
		{`a"b`, false}, {"a'b", false}, {"a<b", false}, {"a&b", false}, {"a b", false},
		{"a+b/c=", false}, {"a\\b", false}, {"é", false},
	} {
		if got := plainToken(tc.token); got != tc.plain {
			t.Errorf("plainToken(%q) = %v, want %v", tc.token, got, tc.plain)
		}
	}
}
