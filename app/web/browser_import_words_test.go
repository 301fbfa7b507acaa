package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/web/ui"
)

// scrollRegionsJS lists, as axe's scrollable-region-focusable rule does,
// the regions of the page that scroll sideways: each as "id focusable
// named", where focusable is whether the keyboard reaches it and named
// whether it has a label.
const scrollRegionsJS = `[...document.querySelectorAll("main *")].filter(el => {
  const s = getComputedStyle(el);
  return (s.overflowX === "auto" || s.overflowX === "scroll") && el.scrollWidth > el.clientWidth;
}).map(el => (el.id || el.firstElementChild && el.firstElementChild.id || el.tagName) + " " +
  (el.tabIndex >= 0) + " " + !!(el.getAttribute("aria-labelledby") || el.getAttribute("aria-label"))).join("|")`

// TestBrowserImportMongolian: on a phone, in Mongolian, a file written in
// Mongolian (headers, locality and region as people write them) maps by
// itself; checking it shows the bad line with its cell and imports
// nothing; the tables that scroll sideways are reachable by the keyboard
// and named; the dropdowns are full-size; the confirmed import writes the
// codes.
func TestBrowserImportMongolian(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	eachEnv(t, func(t *testing.T, e *env) {
		const email = "coord@example.org"
		e.user(email, access.Coordinator)
		file := filepath.Join(t.TempDir(), "дэмжигчид.csv")
		content := "Нэр,Овог,Имэйл,Утас,Аймаг,Хот/хөдөө,Твиттер\r\n" +
			"Батбаяр,Болд,batbayar@example.org,+976 9911 2233,Архангай,хөдөө,https://twitter.com/batbayar_b\r\n" + // 2
			"Сараа,Дорж,saraa@example.org,+976 8811 2233,Атлантис,ХОТ,\r\n" + // 3: no such region
			"Номин,Эрдэнэ,nomin@example.org,,Завхан,Хотод,x.com/nomin\r\n" // 4
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		base := e.listen()
		ctx := newBrowser(t)
		browse(ctx, t, "use a phone-sized viewport",
			chromedp.EmulateViewport(360, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile))
		browserLogin(ctx, t, base, email)
		browse(ctx, t, "upload the file",
			chromedp.Navigate(base+ui.ManageImportPath+"?lang=mn"),
			chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}),
			chromedp.Click(chromedp.CSS("#import-upload")),
		)
		waitFor(ctx, t, "the mapping step", chromedp.Nodes(chromedp.CSS("#f-map_6")), func(n []*chromedp.Node) bool { return len(n) > 0 })
		for i, want := range []string{"given_name", "family_name", "email", "phone", "region", "locality", "handle"} {
			sel := "#f-map_" + string(rune('0'+i))
			if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel))); err != nil || v != want {
				t.Errorf("%s is pre-set to %q (%v), want %q", sel, v, err, want)
			}
		}
		if h, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("#f-map_0").getBoundingClientRect().height`)); err != nil || h < 44 {
			t.Errorf("a dropdown is %v px high (%v), want at least 44", h, err)
		}

		browse(ctx, t, "check the file", chromedp.Click(chromedp.CSS("#import-check")))
		rows := waitFor(ctx, t, "the check's rejected rows", chromedp.Text(chromedp.CSS("#import-check-rejected tbody")),
			func(s string) bool { return strings.Contains(s, "Атлантис") })
		if !strings.HasPrefix(strings.TrimSpace(rows), "3") || !strings.Contains(rows, "region") {
			t.Errorf("the rejected row reads %q", rows)
		}
		var n int64
		e.db.Raw("SELECT COUNT(*) FROM people").Scan(&n)
		if n != 0 {
			t.Fatalf("the check wrote %d people", n)
		}
		regions, err := chromedp.Run(ctx, chromedp.Evaluate[string](scrollRegionsJS))
		if err != nil || !strings.Contains(regions, "import-preview") {
			t.Fatalf("the preview does not scroll sideways at 360 px: %q (%v)", regions, err)
		}
		for _, r := range strings.Split(regions, "|") {
			if !strings.HasSuffix(r, " true true") {
				t.Errorf("scrollable-region-focusable: %q is not focusable and named", r)
			}
		}

		browse(ctx, t, "import", chromedp.Click(chromedp.CSS("#import-run")))
		waitFor(ctx, t, "the report", chromedp.Nodes(chromedp.CSS("#import-counts")), func(n []*chromedp.Node) bool { return len(n) > 0 })
		var got []struct {
			Email, Region, Locality, Handle string
		}
		e.db.Raw("SELECT email, region, locality, handle FROM people ORDER BY email").Scan(&got)
		if len(got) != 2 || got[0].Email != "batbayar@example.org" || got[0].Region != "MN-073" || got[0].Locality != "rural" ||
			got[0].Handle != "@batbayar_b" || got[1].Region != "MN-057" || got[1].Locality != "urban" || got[1].Handle != "@nomin" {
			t.Fatalf("imported %+v", got)
		}
	})
}
