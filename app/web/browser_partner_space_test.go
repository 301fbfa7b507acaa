package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPartnerPlanningNote: in Chromium, a partner member signs in,
// switches to Mongolian, opens its campaign from its space and adds a note
// at the planning stage, which then shows in the stage's shared log.
func TestBrowserPartnerPlanningNote(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	eachEnv(t, func(t *testing.T, e *env) {
		f := newScopeFixture(t, e)
		base := e.listen()
		ctx := newBrowser(t)
		browse(ctx, t, "set the viewport", chromedp.EmulateViewport(1024, 900))
		browserLogin(ctx, t, base, "member@org-a.example")
		browse(ctx, t, "open the partner space and switch to Mongolian",
			chromedp.Navigate(base+"/partner"),
			chromedp.Click(chromedp.CSS("#lang-mn")),
		)
		waitLang(ctx, t, "mn")
		waitFor(ctx, t, "the campaigns in Mongolian", chromedp.Text(chromedp.CSS("#our-campaigns h2")),
			func(s string) bool { return s == translation(t, "mn", "partner_campaigns") })
		browse(ctx, t, "open the campaign", chromedp.Click(chromedp.CSS("#campaign-"+itoa(f.campA))))
		waitPath(ctx, t, "/partner/campaigns/"+itoa(f.campA))
		const note = "Төлөвлөгөөний уулзалт Бямба гарагт"
		browse(ctx, t, "write a planning note",
			chromedp.SendKeys(chromedp.CSS("#f-text_planning"), note),
			chromedp.Click(chromedp.CSS("#add-note-planning")),
		)
		waitFor(ctx, t, "the note in the planning log", chromedp.Text(chromedp.CSS("#notes-planning")),
			func(s string) bool { return strings.Contains(s, note) && strings.Contains(s, "Member A") })
		if page := pageURL(ctx); strings.Contains(page, "/manage/") {
			t.Fatalf("the partner landed on a staff page: %s", page)
		}
		// The monitoring stage is not A's: it has no form there.
		forms, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("form[id^=note-form-]").length`))
		if err != nil || forms != 1 {
			t.Fatalf("%d note forms (%v), want the planning one only", forms, err)
		}
		var stored string
		e.db.Raw("SELECT text FROM campaign_notes WHERE campaign_id = ? AND stage = 'planning'", f.campA).Scan(&stored)
		if stored != note {
			t.Fatalf("stored note %q", stored)
		}
	})
}
