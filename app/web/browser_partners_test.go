package web

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/access"
)

// managePartnerPathRe matches the address of one organisation's staff page.
var managePartnerPathRe = regexp.MustCompile(`^/manage/partners/(\d+)$`)

// TestBrowserCoordinatorManagesPartner creates an organisation through the
// staff form in Chromium, makes its partnership active, and ticks it as a
// co-host of a camp, which then shows on the organisation's page.
func TestBrowserCoordinatorManagesPartner(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	eachEnv(t, func(t *testing.T, e *env) {
		const email = "coord@example.org"
		e.user(email, access.Coordinator)
		camp := e.publishedCamp("steppe", 20)
		base := e.listen()
		ctx := newBrowser(t)

		browse(ctx, t, "set the viewport", chromedp.EmulateViewport(1024, 900))
		browserLogin(ctx, t, base, email)
		browse(ctx, t, "fill the new organisation form",
			chromedp.Navigate(base+"/manage/partners"),
			chromedp.Click(chromedp.CSS("#new-partner")),
			chromedp.WaitVisible(chromedp.CSS("#partner-form")),
			chromedp.SendKeys(chromedp.CSS("#f-name"), "Steppe Youth Council"),
			chromedp.SetValue(chromedp.CSS("#f-kind"), "youth_council"),
			chromedp.SetValue(chromedp.CSS("#f-region"), "MN-057"),
			chromedp.SendKeys(chromedp.CSS("#f-website"), "https://steppe.example.org"),
			chromedp.SendKeys(chromedp.CSS("#f-description_mn"), "Завхан аймгийн залуучуудын зөвлөл"),
			chromedp.Click(chromedp.CSS("#save-partner")),
		)
		path := waitFor(ctx, t, "the path /manage/partners/<id>", pagePath(),
			func(p string) bool { return managePartnerPathRe.MatchString(p) })
		var id int64
		if _, err := fmt.Sscanf(managePartnerPathRe.FindStringSubmatch(path)[1], "%d", &id); err != nil {
			t.Fatal(err)
		}

		browse(ctx, t, "make the partnership active",
			chromedp.SetValue(chromedp.CSS("#f-status"), "active"),
			chromedp.SendKeys(chromedp.CSS("#f-shared_goals"), "Rural youth at the summer camp"),
			chromedp.Click(chromedp.CSS("#save-partnership")),
		)
		waitFor(ctx, t, "#partnership-status to be active", chromedp.AttributeValue(chromedp.CSS("#partnership-status"), "class"),
			func(a chromedp.AttributeResult) bool { return strings.Contains(a.Value, "status-active") })

		browse(ctx, t, "tick the organisation as a co-host of the camp",
			chromedp.Navigate(fmt.Sprintf("%s/manage/activities/%d", base, camp.ID)),
			chromedp.Click(chromedp.CSS(fmt.Sprintf("#host-%d", id))),
			chromedp.Click(chromedp.CSS("#save-cohosts")),
		)
		waitFor(ctx, t, "the saved notice", chromedp.Text(chromedp.CSS("main")),
			func(s string) bool { return strings.Contains(s, "Your changes are saved.") })
		browse(ctx, t, "open the organisation's page", chromedp.Navigate(base+path))
		waitFor(ctx, t, "the camp among the co-hosted activities", chromedp.Text(chromedp.CSS("#partner-activities")),
			func(s string) bool { return strings.Contains(s, "Camp steppe") })

		p := e.partnerByName("Steppe Youth Council")
		if p.Kind != "youth_council" || p.Region != "MN-057" || p.Partnership.Status != "active" ||
			p.Partnership.SharedGoals != "Rural youth at the summer camp" || p.DescriptionIn("mn") == "" {
			t.Fatalf("stored %+v", p)
		}
	})
}
