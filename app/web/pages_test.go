package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/locales"
)

func catalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	c, err := i18n.Load(locales.FS, "en", nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLanguageNegotiation checks the four ways a language is chosen, in
// order: ?lang= (then remembered), the user's preference, Accept-Language,
// the default.
func TestLanguageNegotiation(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		cat := catalog(t)
		c := e.client()
		if got := pageLang(c.get("/").Body); got != "en" {
			t.Fatalf("default: %q", got)
		}
		c.header.Set("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5")
		res := c.get("/")
		if got := pageLang(res.Body); got != "fr" || !strings.Contains(res.Body, cat.Localizer("fr").T("home_heading")) {
			t.Fatalf("Accept-Language: %q", got)
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Language") {
			t.Error("a negotiated page does not vary on Accept-Language")
		}
		res = c.get("/?lang=mn")
		if got := pageLang(res.Body); got != "mn" || !strings.Contains(res.Body, cat.Localizer("mn").T("home_heading")) {
			t.Fatalf("?lang=mn: %q", got)
		}
		if got := pageLang(c.get("/login").Body); got != "mn" {
			t.Fatalf("?lang= not remembered: %q", got)
		}
		// A user's preference beats Accept-Language but not a remembered choice.
		u := e.user("a@example.org", access.Participant)
		if err := auth.NewStore(e.db, clock.System).UpdateProfile(context.Background(), u.ID, "A", "id"); err != nil {
			t.Fatal(err)
		}
		d := e.client()
		d.header.Set("Accept-Language", "fr")
		d.login("a@example.org")
		if got := pageLang(d.get("/account").Body); got != "id" {
			t.Fatalf("user preference: %q", got)
		}
		if got := pageLang(d.get("/account?lang=en").Body); got != "en" {
			t.Fatalf("?lang over preference: %q", got)
		}
		// The switcher links to the same page in each language.
		res = d.get("/account")
		for _, code := range i18n.Supported {
			if !strings.Contains(res.Body, `href="/account?lang=`+code+`"`) {
				t.Errorf("switcher lacks %s", code)
			}
		}
		// API errors speak the request's language too.
		api := e.client()
		api.header.Set("Accept-Language", "id")
		if body := apiErr(t, api.api("GET", "/api/v1/me", "", "")); body.Message != cat.Localizer("id").T("error_unauthorized") {
			t.Fatalf("API message not in Indonesian: %q", body.Message)
		}
	})
}

func TestNotFoundPagesInEachLanguage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		cat := catalog(t)
		for _, lang := range i18n.Supported {
			res := e.client().get("/no/such/page?lang=" + lang)
			want := html.EscapeString(cat.Localizer(lang).T("error_not_found"))
			if res.StatusCode != http.StatusNotFound || pageLang(res.Body) != lang || !strings.Contains(res.Body, want) {
				t.Errorf("%s: %d lang=%q, want the message %q", lang, res.StatusCode, pageLang(res.Body), want)
			}
			if !strings.Contains(res.Body, `id="lang-`+lang+`"`) {
				t.Errorf("%s: the 404 page has no language switcher", lang)
			}
		}
	})
}

