package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/petitions"
)

// TestBrowserSignPetition: a visitor on a small phone opens a petition,
// sees its count, signs it, lands on the thank-you and sees the count risen
// by one.
func TestBrowserSignPetition(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	eachEnv(t, func(t *testing.T, e *env) {
		camp := e.petitionCampaign("Free expression", "expression")
		e.newPetition(camp, "free-them", 1000)
		for _, email := range []string{"a@example.org", "b@example.org"} {
			if _, err := e.srv.Petitions.Sign(context.Background(), "free-them",
				petitions.Signer{GivenName: "A", Email: email, Consent: true}, "en"); err != nil {
				t.Fatal(err)
			}
		}
		en := e.srv.Catalog.Localizer("en")
		before := en.Plural("petition_progress", 2, "Goal", en.Number(1000))
		after := en.Plural("petition_progress", 3, "Goal", en.Number(1000))
		base := e.listen()
		ctx := newBrowser(t)

		browse(ctx, t, "open the petition", phoneViewport(), chromedp.Navigate(base+"/p/free-them?lang=en"))
		waitLang(ctx, t, "en")
		waitFor(ctx, t, fmt.Sprintf("the count %q", before), chromedp.Text(chromedp.CSS("#petition-count")),
			func(s string) bool { return s == before })
		if v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#petition-meter"), "value")); err != nil || v.Value != "2" {
			t.Fatalf("the meter's value is %q (%v), want 2", v.Value, err)
		}
		// Nothing is wider than the phone.
		if w, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth")); err != nil || w > 360 {
			t.Fatalf("the page is %d px wide (%v) on a 360 px screen", w, err)
		}

		browse(ctx, t, "sign",
			chromedp.SendKeys(chromedp.CSS("#f-given_name"), "Sari"),
			chromedp.SendKeys(chromedp.CSS("#f-email"), "sari@example.org"),
			chromedp.SetValue(chromedp.CSS("#f-region"), "ID-JB"),
			chromedp.Click(chromedp.CSS("#f-consent")),
			chromedp.Click(chromedp.CSS(`#sign-form button[type="submit"]`)),
		)
		thanks := en.Plural("petition_thanks", 3)
		waitFor(ctx, t, fmt.Sprintf("the thank-you %q", thanks), chromedp.Text(chromedp.CSS("#petition-thanks")),
			func(s string) bool { return s == thanks })
		waitPath(ctx, t, "/p/free-them")
		if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "?signed=1") {
			t.Fatalf("landed on %q (%v), want the thank-you", loc, err)
		}
		waitFor(ctx, t, fmt.Sprintf("the count %q", after), chromedp.Text(chromedp.CSS("#petition-count")),
			func(s string) bool { return s == after })
		if p, err := e.srv.Petitions.GetBySlug(context.Background(), "free-them"); err != nil || p.Signatures != 3 {
			t.Fatalf("count in the database %d (%v), want 3", p.Signatures, err)
		}
	})
}
