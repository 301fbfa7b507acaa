package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/testdb"
)

// summaryState is where a refused form's page opened: the top of its error
// summary in the viewport, the id of the focused element, and the links of
// the summary.
type summaryState struct {
	Top    float64  `json:"top"`
	Focus  string   `json:"focus"`
	Links  []string `json:"links"`
	Scroll float64  `json:"scroll"`
}

// readSummary reads the summaryState of the page in the tab.
func readSummary() chromedp.Action[summaryState] {
	return chromedp.Evaluate[summaryState](`(() => {
		const s = document.getElementById("error-summary");
		return {top: s ? s.getBoundingClientRect().top : 99999,
			focus: document.activeElement ? document.activeElement.id : "",
			links: s ? [...s.querySelectorAll("a")].map(a => a.getAttribute("href")) : [],
			scroll: window.scrollY};
	})()`)
}

// expectSummary waits for the page a refused form led to and checks, as a
// phone shows it, that its error summary is on the first screen, holds the
// focus, and links each field in want.
func expectSummary(ctx context.Context, t *testing.T, what string, want ...string) {
	t.Helper()
	got := waitFor(ctx, t, what+": the error summary", readSummary(), func(s summaryState) bool { return s.Top < 99999 })
	// The browser focuses the summary as it loads the page; give it a moment.
	deadline := time.Now().Add(2 * time.Second)
	for got.Focus != "error-summary" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		got = waitFor(ctx, t, what+": the error summary", readSummary(), func(summaryState) bool { return true })
	}
	if got.Top < 0 || got.Top >= 640 {
		t.Errorf("%s: the summary's top is at %.0f px, outside the first screen (scrolled %.0f)", what, got.Top, got.Scroll)
	}
	if got.Focus != "error-summary" {
		t.Errorf("%s: the focus is on %q, not the summary", what, got.Focus)
	}
	for _, href := range want {
		if !strings.Contains(strings.Join(got.Links, " "), href) {
			t.Errorf("%s: the summary links %v, not %s", what, got.Links, href)
		}
	}
	fitsPhone(ctx, t, what)
}

// TestBrowserRefusedFormsShowWhy: on a 360×640 phone, a refused public
// registration, erasure, staff activity form and empty campaign note each
// open at an error summary on the first screen, with the focus in it and a
// link to each refused field. The browser runs once, on the first
// database: the pages are the same on both.
func TestBrowserRefusedFormsShowWhy(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	e := newEnv(t, testdb.New(t, testdb.Dialects()[0]))
	e.publishedCamp("summer", 5)
	const participant, coordinator = "saraa@example.org", "coord@example.org"
	e.user(participant, access.Participant)
	e.user(coordinator, access.Coordinator)
	f := newScopeFixture(t, e)
	base := e.listen()
	ctx := newBrowser(t)
	browse(ctx, t, "use a 360×640 phone", chromedp.EmulateViewport(360, 640, chromedp.EmulatePortrait, chromedp.EmulateMobile))

	// A registration born too long ago.
	browse(ctx, t, "open the registration form", chromedp.Navigate(base+"/activities/summer/register"))
	fillForm(ctx, t, "Saraa", "saraa.b@example.org", "rural", 1900)
	browse(ctx, t, "send the form", chromedp.Click(chromedp.CSS(`#register-form button[type="submit"]`)))
	expectSummary(ctx, t, "the refused registration", "#f-birth_year")

	// An erasure without its box ticked.
	browserLogin(ctx, t, base, participant)
	browse(ctx, t, "erase without the box", chromedp.Click(chromedp.CSS("#erase-submit")))
	expectSummary(ctx, t, "the refused erasure", "#f-confirm")
	browse(ctx, t, "sign out", chromedp.Click(chromedp.CSS("#logout")))
	waitPath(ctx, t, "/")

	// An activity form sent empty (as a browser that does not check
	// required fields would).
	browserLogin(ctx, t, base, coordinator)
	browse(ctx, t, "send an empty activity form",
		chromedp.Navigate(base+"/manage/activities/new"),
		chromedp.WaitVisible(chromedp.CSS("#activity-form")),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("activity-form").noValidate = true`),
		chromedp.Click(chromedp.CSS("#save-activity")),
	)
	expectSummary(ctx, t, "the refused activity form", "#f-capacity", "#f-starts_at", "#f-title_en")

	// An empty note.
	browse(ctx, t, "add an empty note",
		chromedp.Navigate(base+"/manage/campaigns/"+itoa(f.campA)),
		chromedp.WaitVisible(chromedp.CSS("#add-note-planning")),
		chromedp.Click(chromedp.CSS("#add-note-planning")),
	)
	expectSummary(ctx, t, "the refused note", "#f-text_planning")
}
