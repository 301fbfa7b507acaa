package web

import (
	"html"
	"strings"
	"testing"
)

// TestFullActivitySaysWaitlist: once every seat is taken, the list, the
// activity's page and its form say it is full and that registering joins
// the waiting list, in the visitor's language; before, they count the
// free seats.
func TestFullActivitySaysWaitlist(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("tiny", 1)
		e.publishedCamp("roomy", 3)
		e.register("tiny", [2]string{"first@example.org", "rural"})
		for _, lang := range []string{"en", "mn"} {
			c := e.client()
			list := html.UnescapeString(c.get("/activities?lang=" + lang).Body)
			full := e.msg(lang, "activity_full")
			if !strings.Contains(list, `id="seats-tiny"><strong class="full">`+full) {
				t.Errorf("%s: the list does not say tiny is full", lang)
			}
			if free := e.srv.Catalog.Localizer(lang).Plural("activity_free_seats", 3, "Capacity", 3); !strings.Contains(list, free) ||
				strings.Contains(list, `id="seats-roomy"><strong`) {
				t.Errorf("%s: the list does not count roomy's free seats %q", lang, free)
			}
			page := html.UnescapeString(c.get("/activities/tiny?lang=" + lang).Body)
			if !strings.Contains(page, full) || !strings.Contains(page, e.msg(lang, "register_action_waitlist")+"</a>") {
				t.Errorf("%s: the page of a full activity does not say so", lang)
			}
			form := html.UnescapeString(c.get("/activities/tiny/register?lang=" + lang).Body)
			if !strings.Contains(form, full) || !strings.Contains(form, e.msg(lang, "register_submit_waitlist")+"</button>") {
				t.Errorf("%s: the form of a full activity does not say so", lang)
			}
			if roomy := html.UnescapeString(c.get("/activities/roomy?lang=" + lang).Body); strings.Contains(roomy, full) ||
				!strings.Contains(roomy, e.msg(lang, "register_action")+"</a>") {
				t.Errorf("%s: an activity with seats says it is full", lang)
			}
		}
	})
}
