package web

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// printA4 prints the tab on A4 paper, as the browser's Print command
// would, and counts the pages.
func printA4() chromedp.Action[int] {
	return func(ctx context.Context, t *chromedp.Target) (int, error) {
		css := true
		res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &css})
		if err != nil {
			return 0, err
		}
		return len(pdfPage.FindAll(res.Data, -1)), nil
	}
}

// TestBrowserPoster, in Chromium on a phone's screen: the posters of an
// activity (in Mongolian, the longest) and of a petition fit 360 px, and
// each prints on exactly one A4 page without the site's header, footer or
// download links.
func TestBrowserPoster(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	eachEnv(t, func(t *testing.T, e *env) {
		e.sharedCamp("zavkhan-camp")
		e.sharedPetition("free-them")
		base := e.listen()
		ctx := newBrowser(t)
		browse(ctx, t, "use a phone-sized viewport",
			chromedp.EmulateViewport(360, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile))
		for _, path := range []string{"/activities/zavkhan-camp/poster?lang=mn", "/p/free-them/poster?lang=en"} {
			browse(ctx, t, "screen media", printMedia(""))
			browse(ctx, t, "open "+path, chromedp.Navigate(base+path))
			waitFor(ctx, t, "the QR code", chromedp.Nodes(chromedp.CSS("#poster-qr svg"), chromedp.NodeVisible),
				func(n []*chromedp.Node) bool { return len(n) == 1 })
			fitsPhone(ctx, t, path)
			qrWidth, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("#poster-qr svg").getBoundingClientRect().width`))
			if err != nil || qrWidth < 200 {
				t.Errorf("%s: the QR code is %v px wide on the phone (%v)", path, qrWidth, err)
			}
			browse(ctx, t, "print media", printMedia("print"))
			hidden, err := chromedp.Run(ctx, chromedp.Evaluate[string](
				`["header.top", "footer.foot", ".poster-screen"].map(s => getComputedStyle(document.querySelector(s)).display).join(" ")`))
			if err != nil || hidden != "none none none" {
				t.Errorf("%s printed, the header, footer and links show: %q %v", path, hidden, err)
			}
			pages, err := chromedp.Run(ctx, printA4())
			if err != nil || pages != 1 {
				t.Errorf("%s prints on %d A4 pages (%v), want 1", path, pages, err)
			}
		}
	})
}
