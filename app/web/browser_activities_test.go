package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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
// consent, sends the form and waits for the page that says to check the
// email.
func fillRegistration(ctx context.Context, t *testing.T, given, email, locality string) {
	t.Helper()
	fillForm(ctx, t, given, email, locality, time.Now().Year()-20)
	sendForm(ctx, t)
}

// fillForm fills the registration form shown in the tab, without sending it.
func fillForm(ctx context.Context, t *testing.T, given, email, locality string, birthYear int) {
	t.Helper()
	browse(ctx, t, "fill the registration form of "+email,
		chromedp.SendKeys(chromedp.CSS("#f-given_name"), given),
		chromedp.SendKeys(chromedp.CSS("#f-family_name"), "Bold"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-birth_year"), strconv.Itoa(birthYear)),
		chromedp.SetValue(chromedp.CSS("#f-region"), "MN-057"),
		chromedp.Click(chromedp.CSS("#f-locality-"+locality)),
		chromedp.Click(chromedp.CSS("#f-consent")),
	)
}

// sendForm sends the registration form and waits for "check your email".
func sendForm(ctx context.Context, t *testing.T) {
	t.Helper()
	browse(ctx, t, "send the form", chromedp.Click(chromedp.CSS(`#register-form button[type="submit"]`)))
	waitFor(ctx, t, "#check-email", chromedp.Nodes(chromedp.CSS("#check-email")),
		func(n []*chromedp.Node) bool { return len(n) == 1 })
	fitsPhone(ctx, t, "check your email")
}

// confirmFromMail opens in the tab the link of the last email to addr, as
// its reader would, taps the one button of its page, and returns the text
// of #registration-result on the page the tap leads to.
func confirmFromMail(ctx context.Context, t *testing.T, e *env, base, addr string) string {
	t.Helper()
	browse(ctx, t, "open the link of the email to "+addr, chromedp.Navigate(base+e.lastMail(addr).Link(t, "/v/")))
	waitFor(ctx, t, "#verify-button", chromedp.Nodes(chromedp.CSS("#verify-button")),
		func(n []*chromedp.Node) bool { return len(n) == 1 })
	fitsPhone(ctx, t, "the email link's page")
	browse(ctx, t, "tap #verify-button", chromedp.Click(chromedp.CSS("#verify-button")))
	got := waitFor(ctx, t, "#registration-result", chromedp.Text(chromedp.CSS("#registration-result")),
		func(s string) bool { return s != "" })
	fitsPhone(ctx, t, "the registration's page")
	return got
}

// fitsPhone fails the test when the page in the tab is wider than the
// phone's screen, so that the reader would scroll sideways.
func fitsPhone(ctx context.Context, t *testing.T, what string) {
	t.Helper()
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatalf("measure %s: %v", what, err)
	}
	if width > 360 {
		t.Errorf("%s is %d px wide on a 360 px screen", what, width)
	}
}

