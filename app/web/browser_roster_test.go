package web

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/access"
)

// pdfPage is a page object of a PDF ("/Type /Page", not "/Pages").
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// printPDF prints the tab as the browser's Print command would, on the
// paper the stylesheet asks for, and counts the pages.
func printPDF() chromedp.Action[int] {
	return func(ctx context.Context, t *chromedp.Target) (int, error) {
		css := true
		res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &css})
		if err != nil {
			return 0, err
		}
		return len(pdfPage.FindAll(res.Data, -1)), nil
	}
}

// printMedia makes the tab apply the stylesheet's print rules.
func printMedia(media string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return err
	})
}

// TestBrowserPaperRoster, in Chromium at a phone's width: the printable
// roster fits the screen and prints a page per sheet of 25 without the
// site's header; then the coordinator enters the ticks of the paper
// roster in one form, and the page says what was saved.
func TestBrowserPaperRoster(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	eachEnv(t, func(t *testing.T, e *env) {
		const email = "coord@example.org"
		e.user(email, access.Coordinator)
		a := e.publishedCamp("paper", 30)
		var names [][2]string
		for i := range 27 {
			names = append(names, [2]string{fmt.Sprintf("Given%02d", i), fmt.Sprintf("Family-name-%02d", i)})
		}
		ids := e.placeAll(a, names...)
		e.moveStart(a.ID, time.Now().Add(-time.Hour))
		base := e.listen()
		ctx := newBrowser(t)
		browse(ctx, t, "use a phone-sized viewport",
			chromedp.EmulateViewport(360, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile))
		browserLogin(ctx, t, base, email)
		pagePath := fmt.Sprintf("/manage/activities/%d", a.ID)

		// The printable roster, on the phone's screen, then as printed.
		browse(ctx, t, "open the printable roster", chromedp.Navigate(base+pagePath),
			chromedp.Click(chromedp.CSS("#roster-print-link")))
		waitPath(ctx, t, pagePath+"/roster")
		waitFor(ctx, t, "two sheets", chromedp.Evaluate[int](`document.querySelectorAll("section.sheet").length`),
			func(n int) bool { return n == 2 })
		fitsPhone(ctx, t, "the printable roster")
		browse(ctx, t, "print media", printMedia("print"))
		hidden, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`["header.top", ".roster-screen", "footer.foot"].map(s => getComputedStyle(document.querySelector(s)).display).join(" ")`))
		if err != nil || hidden != "none none none" {
			t.Errorf("printed, the header, hint and footer show: %q %v", hidden, err)
		}
		breaks, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`[...document.querySelectorAll("section.sheet")].map(s => getComputedStyle(s).breakBefore).join(" ")`))
		if err != nil || breaks != "auto page" {
			t.Errorf("printed, the sheets break %q %v", breaks, err)
		}
		if pages, err := chromedp.Run(ctx, printPDF()); err != nil || pages != 2 {
			t.Errorf("the roster of 27 prints on %d pages (%v), want 2", pages, err)
		}
		browse(ctx, t, "screen media", printMedia(""))

		// The ticks of the paper, entered in one form.
		browse(ctx, t, "back to the activity", chromedp.Navigate(base+pagePath+"#roster-entry"))
		browse(ctx, t, "open the entry form", chromedp.Click(chromedp.CSS("#roster-entry-open")))
		steps := []chromedp.Action[chromedp.Void]{}
		for i, id := range ids[:4] {
			choice := "came"
			if i == 2 {
				choice = "absent"
			}
			steps = append(steps, chromedp.Click(chromedp.CSS(fmt.Sprintf("#mark-%d-%s", id, choice))))
		}
		browse(ctx, t, "tick the lines", steps...)
		fitsPhone(ctx, t, "the entry form")
		browse(ctx, t, "save the roster", chromedp.Click(chromedp.CSS("#roster-entry-save")))
		l := e.srv.Catalog.Localizer("en")
		saved := l.T("roster_entry_saved", "Came", "3", "Absent", "1")
		waitFor(ctx, t, fmt.Sprintf("the notice %q", saved), chromedp.Text(chromedp.CSS("#roster-saved")),
			func(s string) bool { return strings.TrimSpace(s) == saved })
		var marks []string
		for _, r := range e.registrations(a.ID) {
			v := "-"
			if r.Attended != nil {
				v = fmt.Sprint(*r.Attended)
			}
			marks = append(marks, v)
		}
		if got := strings.Join(marks[:5], " "); got != "true true false true -" {
			t.Fatalf("attendance after the entry: %s", got)
		}
	})
}
