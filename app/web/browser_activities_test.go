package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/registration"
)

// campOnlineURL is the online link of the camps publishedCamp makes.
const campOnlineURL = "https://meet.example/private-room"

// phoneViewport is the size of a small phone, in portrait.
func phoneViewport() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(360, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile)
}

// fillRegistration fills the registration form shown in the tab for a
// person of about twenty, with the locality "rural" or "urban", ticks the
// consent, sends the form and returns the text of #registration-result.
func fillRegistration(ctx context.Context, t *testing.T, given, email, locality string) string {
	t.Helper()
	browse(ctx, t, "fill the registration form of "+email,
		chromedp.SendKeys(chromedp.CSS("#f-given_name"), given),
		chromedp.SendKeys(chromedp.CSS("#f-family_name"), "Bold"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-birth_year"), strconv.Itoa(time.Now().Year()-20)),
		chromedp.SetValue(chromedp.CSS("#f-region"), "MN-057"),
		chromedp.Click(chromedp.CSS("#f-locality-"+locality)),
		chromedp.Click(chromedp.CSS("#f-consent")),
		chromedp.Click(chromedp.CSS(`#register-form button[type="submit"]`)),
	)
	return waitFor(ctx, t, "#registration-result", chromedp.Text(chromedp.CSS("#registration-result")),
		func(s string) bool { return s != "" })
}

// browserLogin signs in through the login form and waits for /account.
func browserLogin(ctx context.Context, t *testing.T, base, email string) {
	t.Helper()
	browse(ctx, t, "sign in as "+email,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword),
		chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
	)
	waitPath(ctx, t, "/account")
	waitFor(ctx, t, "#account-email to show "+email, chromedp.Text(chromedp.CSS("#account-email")),
		func(s string) bool { return s == email })
}

// registrationsOf is the activity's registrations, oldest first.
func (e *env) registrationsOf(activityID int64) []registration.Registration {
	e.t.Helper()
	var regs []registration.Registration
	if err := e.db.Where("activity_id = ?", activityID).Order("id").Find(&regs).Error; err != nil {
		e.t.Fatal(err)
	}
	return regs
}

// TestBrowserRegisterAndCancel registers for a camp in Indonesian through
// the public pages at a phone's size, then signs in and cancels the
// registration from the account page.
func TestBrowserRegisterAndCancel(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	confirmed := translation(t, "id", "registered_confirmed")
	cancelled := translation(t, "id", "account_cancelled")
	eachEnv(t, func(t *testing.T, e *env) {
		const email = "sari@example.org"
		camp := e.publishedCamp("harvest", 5, activities.QuotaInput{Attribute: "rural", Share: 0.25})
		base := e.listen()
		ctx := newBrowser(t)

		// Find the camp in Indonesian.
		browse(ctx, t, "open the activities",
			phoneViewport(),
			chromedp.Navigate(base+"/activities"),
			chromedp.Click(chromedp.CSS("#lang-id")),
		)
		waitLang(ctx, t, "id")
		browse(ctx, t, "open the camp", chromedp.Click(chromedp.CSS(`main a[href="/activities/harvest"]`)))
		waitPath(ctx, t, "/activities/harvest")
		browse(ctx, t, "follow #register-link", chromedp.Click(chromedp.CSS("#register-link")))
		waitPath(ctx, t, "/activities/harvest/register")

		// Register.
		if got := fillRegistration(ctx, t, "Sari", email, "rural"); got != confirmed {
			t.Fatalf("#registration-result says %q, want %q", got, confirmed)
		}
		waitLang(ctx, t, "id")
		waitFor(ctx, t, "the online link", chromedp.Nodes(chromedp.CSS(`main a[href="`+campOnlineURL+`"]`)),
			func(n []*chromedp.Node) bool { return len(n) == 1 })
		regs := e.registrationsOf(camp.ID)
		if len(regs) != 1 {
			t.Fatalf("%d registrations, want 1", len(regs))
		}
		if r := regs[0]; r.Status != string(registration.Confirmed) || r.DeclaredLocality != "rural" || r.Locale != "id" {
			t.Fatalf("registration: status %q, locality %q, locale %q; want confirmed, rural, id", r.Status, r.DeclaredLocality, r.Locale)
		}

		// The notice reaches Sari by mail, in Indonesian; its link opens the camp.
		e.deliver()
		notices := e.mailbox().To(email)
		if len(notices) != 1 || notices[0].Header.Get("Content-Language") != "id" {
			t.Fatalf("%d notices to %s, want 1 in Indonesian", len(notices), email)
		}
		browse(ctx, t, "follow the notice's link", chromedp.Navigate(base+notices[0].Link(t, "/activities/")))
		waitPath(ctx, t, "/activities/harvest")
		waitLang(ctx, t, "id")

		// Sign in with the same email; the language is remembered.
		e.user(email, access.Participant)
		browserLogin(ctx, t, base, email)
		waitLang(ctx, t, "id")
		cancel := fmt.Sprintf("#my-registrations #cancel-%d", regs[0].ID)
		waitFor(ctx, t, "the registration on /account", chromedp.Text(chromedp.CSS("#my-registrations")),
			func(s string) bool { return strings.Contains(s, "Camp harvest") })

		// Cancel it.
		browse(ctx, t, "click "+cancel, chromedp.Click(chromedp.CSS(cancel)))
		waitFor(ctx, t, fmt.Sprintf("the notice %q", cancelled), chromedp.Text(chromedp.CSS(`main p.notice[role="status"]`)),
			func(s string) bool { return s == cancelled })
		waitPath(ctx, t, "/account")
		waitLang(ctx, t, "id")
		if n, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("#my-registrations"), chromedp.AtLeast(0))); err != nil || len(n) != 0 {
			t.Fatalf("#my-registrations after cancelling: %d nodes, %v; want none", len(n), err)
		}
		if r := e.registrationsOf(camp.ID)[0]; r.Status != string(registration.Cancelled) {
			t.Fatalf("status after cancelling %q, want %q", r.Status, registration.Cancelled)
		}
	})
}