// browserLogin signs in through the login form and waits for the home it
// leads to: /manage for the staff, /account for anyone else.
func browserLogin(ctx context.Context, t *testing.T, base, email string) {
	t.Helper()
	browse(ctx, t, "sign in as "+email,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword),
		chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
	)
	home := waitFor(ctx, t, "/account or /manage", pagePath(), func(p string) bool { return p == "/account" || p == "/manage" })
	if home == "/account" {
		waitFor(ctx, t, "#account-email to show "+email, chromedp.Text(chromedp.CSS("#account-email")),
			func(s string) bool { return s == email })
	}
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
// the public pages at a phone's size: the form, "check your email", the
// link of the email, the tap, the registration's own page; then cancels
// there.
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

		// Register: the form takes nothing until the email's link is tapped.
		fillRegistration(ctx, t, "Sari", email, "rural")
		waitPath(ctx, t, "/activities/harvest/check-email")
		waitLang(ctx, t, "id")
		if regs := e.registrationsOf(camp.ID); len(regs) != 0 {
			t.Fatalf("%d registrations before the email's link", len(regs))
		}
		if got := confirmFromMail(ctx, t, e, base, email); got != confirmed {
			t.Fatalf("#registration-result says %q, want %q", got, confirmed)
		}
		waitLang(ctx, t, "id")
		waitFor(ctx, t, "the online link", chromedp.Nodes(chromedp.CSS(`main a[href="`+campOnlineURL+`"]`)),
			func(n []*chromedp.Node) bool { return len(n) == 1 })
		manage, err := chromedp.Run(ctx, pagePath())
		if err != nil || !strings.HasPrefix(manage, "/r/") {
			t.Fatalf("the tap led to %q, %v", manage, err)
		}
		regs := e.registrationsOf(camp.ID)
		if len(regs) != 1 {
			t.Fatalf("%d registrations, want 1", len(regs))
		}
		if r := regs[0]; r.Status != string(registration.Confirmed) || r.DeclaredLocality != "rural" || r.Locale != "id" {
			t.Fatalf("registration: status %q, locality %q, locale %q; want confirmed, rural, id", r.Status, r.DeclaredLocality, r.Locale)
		}
		// Both emails reached Sari in Indonesian: the link, then the place.
		e.deliver()
		notices := e.mailbox().To(email)
		if len(notices) != 2 || notices[0].Header.Get("Content-Language") != "id" || notices[1].Header.Get("Content-Language") != "id" {
			t.Fatalf("%d notices to %s, want 2 in Indonesian", len(notices), email)
		}

		// Cancel at the registration's page.
		browse(ctx, t, "tap #cancel-submit", chromedp.Click(chromedp.CSS("#cancel-submit")))
		waitFor(ctx, t, fmt.Sprintf("the notice %q", cancelled), chromedp.Text(chromedp.CSS("#cancel-done")),
			func(s string) bool { return s == cancelled })
		waitPath(ctx, t, manage)
		waitLang(ctx, t, "id")
		if n, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("#cancel-form"), chromedp.AtLeast(0))); err != nil || len(n) != 0 {
			t.Fatalf("#cancel-form after cancelling: %d nodes, %v; want none", len(n), err)
		}
		if r := e.registrationsOf(camp.ID)[0]; r.Status != string(registration.Cancelled) {
			t.Fatalf("status after cancelling %q, want %q", r.Status, registration.Cancelled)
		}
	})
}

