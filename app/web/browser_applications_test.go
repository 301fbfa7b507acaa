package web

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/registration"
)

// TestBrowserApplications applies to a camp in Mongolian on a 360 px phone
// (the form, the email's link, the tap, "under review"), then a
// coordinator reviews the applications on the phone: accepts one, declines
// the other, each in one tap after ticking.
func TestBrowserApplications(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	underReview := translation(t, "mn", "registered_applied")
	eachEnv(t, func(t *testing.T, e *env) {
		camp := e.publishedCamp("selection", 2, activities.QuotaInput{Attribute: "rural", Share: 0.5})
		if err := e.db.Model(&activities.Activity{}).Where("id = ?", camp.ID).
			Update("registration_mode", activities.RegistrationModeApplication).Error; err != nil {
			t.Fatal(err)
		}
		e.srv.Changes.ActivityChanged(camp.ID)
		base := e.listen()
		ctx := newBrowser(t)

		for _, p := range []struct{ given, email, locality string }{
			{"Болормаа", "bolor@example.org", "rural"}, {"Тэмүүлэн", "temuulen@example.org", "urban"},
		} {
			browse(ctx, t, "open the form in Mongolian", phoneViewport(), chromedp.Navigate(base+"/activities/selection/register?lang=mn"))
			waitLang(ctx, t, "mn")
			fillRegistration(ctx, t, p.given, p.email, p.locality)
			waitPath(ctx, t, "/activities/selection/check-email")
			fitsPhone(ctx, t, "the check-email page")
			if got := confirmFromMail(ctx, t, e, base, p.email); got != underReview {
				t.Fatalf("#registration-result says %q, want %q", got, underReview)
			}
			waitLang(ctx, t, "mn")
			mail := e.lastMail(p.email)
			if mail.Header.Get("Content-Language") != "mn" ||
				mail.Subject != catalog(t).Localizer("mn").T("notice_applied_subject", "Title", "Camp selection") {
				t.Fatalf("the email after the tap: %q (%s)", mail.Subject, mail.Header.Get("Content-Language"))
			}
		}
		regs := e.registrationsOf(camp.ID)
		if len(regs) != 2 || regs[0].Status != string(registration.Applied) || regs[1].Status != string(registration.Applied) {
			t.Fatalf("registrations after the taps: %+v", regs)
		}

		e.user("coord@example.org", access.Coordinator)
		browserLogin(ctx, t, base, "coord@example.org")
		path := fmt.Sprintf("/manage/activities/%d/applications", camp.ID)
		for i, step := range []struct{ decision, status string }{{"accept", "confirmed"}, {"decline", "declined"}} {
			id := regs[i].ID
			browse(ctx, t, "open the review", chromedp.Navigate(base+path))
			waitFor(ctx, t, "the applicant's box", chromedp.Nodes(chromedp.CSS(fmt.Sprintf("#pick-%d", id))),
				func(n []*chromedp.Node) bool { return len(n) == 1 })
			fitsPhone(ctx, t, "the review page")
			browse(ctx, t, step.decision, chromedp.Click(chromedp.CSS(fmt.Sprintf("#pick-%d", id))),
				chromedp.Click(chromedp.CSS("#"+step.decision+"-selected")))
			waitFor(ctx, t, "#decision-done", chromedp.Text(chromedp.CSS("#decision-done")), func(s string) bool { return s != "" })
			fitsPhone(ctx, t, "the review page after a decision")
			if r := e.registrationsOf(camp.ID)[i]; r.Status != step.status {
				t.Fatalf("after %s: %q", step.decision, r.Status)
			}
		}
		waitFor(ctx, t, "no applicant left", chromedp.Nodes(chromedp.CSS("#applicants-none")),
			func(n []*chromedp.Node) bool { return len(n) == 1 })
		if m := e.lastMail("temuulen@example.org"); m.Header.Get("Content-Language") != "mn" ||
			m.Subject != catalog(t).Localizer("mn").T("notice_declined_subject", "Title", "Camp selection") {
			t.Fatalf("the decline: %q", m.Subject)
		}
	})
}
