package web

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/web/ui"
)

// manageActivityPathRe matches the address of one activity on the manage pages.
var manageActivityPathRe = regexp.MustCompile(`^/manage/activities/(\d+)$`)

// TestBrowserCoordinatorPublishesCamp creates a camp with a rural quota
// through the manage form in Chromium, publishes it, and finds it with its
// free seats on the public pages.
func TestBrowserCoordinatorPublishesCamp(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	eachEnv(t, func(t *testing.T, e *env) {
		const email = "coord@example.org"
		e.user(email, access.Coordinator)
		base := e.listen()
		ctx := newBrowser(t)

		browse(ctx, t, "set the viewport", chromedp.EmulateViewport(1024, 900))
		browserLogin(ctx, t, base, email)

		// Fill and send the new activity form.
		day := time.Now().UTC().Truncate(24 * time.Hour)
		starts := day.Add(60*24*time.Hour + 9*time.Hour)
		ends := starts.Add(4 * 24 * time.Hour)
		closes := starts.Add(-10 * 24 * time.Hour)
		browse(ctx, t, "fill the new activity form",
			chromedp.Navigate(base+"/manage/activities/new"),
			chromedp.WaitVisible(chromedp.CSS("#activity-form")),
			chromedp.SetValue(chromedp.CSS("#f-kind"), "camp"),
			chromedp.SetValue(chromedp.CSS("#f-region"), "MN-057"),
			chromedp.SetValue(chromedp.CSS("#f-venue"), "Uliastai"),
			chromedp.SetValue(chromedp.CSS("#f-starts_at"), starts.Format(ui.FormTime)),
			chromedp.SetValue(chromedp.CSS("#f-ends_at"), ends.Format(ui.FormTime)),
			chromedp.SetValue(chromedp.CSS("#f-registration_closes_at"), closes.Format(ui.FormTime)),
			chromedp.SetValue(chromedp.CSS("#f-capacity"), "20"),
			chromedp.SetValue(chromedp.CSS("#f-quota_attribute_1"), "rural"),
			chromedp.SetValue(chromedp.CSS("#f-quota_share_1"), "25"),
			chromedp.SendKeys(chromedp.CSS("#f-title_en"), "Steppe camp"),
			chromedp.Click(chromedp.CSS("#save-activity")),
		)
		path := waitFor(ctx, t, "the path /manage/activities/<id>", pagePath(),
			func(p string) bool { return manageActivityPathRe.MatchString(p) })
		var id int64
		if _, err := fmt.Sscanf(manageActivityPathRe.FindStringSubmatch(path)[1], "%d", &id); err != nil {
			t.Fatal(err)
		}

		// Publish it.
		browse(ctx, t, "click #status-published", chromedp.Click(chromedp.CSS("#status-published")))
		waitFor(ctx, t, "#activity-status to be published", chromedp.AttributeValue(chromedp.CSS("#activity-status"), "class"),
			func(a chromedp.AttributeResult) bool { return strings.Contains(a.Value, "status-published") })

		// Find it on the public pages.
		browse(ctx, t, "open /activities", chromedp.Navigate(base+"/activities"))
		waitFor(ctx, t, "Steppe camp on /activities", chromedp.Text(chromedp.CSS("main")),
			func(s string) bool { return strings.Contains(s, "Steppe camp") })
		browse(ctx, t, "open the camp", chromedp.Click(chromedp.CSS(`main a[href="/activities/steppe-camp"]`)))
		waitPath(ctx, t, "/activities/steppe-camp")
		waitFor(ctx, t, "#free-seats to mention 20", chromedp.Text(chromedp.CSS("#free-seats")),
			func(s string) bool { return strings.Contains(s, "20") })
		waitFor(ctx, t, "#activity-when to show 09:00, Ulaanbaatar time", chromedp.Text(chromedp.CSS("#activity-when")),
			func(s string) bool { return strings.Contains(s, "09:00") && strings.Contains(s, "(Ulaanbaatar time)") })

		// The database holds what was typed, on Zavkhan's clocks (UTC+8).
		var a activities.Activity
		if err := e.db.Preload("Quotas").Take(&a, id).Error; err != nil {
			t.Fatal(err)
		}
		if a.Status != activities.StatusPublished || a.Capacity != 20 || a.Kind != activities.KindCamp || !a.StartsAt.Equal(starts.Add(-8*time.Hour)) {
			t.Fatalf("stored: status %q, capacity %d, kind %q, starts %v", a.Status, a.Capacity, a.Kind, a.StartsAt)
		}
		if len(a.Quotas) != 1 || a.Quotas[0].Attribute != "rural" || a.Quotas[0].Share != 0.25 {
			t.Fatalf("quotas: %+v", a.Quotas)
		}
	})
}