func TestAPIErrorShape(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("a@example.org", access.Participant)
		tok := e.token("a@example.org")
		c := e.client()
		for _, tc := range []struct {
			name, method, path, body string
			status                   int
			code                     string
			field                    string
		}{
			{"unknown route", "GET", "/api/v1/nothing-here", "", 404, "not_found", ""},
			{"unknown method", "PUT", "/api/v1/me", "", 405, "method_not_allowed", ""},
			{"malformed JSON", "PATCH", "/api/v1/me", `{"display_name": `, 400, "bad_request", ""},
			{"not an object", "PATCH", "/api/v1/me", `[1, 2]`, 400, "bad_request", ""},
			{"unknown field", "PATCH", "/api/v1/me", `{"role": "admin"}`, 400, "bad_request", ""},
			{"wrong type", "PATCH", "/api/v1/me", `{"display_name": 7}`, 400, "bad_request", ""},
			{"trailing data", "PATCH", "/api/v1/me", `{"locale": "fr"} {}`, 400, "bad_request", ""},
			{"invalid locale", "PATCH", "/api/v1/me", `{"locale": "de"}`, 422, "validation_failed", "locale"},
			{"empty name", "PATCH", "/api/v1/me", `{"display_name": " "}`, 422, "validation_failed", "display_name"},
			{"forbidden", "GET", "/api/v1/users", "", 403, "forbidden", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := c.api(tc.method, tc.path, tok, tc.body)
				if res.StatusCode != tc.status {
					t.Fatalf("status %d, want %d (%s)", res.StatusCode, tc.status, res.Body)
				}
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Fatalf("content type %q", ct)
				}
				body := apiErr(t, res)
				if body.Code != tc.code {
					t.Fatalf("code %q, want %q", body.Code, tc.code)
				}
				if tc.field != "" && body.Fields[tc.field] == "" {
					t.Fatalf("no message for field %s: %+v", tc.field, body.Fields)
				}
			})
		}
		var u auth.User
		e.db.Where("email = ?", "a@example.org").First(&u)
		if u.DisplayName != "a" || u.Locale != "" {
			t.Fatalf("a refused request changed the user: %+v", u)
		}
		// A good request works.
		res := c.api("PATCH", "/api/v1/me", tok, `{"locale": "fr"}`)
		if res.StatusCode != 200 || !strings.Contains(res.Body, `"locale":"fr"`) {
			t.Fatalf("PATCH /api/v1/me: %d %s", res.StatusCode, res.Body)
		}
		// Too large a body, over a real connection: the server answers as soon
		// as it reads the length, without reading the body.
		base := e.listen()
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "PATCH /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
			"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n{", tok, BodyLimit+1)
		raw, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(raw.Body)
		raw.Body.Close()
		if raw.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("large body: %d", raw.StatusCode)
		}
		if body := apiErr(t, &response{Response: raw, Body: string(b)}); body.Code != "too_large" {
			t.Fatalf("large body code %q", body.Code)
		}
	})
}

var inlineScript = regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>\s*[^<\s]|\son[a-z]+\s*=|style\s*=|javascript:`)

func TestSecurityHeadersAndNoInlineCode(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("admin@example.org", access.Admin)
		c := e.client()
		c.login("admin@example.org")
		for _, path := range []string{"/", "/login", "/account", "/manage", "/manage/users", "/manage/audit", "/manage/activities", "/manage/activities/new", "/activities", "/nope", "/api/v1/nope"} {
			res := c.get(path)
			csp := res.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("%s: CSP %q", path, csp)
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: no nosniff", path)
			}
			if res.Header.Get("Referrer-Policy") == "" {
				t.Errorf("%s: no referrer policy", path)
			}
			if res.Header.Get("X-Request-Id") == "" {
				t.Errorf("%s: no request id", path)
			}
			if m := inlineScript.FindString(res.Body); m != "" {
				t.Errorf("%s: inline code %q", path, m)
			}
		}
		// Pages with a form carry the CSRF field.
		for _, res := range []*response{e.client().get("/login"), c.get("/account")} {
			if !strings.Contains(res.Body, `name="_csrf" value="`) {
				t.Errorf("%s: no _csrf field", res.Request.URL.Path)
			}
		}
	})
}

// TestPageWeight keeps every page, with its stylesheet, under 30 KB gzipped.
func TestPageWeight(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.Dialects()[0])
	e := newEnv(t, db)
	e.user("admin@example.org", access.Admin)
	c := e.client()
	c.login("admin@example.org")
	css := c.get("/static/app.css")
	if css.StatusCode != 200 || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("stylesheet: %d %q", css.StatusCode, css.Header.Get("Content-Type"))
	}
	for _, path := range []string{"/", "/login", "/account", "/manage", "/manage/users", "/manage/audit", "/manage/activities", "/manage/activities/new", "/activities", "/nope"} {
		for _, lang := range i18n.Supported {
			page := c.get(path + "?lang=" + lang)
			size := gzipped(t, page.Body) + gzipped(t, css.Body)
			if size > 30*1024 {
				t.Errorf("%s in %s weighs %d bytes gzipped with its stylesheet", path, lang, size)
			}
		}
	}
	// The server compresses what it sends.
	req := httpRequest("GET", "/", "", "")
	req.Header.Set("Accept-Encoding", "gzip")
	res := c.do(req)
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("home page not compressed: %q", res.Header.Get("Content-Encoding"))
	}
}

