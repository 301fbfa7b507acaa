package web

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/activities"
)

// In application mode the public page and form say "Apply", and the
// check-email page says the link sends the application, in every language.
func TestApplyWording(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		open := e.publishedCamp("open-camp", 5)
		a := e.publishedCamp("chosen", 5)
		if _, err := e.srv.Activities.Update(context.Background(), 0, a.ID,
			activities.Input{RegistrationMode: ptrTo(activities.RegistrationModeApplication)}); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		for _, lang := range []string{"en", "fr", "id", "mn"} {
			page := c.get("/activities/chosen?lang=" + lang)
			if !strings.Contains(page.Body, `id="register-link" href="/activities/chosen/register">`+html.EscapeString(e.msg(lang, "register_action_apply"))+`</a>`) {
				t.Errorf("%s: the page does not say apply", lang)
			}
			form := c.get("/activities/chosen/register?lang=" + lang)
			heading := html.EscapeString(e.msg(lang, "register_title_of_apply", "Title", "Camp chosen"))
			if !strings.Contains(form.Body, "<h1>"+heading+"</h1>") || !strings.Contains(form.Body, "<title>"+heading) ||
				!strings.Contains(form.Body, `id="register-submit">`+html.EscapeString(e.msg(lang, "register_submit_apply"))+`</button>`) {
				t.Errorf("%s: the form does not say apply:\n%s", lang, form.Body)
			}
			check := c.get("/activities/chosen/check-email?lang=" + lang)
			if check.StatusCode != http.StatusOK || !strings.Contains(check.Body, html.EscapeString(e.msg(lang, "check_email_sent_apply"))) {
				t.Errorf("%s: the check-email page does not speak of the application", lang)
			}
		}
		if page := c.get("/activities/" + open.Slug + "?lang=en"); !strings.Contains(page.Body, ">"+e.msg("en", "register_action")+"</a>") {
			t.Error("an open activity says apply")
		}
		if form := c.get("/activities/" + open.Slug + "/register?lang=en"); strings.Contains(form.Body, e.msg("en", "register_submit_apply")) {
			t.Error("an open activity's form says apply")
		}
		if check := c.get("/activities/" + open.Slug + "/check-email?lang=en"); !strings.Contains(check.Body, html.EscapeString(e.msg("en", "check_email_sent"))) {
			t.Error("an open activity's check-email page speaks of an application")
		}
	})
}
