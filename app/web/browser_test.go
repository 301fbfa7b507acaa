package web

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/access"
)

// chromiumPath is where Debian installs Chromium; the browser tests use it.
const chromiumPath = "/usr/bin/chromium"

// Time limits of the browser tests: the whole browser session, and one wait
// for the page to reach an expected state.
const (
	browserTimeout = 60 * time.Second
	browserWait    = 15 * time.Second
)

// requireBrowser skips the test in short mode, or when Chromium is missing
// outside CI. In CI a missing browser fails the test: it must never be
// skipped there without anyone noticing.
func requireBrowser(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in short mode")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but Chromium is missing: %v", err)
		}
		t.Skipf("Chromium is missing (%v); set CI to make this a failure", err)
	}
}

// newBrowser starts a headless Chromium with an empty profile and returns a
// chromedp context for one tab of it. The browser lives at most
// browserTimeout and is stopped when the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	requireBrowser(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
	)
	timeoutCtx, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(timeoutCtx, opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser and opens the tab
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// browse runs the steps in the browser and fails the test on an error.
func browse(ctx context.Context, t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v (page %s)", what, err, pageURL(ctx))
	}
}

// waitFor runs the action again and again until ok accepts its value, and
// returns that value. It fails the test with the last value or error after
// browserWait. Errors are retried, since a page may be loading.
func waitFor[T any](ctx context.Context, t *testing.T, what string, a chromedp.Action[T], ok func(T) bool) T {
	t.Helper()
	deadline := time.Now().Add(browserWait)
	for {
		actx, cancel := context.WithTimeout(ctx, time.Second)
		v, err := chromedp.Run(actx, a)
		cancel()
		if err == nil && ok(v) {
			return v
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			if err != nil {
				t.Fatalf("waiting for %s: %v (page %s)", what, err, pageURL(ctx))
			}
			t.Fatalf("waiting for %s: got %v (page %s)", what, v, pageURL(ctx))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// pageURL is the address of the tab, for messages.
func pageURL(ctx context.Context) string {
	actx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	loc, err := chromedp.Run(actx, chromedp.Location())
	if err != nil {
		return fmt.Sprintf("unknown: %v", err)
	}
	return loc
}

// pagePath is an action returning the path of the tab's address.
func pagePath() chromedp.Action[string] {
	return func(ctx context.Context, t *chromedp.Target) (string, error) {
		loc, err := chromedp.Location()(ctx, t)
		if err != nil {
			return "", err
		}
		u, err := url.Parse(loc)
		if err != nil {
			return "", err
		}
		return u.Path, nil
	}
}

// waitPath waits until the tab shows path.
func waitPath(ctx context.Context, t *testing.T, path string) {
	t.Helper()
	waitFor(ctx, t, "path "+path, pagePath(), func(p string) bool { return p == path })
}

// waitLang waits until the page's <html lang> is lang.
func waitLang(ctx context.Context, t *testing.T, lang string) {
	t.Helper()
	waitFor(ctx, t, "html lang "+lang, chromedp.AttributeValue(chromedp.CSS("html"), "lang"),
		func(a chromedp.AttributeResult) bool { return a.Value == lang })
}

// translation reads message key of language lang from locales/ as the file
// says now, so the test follows edits of the translations.
func translation(t *testing.T, lang, key string) string {
	t.Helper()
	var msgs map[string]any
	path := filepath.Join("..", "..", "locales", lang+".toml")
	if _, err := toml.DecodeFile(path, &msgs); err != nil {
		t.Fatal(err)
	}
	s, ok := msgs[key].(string)
	if !ok || s == "" {
		t.Fatalf("%s: no message %q", path, key)
	}
	return s
}

// TestBrowserLoginLanguageLogout signs in through the real form in Chromium
// at a phone's size, switches the language to Mongolian and back, then signs
// out and checks the session is gone.
func TestBrowserLoginLanguageLogout(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	mnManageTitle := translation(t, "mn", "manage_title")
	eachEnv(t, func(t *testing.T, e *env) {
		const email = "coord@example.org"
		e.user(email, access.Coordinator)
		base := e.listen()
		ctx := newBrowser(t)

		// Sign in: the staff land on /manage.
		browse(ctx, t, "use a phone-sized viewport",
			chromedp.EmulateViewport(360, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile))
		browserLogin(ctx, t, base, email)
		waitPath(ctx, t, "/manage")

		// Switch to Mongolian.
		browse(ctx, t, "click #lang-mn", chromedp.Click(chromedp.CSS("#lang-mn")))
		waitLang(ctx, t, "mn")
		waitFor(ctx, t, fmt.Sprintf("the Mongolian title %q", mnManageTitle), chromedp.Text(chromedp.CSS("main h1")),
			func(s string) bool { return s == mnManageTitle })
		if p, err := chromedp.Run(ctx, pagePath()); err != nil || p != "/manage" {
			t.Fatalf("after switching language: path %q, %v; want /manage", p, err)
		}

		// Back to English.
		browse(ctx, t, "click #lang-en", chromedp.Click(chromedp.CSS("#lang-en")))
		waitLang(ctx, t, "en")

		// Sign out: the home page offers to sign in, and the account page
		// sends to the login page.
		browse(ctx, t, "click #logout", chromedp.Click(chromedp.CSS("#logout")))
		waitPath(ctx, t, "/")
		waitFor(ctx, t, "#login-link", chromedp.Nodes(chromedp.CSS("#login-link"), chromedp.NodeVisible),
			func(n []*chromedp.Node) bool { return len(n) > 0 })
		browse(ctx, t, "open /account signed out", chromedp.Navigate(base+"/account"))
		waitPath(ctx, t, "/login")
		waitFor(ctx, t, "#login-form", chromedp.Nodes(chromedp.CSS("#login-form")),
			func(n []*chromedp.Node) bool { return len(n) > 0 })
	})
}