func gzipped(t *testing.T, s string) int {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
	_, _ = io.WriteString(w, s)
	_ = w.Close()
	return b.Len()
}

func TestStatic(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.Dialects()[0])
	e := newEnv(t, db)
	c := e.client()
	// What the pages link to is kept for a year; an address without the
	// current version, five minutes.
	page := c.get("/").Body
	links := regexp.MustCompile(`<link rel="(?:stylesheet|icon)" href="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(links) != 3 {
		t.Fatalf("links to assets: %v", links)
	}
	for _, l := range links {
		res := c.get(html.UnescapeString(l[1]))
		if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: %d, cache %q", l[1], res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
	for _, p := range []string{"/static/app.css", "/static/app.css?v=0ld", "/favicon.ico"} {
		if res := c.get(p); res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "public, max-age=300" {
			t.Errorf("%s: %d, cache %q", p, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
	for p, ctype := range map[string]string{"/favicon.ico": "image/", "/static/favicon.svg": "image/svg+xml", "/static/app.css": "text/css"} {
		if got := c.get(p).Header.Get("Content-Type"); !strings.HasPrefix(got, ctype) {
			t.Errorf("%s: Content-Type %q", p, got)
		}
	}
	for _, p := range []string{"/static/../embed.go", "/static/", "/static/nothing.css", "/static/%2e%2e/layouts/base.html"} {
		if res := c.get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.client()
		for _, p := range []string{"/healthz", "/readyz"} {
			if res := c.get(p); res.StatusCode != 200 || res.Body != "ok" {
				t.Errorf("%s: %d %q", p, res.StatusCode, res.Body)
			}
		}
	})
}

// TestServerErrorHidesInternals: a 500 is logged with its cause and the
// request id, and the visitor sees a generic page in their language.
func TestServerErrorHidesInternals(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.Dialects()[0])
	var logs bytes.Buffer
	var mu sync.Mutex
	e := newEnvLog(t, db, testConfig(), slog.New(slog.NewTextHandler(lockedWriter{&logs, &mu}, nil)))
	app := e.app
	app.Get("/boom", func(c *fiber.Ctx) error { return errors.New("pq: secret table exploded") })
	app.Get("/api/v1/boom", func(c *fiber.Ctx) error { panic("secret panic detail") })
	c := e.client()
	res := c.get("/boom?lang=fr")
	if res.StatusCode != 500 || strings.Contains(res.Body, "secret") || pageLang(res.Body) != "fr" {
		t.Fatalf("500 page: %d, lang %q, leaks=%v", res.StatusCode, pageLang(res.Body), strings.Contains(res.Body, "secret"))
	}
	res = c.api("GET", "/api/v1/boom", "", "")
	if res.StatusCode != 500 || strings.Contains(res.Body, "secret") {
		t.Fatalf("API 500: %d %s", res.StatusCode, res.Body)
	}
	if body := apiErr(t, res); body.Code != "internal" {
		t.Fatalf("API 500 code %q", body.Code)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "secret table exploded") || !strings.Contains(logs.String(), "request_id=") {
		t.Fatalf("the cause was not logged with the request id:\n%s", logs.String())
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestGracefulShutdown: when the server is told to stop, a request in flight
// still gets its answer, and new connections are refused.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	started := make(chan struct{})
	app.Get("/slow", func(c *fiber.Ctx) error {
		close(started)
		time.Sleep(500 * time.Millisecond)
		return c.SendString("finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, app, ln, 5*time.Second) }()

	got := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		got <- string(b)
	}()
	<-started
	cancel() // as SIGTERM does in serve
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request: %q", body)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := http.Get("http://" + addr + "/slow"); err == nil {
		t.Fatal("the server still accepts connections after shutdown")
	}
}