// TestBrowserWaitlistPromotion fills a one-place camp, puts a second person
// on the waiting list through the form and the email's link, cancels the
// first, and follows the second's email to their page, which shows the
// confirmed place and its online link.
func TestBrowserWaitlistPromotion(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	waitlisted := strings.ReplaceAll(translation(t, "en", "registered_waitlisted"), "{{.Position}}", "1")
	placeConfirmed := translation(t, "en", "registered_confirmed")
	eachEnv(t, func(t *testing.T, e *env) {
		const emailA, emailB = "altan@example.org", "bilguun@example.org"
		camp := e.publishedCamp("tiny", 1)
		base := e.listen()
		ctx := newBrowser(t)

		browse(ctx, t, "open the form for A", phoneViewport(), chromedp.Navigate(base+"/activities/tiny/register"))
		waitLang(ctx, t, "en")
		fillRegistration(ctx, t, "Altan", emailA, "urban")
		confirmFromMail(ctx, t, e, base, emailA)

		browse(ctx, t, "open the form for B", chromedp.Navigate(base+"/activities/tiny/register"))
		fillRegistration(ctx, t, "Bilguun", emailB, "rural")
		if got := confirmFromMail(ctx, t, e, base, emailB); got != waitlisted {
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

		browse(ctx, t, "follow B's promotion email", chromedp.Navigate(base+e.lastMail(emailB).Link(t, "/r/")))
		waitFor(ctx, t, fmt.Sprintf("%q on B's page", placeConfirmed), chromedp.Text(chromedp.CSS("#registration-result")),
			func(s string) bool { return s == placeConfirmed })
		waitFor(ctx, t, "the online link on B's page", chromedp.Nodes(chromedp.CSS(`#online-link[href="`+campOnlineURL+`"]`)),
			func(n []*chromedp.Node) bool { return len(n) == 1 })
	})
}

// TestBrowserGuardianGives: a sixteen-year-old registers in Mongolian,
// naming their guardian; their page says the place waits for the guardian;
// the guardian opens the link of their email on their phone and agrees;
// the young person's page then shows the place and its online link.
func TestBrowserGuardianGives(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	waiting, _, _ := strings.Cut(translation(t, "mn", "my_place_guardian"), "{{.Date}}")
	given := translation(t, "mn", "guardian_given")
	confirmed := translation(t, "mn", "registered_confirmed")
	eachEnv(t, func(t *testing.T, e *env) {
		const email, guardianEmail = "tuya@example.org", "dorj@example.org"
		camp := e.publishedCamp("steppe", 5)
		base := e.listen()
		ctx := newBrowser(t)

		browse(ctx, t, "open the form in Mongolian", phoneViewport(), chromedp.Navigate(base+"/activities/steppe/register?lang=mn"))
		waitLang(ctx, t, "mn")
		fitsPhone(ctx, t, "the form")
		fillForm(ctx, t, "Tuya", email, "rural", time.Now().Year()-16)
		browse(ctx, t, "name the guardian",
			chromedp.SendKeys(chromedp.CSS("#f-guardian_name"), "Dorj Bold"),
			chromedp.SendKeys(chromedp.CSS("#f-guardian_email"), guardianEmail))
		sendForm(ctx, t)
		if got := confirmFromMail(ctx, t, e, base, email); !strings.HasPrefix(got, waiting) {
			t.Fatalf("#registration-result says %q, want it to begin %q", got, waiting)
		}
		manage, err := chromedp.Run(ctx, pagePath())
		if err != nil {
			t.Fatal(err)
		}
		if n, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("#online-link, #calendar-link"), chromedp.AtLeast(0))); err != nil || len(n) != 0 {
			t.Fatalf("a place waiting for its guardian shows the online link or calendar (%d nodes, %v)", len(n), err)
		}

		// The guardian, on their own phone.
		gctx := newBrowser(t)
		browse(gctx, t, "open the guardian's link", phoneViewport(), chromedp.Navigate(base+e.lastMail(guardianEmail).Link(t, "/g/")))
		waitLang(gctx, t, "mn")
		waitFor(gctx, t, "#guardian-give", chromedp.Nodes(chromedp.CSS("#guardian-give")),
			func(n []*chromedp.Node) bool { return len(n) == 1 })
		fitsPhone(gctx, t, "the guardian's page")
		browse(gctx, t, "tap #guardian-give", chromedp.Click(chromedp.CSS("#guardian-give")))
		waitFor(gctx, t, fmt.Sprintf("%q", given), chromedp.Text(chromedp.CSS("#guardian-result")),
			func(s string) bool { return s == given })
		if r := e.registrationsOf(camp.ID)[0]; r.Guardian != registration.GuardianGiven || r.Status != string(registration.Confirmed) {
			t.Fatalf("after the guardian agreed: %+v", r)
		}

		browse(ctx, t, "reload the young person's page", chromedp.Navigate(base+manage))
		waitFor(ctx, t, fmt.Sprintf("%q", confirmed), chromedp.Text(chromedp.CSS("#registration-result")),
			func(s string) bool { return s == confirmed })
		waitFor(ctx, t, "the online link", chromedp.Nodes(chromedp.CSS(`#online-link[href="`+campOnlineURL+`"]`)),
			func(n []*chromedp.Node) bool { return len(n) == 1 })
	})
}
