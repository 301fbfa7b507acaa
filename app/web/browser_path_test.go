package web

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/access"
)

// TestBrowserAccountPath: a participant signs in on a phone and finds
// their path on their account, in Mongolian: each activity attended with
// its hours, the hours in all, nothing wider than the screen.
func TestBrowserAccountPath(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	heading := translation(t, "mn", "path_heading_own")
	hoursLabel := translation(t, "mn", "path_hours_col")
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.pathFixture()
		u := e.user("saraa.bold@example.org", access.Participant)
		if err := e.db.Table("users").Where("id = ?", u.ID).Update("person_id", f.person).Error; err != nil {
			t.Fatal(err)
		}
		base := e.listen()
		ctx := newBrowser(t)
		browse(ctx, t, "use a phone-sized viewport",
			chromedp.EmulateViewport(360, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile))
		browserLogin(ctx, t, base, "saraa.bold@example.org")
		browse(ctx, t, "open the account in Mongolian", chromedp.Navigate(base+"/account?lang=mn"))
		waitLang(ctx, t, "mn")
		waitFor(ctx, t, "the path's heading", chromedp.Text(chromedp.CSS("#path-h")), func(s string) bool { return s == heading })
		rows := waitFor(ctx, t, "the path's activities", chromedp.Evaluate[[]string](`[...document.querySelectorAll("#path-activities tbody tr")].map(r => r.id)`),
			func(ids []string) bool { return len(ids) == 2 })
		if rows[0] != "path-"+itoa(f.training.ID) || rows[1] != "path-"+itoa(f.camp.ID) {
			t.Fatalf("rows %v", rows)
		}
		if total, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#path-hours"))); err != nil || total != "98.5" {
			t.Fatalf("hours in all %q, %v", total, err)
		}
		// On a phone each row stacks, its hours labelled.
		label, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`getComputedStyle(document.querySelector("#path-activities tbody tr td.num"), "::before").content`))
		if err != nil || label != `"`+hoursLabel+`"` {
			t.Fatalf("the hours' label on a phone: %s, %v", label, err)
		}
		fitsPhone(ctx, t, "the account with its path")
	})
}
