package web

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/segments"
)

// manageMailingPathRe matches the address of one mailing's page.
var manageMailingPathRe = regexp.MustCompile(`^/manage/mailings/(\d+)$`)

// TestBrowserMailingJourney: on a phone, a coordinator saves the people
// interested in privacy as a segment, writes a mailing to it in English and
// Mongolian, sees whom it will reach, sends herself a test, sends it now
// through the confirmation page, and watches the page (which reloads itself,
// without a script) show the messages sent. Only the consenting people with
// an email receive it, each in their language with their name.
func TestBrowserMailingJourney(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	eachEnv(t, func(t *testing.T, e *env) {
		const email = "coord@example.org"
		e.user(email, access.Coordinator)
		e.supporter("Saraa", "saraa@example.org", "mn", true, "privacy")
		e.supporter("Dewi", "dewi@example.org", "id", true, "privacy")
		e.supporter("Camille", "camille@example.org", "fr", false, "privacy") // no consent to news
		e.supporter("Bat", "bat@example.org", "mn", true, "climate")          // not in the segment
		base := e.listen()
		ctx := newBrowser(t)
		browse(ctx, t, "set the viewport", phoneViewport())
		browserLogin(ctx, t, base, email)

		browse(ctx, t, "save the segment",
			chromedp.Navigate(base+"/manage/people?tag=privacy&lang=en"),
			chromedp.WaitVisible(chromedp.CSS("#save-segment-form")),
			chromedp.SendKeys(chromedp.CSS("#f-name"), "Privacy"),
			chromedp.Click(chromedp.CSS("#save-segment")),
		)
		waitFor(ctx, t, "the saved notice", chromedp.Text(chromedp.CSS("#segment-saved")), func(s string) bool { return s != "" })
		var seg segments.Saved
		if err := e.db.Where("name = ?", "Privacy").Take(&seg).Error; err != nil {
			t.Fatal(err)
		}

		browse(ctx, t, "write the mailing",
			chromedp.Navigate(base+"/manage/mailings"),
			chromedp.Click(chromedp.CSS("#new-mailing")),
			chromedp.WaitVisible(chromedp.CSS("#mailing-form")),
			chromedp.SendKeys(chromedp.CSS("#f-name"), "Privacy camp call"),
			chromedp.SetValue(chromedp.CSS("#f-segment_id"), strconv.FormatInt(seg.ID, 10)),
			chromedp.SendKeys(chromedp.CSS("#f-subject_en"), "Join the privacy camp"),
			chromedp.SendKeys(chromedp.CSS("#f-body_en"), "Hello {{given_name}},\nthe camp opens soon."),
			chromedp.SendKeys(chromedp.CSS("#f-subject_mn"), "Нууцлалын зусланд нэгдээрэй"),
			chromedp.SendKeys(chromedp.CSS("#f-body_mn"), "Сайн байна уу, {{given_name}}!\nЗуслан удахгүй."),
		)
		fitsPhone(ctx, t, "the mailing form")
		browse(ctx, t, "save the mailing", chromedp.Click(chromedp.CSS("#save-mailing")))
		path := waitFor(ctx, t, "the mailing's page", pagePath(), func(p string) bool { return manageMailingPathRe.MatchString(p) })
		reach := waitFor(ctx, t, "the reach", chromedp.Text(chromedp.CSS("#mailing-reach")), func(s string) bool { return s != "" })
		if reach != "It will reach 2 people." {
			t.Fatalf("the reach: %q", reach)
		}
		fitsPhone(ctx, t, "the mailing's page")

		browse(ctx, t, "send a test", chromedp.Click(chromedp.CSS("#test-mailing")))
		waitFor(ctx, t, "the notice of the test", chromedp.Text(chromedp.CSS("#flash")),
			func(s string) bool { return s == translation(t, "en", "mailing_test_sent") })
		if test := e.lastMail(email); test.Subject != "[Test] Join the privacy camp" || !strings.HasPrefix(test.Text, "Hello coord,\n") {
			t.Fatalf("the test: %q %q", test.Subject, test.Text)
		}

		browse(ctx, t, "send now", chromedp.Click(chromedp.CSS("#send-mailing")))
		ask := waitFor(ctx, t, "the confirmation", chromedp.Text(chromedp.CSS("#confirm-text")), func(s string) bool { return s != "" })
		if !strings.Contains(ask, "Privacy camp call") || !strings.Contains(ask, "2 people") {
			t.Fatalf("the confirmation: %q", ask)
		}
		fitsPhone(ctx, t, "the confirmation")
		browse(ctx, t, "confirm", chromedp.Click(chromedp.CSS("#confirm-submit")))
		waitPath(ctx, t, path)
		waitFor(ctx, t, "the progress bar", chromedp.Nodes(chromedp.CSS("#mailing-progress")), func(n []*chromedp.Node) bool { return len(n) == 1 })
		fitsPhone(ctx, t, "the page while sending")

		e.sendMailings()
		// The page was loaded before the messages went: it shows them once
		// it has reloaded itself.
		waitFor(ctx, t, "the messages sent", chromedp.Text(chromedp.CSS("#count-sent")), func(s string) bool { return s == "2" })
		if n, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("#mailing-progress"), chromedp.AtLeast(0))); err != nil || len(n) != 0 {
			t.Errorf("a progress bar after sending (%v)", err)
		}
		fitsPhone(ctx, t, "the page after sending")

		got := map[string]string{}
		for _, m := range e.mailbox().Messages() {
			if m.To != email {
				got[m.To] = m.Subject + "|" + strings.SplitN(m.Text, "\n", 2)[0]
			}
		}
		want := map[string]string{"saraa@example.org": "Нууцлалын зусланд нэгдээрэй|Сайн байна уу, Saraa!", "dewi@example.org": "Join the privacy camp|Hello Dewi,"}
		if len(got) != 2 || got["saraa@example.org"] != want["saraa@example.org"] || got["dewi@example.org"] != want["dewi@example.org"] {
			t.Fatalf("the mails: %v, want %v", got, want)
		}
	})
}
