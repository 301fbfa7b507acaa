package web

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/testdb"
)

// TestBrowserEraseMyData: a participant on a phone, reading in Mongolian,
// erases their data from /account: the box must be ticked first; then the
// home page says it is done, in Mongolian, and they are signed out. The
// page is the same whatever the database, and the erasure itself is tested
// on both (TestAccountErase), so the browser runs once, on the first.
func TestBrowserEraseMyData(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	done := translation(t, "mn", "rights_erased_done")
	e := newEnv(t, testdb.New(t, testdb.Dialects()[0]))
	const email = "saraa@example.org"
	e.publishedCamp("summer", 5)
	e.register("summer", [2]string{email, "rural"})
	e.user(email, access.Participant)
	base := e.listen()
	ctx := newBrowser(t)
	browse(ctx, t, "use a phone-sized viewport", phoneViewport())
	browserLogin(ctx, t, base, email)
	browse(ctx, t, "open the account in Mongolian", chromedp.Navigate(base+"/account?lang=mn"))
	waitLang(ctx, t, "mn")
	// The download link is there; the erase form asks for the box.
	waitFor(ctx, t, "#download-my-data", chromedp.Nodes(chromedp.CSS(`#download-my-data[href="/account/data.json"]`)),
		func(n []*chromedp.Node) bool { return len(n) == 1 })
	browse(ctx, t, "erase without the box", chromedp.Click(chromedp.CSS("#erase-submit")))
	waitFor(ctx, t, "the message beside the box", chromedp.Nodes(chromedp.CSS("#e-confirm")),
		func(n []*chromedp.Node) bool { return len(n) == 1 })
	if n := e.personCount(email); n != 1 {
		t.Fatalf("erased without the box: %d people", n)
	}
	browse(ctx, t, "tick and erase", chromedp.Click(chromedp.CSS("#f-confirm")), chromedp.Click(chromedp.CSS("#erase-submit")))
	waitPath(ctx, t, "/")
	waitLang(ctx, t, "mn")
	waitFor(ctx, t, fmt.Sprintf("the notice %q", done), chromedp.Text(chromedp.CSS("#flash")),
		func(s string) bool { return s == done })
	waitFor(ctx, t, "#login-link", chromedp.Nodes(chromedp.CSS("#login-link"), chromedp.NodeVisible),
		func(n []*chromedp.Node) bool { return len(n) > 0 })
	if n := e.personCount(email); n != 0 {
		t.Fatalf("%d people left", n)
	}
}

// personCount is the number of people with email.
func (e *env) personCount(email string) int64 {
	var n int64
	e.db.Table("people").Where("email = ?", email).Count(&n)
	return n
}
