package web

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/petitions"
)

// TestBrowserSignPetition: a visitor on a small phone opens a petition,
// sees its count, signs it, is told to check their email, opens the link
// of the email, taps its one button and sees the count risen by one.
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
		noWiderThanPhone(ctx, t)

		browse(ctx, t, "sign",
			chromedp.SendKeys(chromedp.CSS("#f-given_name"), "Sari"),
			chromedp.SendKeys(chromedp.CSS("#f-email"), "sari@example.org"),
			chromedp.SetValue(chromedp.CSS("#f-region"), "ID-JB"),
			chromedp.Click(chromedp.CSS("#f-consent")),
			chromedp.Click(chromedp.CSS(`#sign-form button[type="submit"]`)),
		)
		waitPath(ctx, t, "/p/free-them/check-email")
		lifetime := en.T("check_email_lifetime", "Hours", 48)
		waitFor(ctx, t, fmt.Sprintf("the lifetime %q", lifetime), chromedp.Text(chromedp.CSS("#check-email-lifetime")),
			func(s string) bool { return s == lifetime })
		noWiderThanPhone(ctx, t)
		if p, err := e.srv.Petitions.GetBySlug(context.Background(), "free-them"); err != nil || p.Signatures != 2 {
			t.Fatalf("count in the database %d (%v) before the link, want 2", p.Signatures, err)
		}

		// The email's link opens the page of one button.
		link := e.linkTo("sari@example.org")
		browse(ctx, t, "open the link", chromedp.Navigate(base+link))
		heading := en.T("verify_signature_heading", "Title", "Free the students")
		waitFor(ctx, t, fmt.Sprintf("the heading %q", heading), chromedp.Text(chromedp.CSS("#verify h1")),
			func(s string) bool { return s == heading })
		noWiderThanPhone(ctx, t)
		browse(ctx, t, "tap", chromedp.Click(chromedp.CSS("#verify-button")))
		thanks := en.Plural("petition_thanks", 3)
		waitFor(ctx, t, fmt.Sprintf("the result %q", thanks), chromedp.Text(chromedp.CSS("#verify-done")),
			func(s string) bool { return s == thanks })

		browse(ctx, t, "back to the petition", chromedp.Click(chromedp.CSS("#verify-back")))
		waitPath(ctx, t, "/p/free-them")
		waitFor(ctx, t, fmt.Sprintf("the count %q", after), chromedp.Text(chromedp.CSS("#petition-count")),
			func(s string) bool { return s == after })
		if p, err := e.srv.Petitions.GetBySlug(context.Background(), "free-them"); err != nil || p.Signatures != 3 {
			t.Fatalf("count in the database %d (%v), want 3", p.Signatures, err)
		}
	})
}

// noWiderThanPhone fails when the page is wider than the 360 px screen.
func noWiderThanPhone(ctx context.Context, t *testing.T) {
	t.Helper()
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth")); err != nil || w > 360 {
		t.Fatalf("the page is %d px wide (%v) on a 360 px screen", w, err)
	}
}
