package web

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSurvey: on a small phone, the link of a survey's invitation
// opens the WHO-5 in the person's language (Mongolian), within the screen's
// width; the answers chosen and sent, the page thanks them.
func TestBrowserSurvey(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		act, _ := surveyActivity(t, c, tok, 1, "mn", nil)
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/surveys", act.ID), tok, `{"kind": "wellbeing_pre"}`), http.StatusCreated, nil)
		e.inviteDue(1)
		link := e.surveyLink("person1@example.org")
		heading, thanks := e.msg("mn", "survey_wellbeing_heading"), e.msg("mn", "survey_thanks")
		base := e.listen()
		ctx := newBrowser(t)

		browse(ctx, t, "open the link", phoneViewport(), chromedp.Navigate(base+link))
		waitLang(ctx, t, "mn")
		waitFor(ctx, t, fmt.Sprintf("the heading %q", heading), chromedp.Text(chromedp.CSS("main h1")),
			func(s string) bool { return s == heading })
		noWiderThanPhone(ctx, t)
		var steps []chromedp.Action[chromedp.Void]
		for i, v := range []int{3, 4, 2, 5, 0} {
			steps = append(steps, chromedp.Click(chromedp.CSS(fmt.Sprintf("#f-who5_%d-%d", i+1, v))))
		}
		browse(ctx, t, "choose the answers", steps...)
		browse(ctx, t, "send them", chromedp.Click(chromedp.CSS("#survey-submit")))
		waitFor(ctx, t, fmt.Sprintf("the thanks %q", thanks), chromedp.Text(chromedp.CSS("#survey-done")),
			func(s string) bool { return s == thanks })
		noWiderThanPhone(ctx, t)
		if n := e.rows("survey_answers"); n != 5 {
			t.Fatalf("%d answers recorded, want 5", n)
		}
	})
}
