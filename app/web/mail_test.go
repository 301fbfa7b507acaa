package web

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRegistrationNoticeBySMTP: the notice a registration queues reaches
// the person over SMTP when the outbox worker runs, in the language they
// registered in, and its link leads to the activity.
func TestRegistrationNoticeBySMTP(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		const title = "Camp d’été au lac"
		c, tok := apiStaff(e)
		act := apiCreate(t, c, tok, apiActBody(func(m map[string]any) {
			m["title"] = map[string]string{"en": "Summer camp at the lake", "fr": title}
		}))
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/publish", act.ID), tok, ""), http.StatusOK, nil)
		body := registrantJSON("Saraa", "saraa@example.org", "rural", time.Now().Year()-20, nil)
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/registrations?lang=fr", act.ID), tok, body), http.StatusCreated, nil)
		if n := len(e.mailbox().Messages()); n != 0 {
			t.Fatalf("%d messages before the outbox was delivered", n)
		}

		e.deliver()
		got := e.mailbox().To("saraa@example.org")
		if len(got) != 1 || len(e.mailbox().Messages()) != 1 {
			t.Fatalf("%d messages for the registrant, %d in all; want 1", len(got), len(e.mailbox().Messages()))
		}
		m := got[0]
		fr := catalog(t).Localizer("fr")
		if want := fr.T("notice_confirmed_subject", "Title", title); m.Subject != want {
			t.Errorf("Subject %q, want %q", m.Subject, want)
		}
		if !strings.HasPrefix(m.Text, "Bonjour Saraa,") || !strings.Contains(m.Text, title) || m.Header.Get("Content-Language") != "fr" {
			t.Errorf("the notice is not the French one: %v\n%s", m.Header, m.Text)
		}
		if links := m.Links(testConfig().BaseURL + "/"); len(links) != 1 {
			t.Errorf("links to the portal: %q", links)
		}
		// The person follows the link, their browser asking for French.
		person := e.client()
		person.header.Set("Accept-Language", "fr")
		if res := person.get(m.Link(t, "/activities/")); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, title) {
			t.Errorf("the notice's link: %d", res.StatusCode)
		}
		// Delivered mail is not sent again.
		e.deliver()
		if n := len(e.mailbox().Messages()); n != 1 {
			t.Fatalf("%d messages after a second delivery", n)
		}
	})
}