// TestBrowserWaitlistPromotion fills a one-place camp, puts a second person
// on the waiting list through the form, cancels the first, and checks the
// second sees the confirmed place and its online link on /account.
func TestBrowserWaitlistPromotion(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	waitlisted := strings.ReplaceAll(translation(t, "en", "registered_waitlisted"), "{{.Position}}", "1")
	placeConfirmed := translation(t, "en", "account_reg_confirmed")
	eachEnv(t, func(t *testing.T, e *env) {
		const emailA, emailB = "altan@example.org", "bilguun@example.org"
		camp := e.publishedCamp("tiny", 1)
		base := e.listen()
		ctx := newBrowser(t)

		browse(ctx, t, "open the form for A", phoneViewport(), chromedp.Navigate(base+"/activities/tiny/register"))
		waitLang(ctx, t, "en")
		fillRegistration(ctx, t, "Altan", emailA, "urban")

		browse(ctx, t, "open the form for B", chromedp.Navigate(base+"/activities/tiny/register"))
		if got := fillRegistration(ctx, t, "Bilguun", emailB, "rural"); got != waitlisted {
			t.Fatalf("B's #registration-result says %q, want %q", got, waitlisted)
		}
		if n, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(`a[href="`+campOnlineURL+`"]`), chromedp.AtLeast(0))); err != nil || len(n) != 0 {
			t.Fatalf("the waitlisted page shows the online link (%d nodes, %v)", len(n), err)
		}

		regs := e.registrationsOf(camp.ID)
		if len(regs) != 2 || regs[0].Status != string(registration.Confirmed) || regs[1].Status != string(registration.Waitlisted) {
			t.Fatalf("registrations before cancelling: %+v", regs)
		}
		if _, err := e.srv.Registrations.Cancel(context.Background(), regs[0].ID); err != nil {
			t.Fatal(err)
		}

		e.user(emailB, access.Participant)
		browserLogin(ctx, t, base, emailB)
		waitFor(ctx, t, fmt.Sprintf("%q on /account", placeConfirmed), chromedp.Text(chromedp.CSS("#my-registrations .meta")),
			func(s string) bool { return strings.Contains(s, placeConfirmed) })
		waitFor(ctx, t, "the online link on /account", chromedp.Nodes(chromedp.CSS(`#my-registrations a[href="`+campOnlineURL+`"]`)),
			func(n []*chromedp.Node) bool { return len(n) == 1 })
	})
}
