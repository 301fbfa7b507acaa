package web

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/segments"
)

// TestBrowserPeopleSegment: a coordinator filters the people to rural
// volunteers interested in privacy, sees how many they are, saves the
// segment, finds it listed with its count, and exports it: the CSV holds a
// header row and exactly the people of the segment.
func TestBrowserPeopleSegment(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	eachEnv(t, func(t *testing.T, e *env) {
		const email = "coord@example.org"
		e.user(email, access.Coordinator)
		for _, p := range []struct {
			name, locality string
			volunteer      bool
			tags           []string
		}{
			{"Saraa", people.Rural, true, []string{"privacy", "climate"}},
			{"Dewi", people.Rural, true, []string{"privacy"}},
			{"Bat", people.Urban, true, []string{"privacy"}},        // urban
			{"Camille", people.Rural, false, []string{"privacy"}},   // not a volunteer
			{"Oyun", people.Rural, true, []string{"climate"}},       // not interested in privacy
			{"Болормаа", people.Rural, true, []string{"PRIVACY"}},   // the tag in capitals is the same tag
			{"Nomin", people.Rural, true, []string{"privacy-tech"}}, // another tag
		} {
			e.addPerson(people.Input{GivenName: p.name, Locality: p.locality, Volunteer: p.volunteer, Tags: p.tags})
		}
		base := e.listen()
		ctx := newBrowser(t)
		browse(ctx, t, "set the viewport", chromedp.EmulateViewport(1024, 900))
		browserLogin(ctx, t, base, email)

		browse(ctx, t, "filter the people",
			chromedp.Navigate(base+"/manage/people"),
			chromedp.WaitVisible(chromedp.CSS("#people-filter")),
			chromedp.Click(chromedp.CSS("#tag-filters summary")),
			chromedp.Click(chromedp.CSS(`input[name="tag"][value="privacy"]`)),
			chromedp.SetValue(chromedp.CSS("#f-locality"), "rural"),
			chromedp.SetValue(chromedp.CSS("#f-volunteer"), "true"),
			chromedp.Click(chromedp.CSS("#apply-filter")),
		)
		waitFor(ctx, t, "the count of the segment", chromedp.Text(chromedp.CSS("#segment-count")),
			func(s string) bool { return s == "3 people" })
		names := waitFor(ctx, t, "the people of the segment", chromedp.Text(chromedp.CSS("#people-list tbody")),
			func(s string) bool { return strings.Contains(s, "Saraa") })
		for _, want := range []string{"Saraa", "Dewi", "Болормаа"} {
			if !strings.Contains(names, want) {
				t.Errorf("the list lacks %s: %q", want, names)
			}
		}
		for _, not := range []string{"Bat", "Camille", "Oyun", "Nomin"} {
			if strings.Contains(names, not) {
				t.Errorf("the list holds %s: %q", not, names)
			}
		}

		browse(ctx, t, "save the segment",
			chromedp.SendKeys(chromedp.CSS("#f-name"), "Rural privacy volunteers"),
			chromedp.Click(chromedp.CSS("#save-segment")),
		)
		waitFor(ctx, t, "the saved notice", chromedp.Text(chromedp.CSS("#segment-saved")), func(s string) bool { return s != "" })
		listed := waitFor(ctx, t, "the saved segment with its count", chromedp.Text(chromedp.CSS("#segments-list")),
			func(s string) bool { return strings.Contains(s, "Rural privacy volunteers") })
		if !strings.Contains(listed, "3 people") {
			t.Fatalf("the saved segment is listed without its count: %q", listed)
		}
		// The saved segment's link asks the same again.
		browse(ctx, t, "open the saved segment",
			chromedp.Navigate(base+"/manage/people"),
			chromedp.Click(chromedp.CSS("#segments-list a")),
		)
		waitFor(ctx, t, "the count again", chromedp.Text(chromedp.CSS("#segment-count")), func(s string) bool { return s == "3 people" })

		// Export it, through the link, with the browser's session.
		href := waitFor(ctx, t, "the export link", chromedp.AttributeValue(chromedp.CSS("#export-segment"), "href"),
			func(a chromedp.AttributeResult) bool { return strings.Contains(a.Value, "/manage/people/export?") })
		body, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`fetch(document.getElementById("export-segment").href, {credentials: "same-origin"}).then(r => r.ok ? r.text() : "status " + r.status)`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("fetch %s: %v", href.Value, err)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatalf("the export %q: %v", body, err)
		}
		if len(rows) == 0 || !slices.Equal(rows[0], segments.ExportHeader) {
			t.Fatalf("the export has no header row: %v", rows)
		}
		var got []string
		for _, r := range rows[1:] {
			got = append(got, r[1])
		}
		if !slices.Equal(got, []string{"Saraa", "Dewi", "Болормаа"}) {
			t.Fatalf("the export holds %v", got)
		}
	})
}
