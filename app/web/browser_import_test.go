package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/web/ui"
)

// TestBrowserImport: a coordinator uploads a CSV file with two bad rows,
// whose email column is named otherwise, chooses that column for the email,
// and reads the report: two people created, the two rejections with the
// lines where their records start and their reasons.
func TestBrowserImport(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	eachEnv(t, func(t *testing.T, e *env) {
		const email = "coord@example.org"
		e.user(email, access.Coordinator)
		file := filepath.Join(t.TempDir(), "supporters.csv")
		content := "\uFEFFCourriel,given_name,family_name,Notes\r\n" +
			"saraa@example.org,Сараа,Болд\r\n" + // 2
			"not-an-address,Bat,Dorj\r\n" + // 3: a bad email
			"dewi@example.org,,Lestari,\"met at the\r\ncamp\"\r\n" + // 4-5: no given name
			"ayu@example.org,Ayu,\r\n" // 6
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		en := e.srv.Catalog.Localizer("en")
		base := e.listen()
		ctx := newBrowser(t)
		browserLogin(ctx, t, base, email)

		browse(ctx, t, "upload the file",
			chromedp.Navigate(base+ui.ManageImportPath+"?lang=en"),
			chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}),
			chromedp.Click(chromedp.CSS("#import-upload")),
		)
		mapping := waitFor(ctx, t, "the mapping step", pagePath(), func(p string) bool { return uploadPath.MatchString(p) })
		if v := waitFor(ctx, t, "the Courriel column's choice", chromedp.Value(chromedp.CSS("#f-map_0")),
			func(string) bool { return true }); v != "email" { // a common header, in French
			t.Fatalf("Courriel is pre-set to %q", v)
		}
		if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-map_1"))); err != nil || v != "given_name" {
			t.Fatalf("given_name is pre-set to %q (%v)", v, err)
		}
		browse(ctx, t, "choose the email column (already chosen by its French name), check, and import",
			chromedp.SetValue(chromedp.CSS("#f-map_0"), "email"),
			chromedp.Click(chromedp.CSS("#import-check")),
		)
		waitFor(ctx, t, "the check", chromedp.Nodes(chromedp.CSS("#import-run")), func(n []*chromedp.Node) bool { return len(n) > 0 })
		browse(ctx, t, "import", chromedp.Click(chromedp.CSS("#import-run")))
		rows := waitFor(ctx, t, "the rejected rows", chromedp.Text(chromedp.CSS("#import-rejected tbody")),
			func(s string) bool { return strings.Count(s, "\n") >= 1 })
		// A rejected line shows the cell at fault as written.
		want := []string{"3 email: " + en.T("error_email_invalid") + " email: not-an-address", "4 given_name: " + en.T("error_required")}
		space := regexp.MustCompile(`\s+`)
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(rows), "\n") {
			got = append(got, space.ReplaceAllString(strings.TrimSpace(line), " "))
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("rejected rows %q, want %q", got, want)
		}
		counts, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#import-counts")))
		if err != nil || !strings.Contains(counts, en.Plural("import_created", 2)) || !strings.Contains(counts, en.Plural("import_rejected", 2)) {
			t.Fatalf("counts %q (%v)", counts, err)
		}
		var n int64
		e.db.Raw("SELECT COUNT(*) FROM people WHERE email IN ('saraa@example.org', 'ayu@example.org')").Scan(&n)
		if n != 2 {
			t.Fatalf("%d people in the database, want 2", n)
		}
		if p, err := chromedp.Run(ctx, pagePath()); err != nil || p != mapping {
			t.Fatalf("the report is at %q (%v), want %q", p, err, mapping)
		}
	})
}
