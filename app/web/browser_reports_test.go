package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// accessibleNames is an action returning the accessible name Chromium
// computes for each node the selector finds.
func accessibleNames(sel string) chromedp.Action[[]string] {
	return func(ctx context.Context, t *chromedp.Target) ([]string, error) {
		nodes, err := chromedp.Nodes(chromedp.CSSAll(sel))(ctx, t)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, n := range nodes {
			res, err := cdp.Call(ctx, t, accessibility.GetPartialAXTree,
				accessibility.GetPartialAXTreeParams{BackendNodeID: n.BackendNodeID, FetchRelatives: ptrTo(false)})
			if err != nil {
				return nil, err
			}
			name := ""
			if len(res.Nodes) > 0 && res.Nodes[0].Name != nil {
				if err := json.Unmarshal(res.Nodes[0].Name.Value, &name); err != nil {
					return nil, err
				}
			}
			names = append(names, name)
		}
		return names, nil
	}
}

// TestBrowserReportsDashboard opens the dashboard in French in Chromium as
// a coordinator: the headings are French, every chart has the accessible
// name of its title, and a CSV link answers a CSV.
func TestBrowserReportsDashboard(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	var headings []string
	for _, key := range []string{"reports_people", "reports_shares", "reports_trained", "reports_hours", "reports_trained_years", "reports_wellbeing", "reports_sources", "reports_quotas",
		"reports_partnerships", "reports_campaigns"} {
		headings = append(headings, translation(t, "fr", key))
	}
	chartNames := []string{translation(t, "fr", "reports_people_chart"), translation(t, "fr", "reports_shares"),
		translation(t, "fr", "reports_trained")}
	csvHead := translation(t, "fr", "reports_activity_id")
	eachEnv(t, func(t *testing.T, e *env) {
		const email = "coord@example.org"
		e.user(email, "coordinator")
		e.smallPoolsFixture()
		base := e.listen()
		ctx := newBrowser(t)
		browse(ctx, t, "set the viewport", chromedp.EmulateViewport(1024, 900))
		browserLogin(ctx, t, base, email)
		browse(ctx, t, "open the dashboard in French", chromedp.Navigate(base+"/manage/reports?lang=fr"))
		waitLang(ctx, t, "fr")

		got := waitFor(ctx, t, "the section headings", chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("main h2")).map(h => h.textContent.trim())`),
			func(h []string) bool { return len(h) == len(headings) })
		if strings.Join(got, "|") != strings.Join(headings, "|") {
			t.Fatalf("headings %q, want %q", got, headings)
		}

		names := waitFor(ctx, t, "the charts' accessible names", accessibleNames("svg.chart"),
			func(n []string) bool { return len(n) >= len(chartNames) })
		for i, want := range chartNames {
			if names[i] != want {
				t.Fatalf("chart %d is named %q, want %q (all: %q)", i, names[i], want, names)
			}
		}
		for i, n := range names {
			if n == "" {
				t.Fatalf("chart %d has no accessible name", i)
			}
		}

		// Follow the quotas CSV link as the page gives it.
		answer := waitFor(ctx, t, "the CSV link's answer", chromedp.Evaluate[string](
			`fetch(document.querySelector('a.csv[href$="quotas.csv"]').href)
				.then(r => r.headers.get("Content-Type") + "\n" + r.headers.get("Content-Disposition"))`,
			chromedp.EvalAwaitPromise), func(s string) bool { return s != "" })
		if !strings.HasPrefix(answer, "text/csv") || !strings.Contains(answer, `attachment; filename="quotas.csv"`) {
			t.Fatalf("the CSV link answers %q", answer)
		}
		body := waitFor(ctx, t, "the CSV body", chromedp.Evaluate[string](
			`fetch(document.querySelector('a.csv[href$="quotas.csv"]').href).then(r => r.text())`,
			chromedp.EvalAwaitPromise), func(s string) bool { return s != "" })
		if !strings.HasPrefix(strings.TrimPrefix(body, "\ufeff"), csvHead+",") || !strings.Contains(body, "<5") {
			t.Fatalf("the CSV: %q", body)
		}
	})
}
