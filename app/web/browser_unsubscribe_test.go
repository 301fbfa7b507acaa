package web

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserUnsubscribe: on a small phone, the unsubscribe link of a
// delivered message opens a page in the person's language (Mongolian,
// though the browser asks for English), and its one button, a form without
// _csrf, withdraws the consent and says that no more news comes.
func TestBrowserUnsubscribe(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	eachEnv(t, func(t *testing.T, e *env) {
		const email = "saraa@example.org"
		e.newsPerson("Сараа", email, "mn")
		e.sentMailing(newsBodies)
		link := e.onlyMail(email).Link(t, "/u/")
		lead, done := e.msg("mn", "unsubscribe_lead"), e.msg("mn", "unsubscribe_done")
		base := e.listen()
		ctx := newBrowser(t)

		browse(ctx, t, "open the link", phoneViewport(), chromedp.Navigate(base+link))
		waitLang(ctx, t, "mn")
		waitFor(ctx, t, fmt.Sprintf("the lead %q", lead), chromedp.Text(chromedp.CSS("#unsubscribe-lead")),
			func(s string) bool { return s == lead })
		noWiderThanPhone(ctx, t)
		if !e.newsAt(email) {
			t.Fatal("opening the page withdrew the consent")
		}

		browse(ctx, t, "press the button", chromedp.Click(chromedp.CSS("#unsubscribe-button")))
		waitFor(ctx, t, fmt.Sprintf("the confirmation %q", done), chromedp.Text(chromedp.CSS("#unsubscribe-done")),
			func(s string) bool { return s == done })
		waitPath(ctx, t, link)
		noWiderThanPhone(ctx, t)
		if e.newsAt(email) {
			t.Error("people.news_at still set after the button")
		}
		if rows := e.newsRows(email); len(rows) != 2 || rows[0].Given || rows[0].Source != "unsubscribe" {
			t.Errorf("the consent history: %+v", rows)
		}
	})
}
