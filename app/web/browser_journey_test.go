package web

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/path"
)

// verifyPath is the check's address as a certificate prints it.
var verifyPath = regexp.MustCompile(`/verify/([0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5})`)

// TestBrowserJourney follows a young person, on a phone and in Mongolian,
// from the reminder email to the certificate (issue 17): registered and
// confirmed for a training with a feedback survey, she gets the reminder
// and opens its link, her place's page; the training takes place, her
// attendance is marked and it is completed; the feedback's invitation
// comes, and she answers it in the browser and is thanked; the reminder's
// link now offers her certificate, whose PDF names her in Cyrillic; the
// address printed on it confirms it.
func TestBrowserJourney(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	const given, family, email = "Батбаяр", "Өлзий", "batbayar@example.org"
	const helped = "Амьсгалын дасгал"
	mnTitle := "Тэсвэрт чанар ба сайн сайхан байдал"
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c, tok := apiStaff(e)
		a := e.certActivity("journey", false)
		start := time.Now().UTC().Add(24 * time.Hour).Truncate(time.Minute) // within the 48 hours of its reminder
		e.setActivity(a.ID, "starts_at", start)
		e.setActivity(a.ID, "ends_at", start.Add(8*time.Hour))
		r := e.placed(a, given, family, email)
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/surveys", a.ID), tok, `{"kind": "feedback"}`), http.StatusCreated, nil)

		if n, err := e.srv.App.Registrations.RemindDue(ctx); err != nil || n != 1 {
			t.Fatalf("RemindDue: %d, %v", n, err)
		}
		reminder := e.lastMail(email)
		if want := e.msg("mn", "notice_reminder_subject", "Title", mnTitle); reminder.Subject != want {
			t.Fatalf("the last mail is %q, want the reminder %q", reminder.Subject, want)
		}
		manage := reminder.Link(t, "/r/")

		base := e.listen()
		bctx := newBrowser(t)
		browse(bctx, t, "open the reminder's link on a phone", phoneViewport(), chromedp.Navigate(base+manage))
		waitLang(bctx, t, "mn")
		waitFor(bctx, t, "the activity's title", chromedp.Text(chromedp.CSS("main h1")), func(s string) bool { return s == mnTitle })
		waitFor(bctx, t, "her place confirmed", chromedp.Text(chromedp.CSS("#registration-result")),
			func(s string) bool { return s == e.msg("mn", "registered_confirmed") })
		fitsPhone(bctx, t, "her place's page")

		// The training takes place; the staff mark her and complete it.
		past := time.Now().UTC().Add(-2 * 24 * time.Hour)
		e.setActivity(a.ID, "starts_at", past)
		e.setActivity(a.ID, "ends_at", past.Add(8*time.Hour))
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/attendance", a.ID), tok, fmt.Sprintf(`{"attended": [%d]}`, r.ID)), http.StatusOK, nil)
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/complete", a.ID), tok, ""), http.StatusOK, nil)
		e.inviteDue(1)
		invitation := e.lastMail(email)
		if want := e.msg("mn", "survey_feedback_subject", "Title", mnTitle); invitation.Subject != want {
			t.Fatalf("the last mail is %q, want the invitation %q", invitation.Subject, want)
		}

		browse(bctx, t, "open the invitation's link", chromedp.Navigate(base+invitation.Link(t, "/s/")))
		waitLang(bctx, t, "mn")
		waitFor(bctx, t, "the feedback form", chromedp.Text(chromedp.CSS("main h1")),
			func(s string) bool { return s == e.msg("mn", "survey_feedback_heading") })
		fitsPhone(bctx, t, "the feedback form")
		browse(bctx, t, "answer", chromedp.Click(chromedp.CSS("#f-rating-5")), chromedp.SendKeys(chromedp.CSS("#f-helped"), helped),
			chromedp.Click(chromedp.CSS("#survey-submit")))
		waitFor(bctx, t, "the thanks", chromedp.Text(chromedp.CSS("#survey-done")), func(s string) bool { return s == e.msg("mn", "survey_thanks") })
		var texts []string
		e.db.Model(&path.Answer{}).Where("question = ?", "helped").Pluck("text", &texts)
		if len(texts) != 1 || texts[0] != helped {
			t.Fatalf("the answer recorded: %q", texts)
		}

		// Back to the reminder's link: her certificate.
		browse(bctx, t, "open the reminder's link again", chromedp.Navigate(base+manage))
		waitFor(bctx, t, "her attendance", chromedp.Text(chromedp.CSS("#registration-result")),
			func(s string) bool { return s == e.msg("mn", "certificate_attended") })
		waitFor(bctx, t, "the certificate's section", chromedp.Text(chromedp.CSS("#certificate-h")),
			func(s string) bool { return s == e.msg("mn", "certificate_heading") })
		fitsPhone(bctx, t, "her place's page after the training")
		// The link as the page gives it, fetched as the page would.
		got := waitFor(bctx, t, "the certificate's download", chromedp.Evaluate[string](`(async () => {
			const link = document.querySelector('#certificate a[download]');
			const res = await fetch(link.href);
			const bytes = new Uint8Array(await res.arrayBuffer());
			let s = "";
			for (const b of bytes) s += String.fromCharCode(b);
			return link.textContent.trim() + "\n" + res.status + " " + res.headers.get("Content-Type") + "\n" + btoa(s);
		})()`, chromedp.EvalAwaitPromise), func(s string) bool { return s != "" })
		lines := strings.SplitN(got, "\n", 3)
		if len(lines) != 3 || lines[0] != e.msg("mn", "certificate_download") || lines[1] != "200 application/pdf" {
			t.Fatalf("the download: %.200q", got)
		}
		pdf, err := base64.StdEncoding.DecodeString(lines[2])
		if err != nil {
			t.Fatal(err)
		}
		body := pdfText(t, "the certificate", string(pdf))
		if !strings.Contains(body, given+" "+family) || !strings.Contains(body, mnTitle) {
			t.Fatalf("the certificate does not name her and the training:\n%s", body)
		}
		found := verifyPath.FindStringSubmatch(body)
		if found == nil || found[1] != e.certificateCode(r.ID) {
			t.Fatalf("the certificate's check %q, its code %s:\n%s", found, e.certificateCode(r.ID), body)
		}

		// The address printed on it, opened.
		browse(bctx, t, "open the check", chromedp.Navigate(base+found[0]+"?lang=mn"))
		waitLang(bctx, t, "mn")
		waitFor(bctx, t, "the certificate valid", chromedp.Text(chromedp.CSS("#certificate-valid")),
			func(s string) bool { return s == e.msg("mn", "verify_certificate_valid") })
		if name, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#certificate-name"))); err != nil || name != given+" "+family {
			t.Fatalf("the check names %q, %v", name, err)
		}
		fitsPhone(bctx, t, "the check")
	})
}
