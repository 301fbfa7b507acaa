package web

import (
	"context"
	"encoding/json"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gotong/gotong/app/mailtest"
	"github.com/gotong/gotong/app/submissions"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// mailTo delivers the outbox over SMTP and returns the mail that reached
// address, oldest first.
func (e *env) mailTo(address string) []mailtest.Mail {
	e.t.Helper()
	e.deliver()
	return e.mailbox().To(address)
}

// signatureMail names each mail that reached address as its reader tells
// them apart, with its language: "verify" (asks to confirm, with one link
// to /v/) or "known" (signed already, no link).
func (e *env) signatureMail(address string) []string {
	e.t.Helper()
	var out []string
	for _, m := range e.mailTo(address) {
		lang := m.Header.Get("Content-Language")
		l := e.srv.Catalog.Localizer(lang)
		links := len(m.Links(testConfig().BaseURL + "/v/"))
		kind := "other: " + m.Subject
		switch {
		case m.Subject == l.T("notice_signature_verify_subject") && links == 1:
			kind = "verify"
		case m.Subject == l.T("notice_signature_known_subject") && links == 0:
			kind = "known"
		}
		out = append(out, kind+" "+lang)
	}
	return out
}

// linkTo returns the path of the one /v/ link in the last mail that
// reached address.
func (e *env) linkTo(address string) string {
	e.t.Helper()
	mail := e.mailTo(address)
	if len(mail) == 0 {
		e.t.Fatalf("no mail to %s", address)
	}
	return mail[len(mail)-1].Link(e.t, "/v/")
}

// signatureLink signs petition slug through the public form as address and
// returns the path of the link emailed for it.
func (e *env) signatureLink(slug, address string) string {
	e.t.Helper()
	c := e.client()
	c.get("/p/" + slug)
	if res := c.postForm("/p/"+slug, petitionForm(address)); res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("signing %s as %s: %d", slug, address, res.StatusCode)
	}
	return e.linkTo(address)
}

// count is the signatures of petition slug.
func (e *env) count(slug string) int {
	e.t.Helper()
	p, err := e.srv.Petitions.GetBySlug(context.Background(), slug)
	if err != nil {
		e.t.Fatal(err)
	}
	return p.Signatures
}

// TestVerifySignature: the emailed link opens a page that says what it
// confirms and counts nothing; its one button (a form with _csrf) counts
// the signature once; the pages are not stored; a dead link is a 404 that
// says so in the visitor's language.
func TestVerifySignature(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		camp := e.petitionCampaign("Free expression", "expression")
		e.newPetition(camp, "free-them", 1000)
		fr := e.srv.Catalog.Localizer("fr")
		link := e.signatureLink("free-them", "saraa@example.org")
		c := e.client()

		// Opening it, as often as a mail scanner likes, counts nothing.
		for range 3 {
			page := c.get(link + "?lang=fr")
			if page.StatusCode != http.StatusOK || pageLang(page.Body) != "fr" {
				t.Fatalf("the link's page: %d", page.StatusCode)
			}
			if cc := page.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("the link's page: Cache-Control %q", cc)
			}
			for what, want := range map[string]string{
				"what it confirms": html.EscapeString(fr.T("verify_signature_heading", "Title", "Free the students")),
				"the form":         `<form method="post" action="` + link + `" id="verify-form">`,
				"the CSRF field":   `<input type="hidden" name="_csrf" value="`,
				"the button":       html.EscapeString(fr.T("verify_signature_button")),
			} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("the link's page lacks %s (%q)", what, want)
				}
			}
			if strings.Contains(page.Body, "<script") {
				t.Error("the link's page needs a script")
			}
		}
		if n := e.count("free-them"); n != 0 {
			t.Fatalf("count %d after opening the link, want 0", n)
		}
		var people int64
		e.db.Table("people").Count(&people)
		if people != 0 {
			t.Fatalf("%d people before the tap", people)
		}

		// Without the form's token, the tap does nothing.
		if res := c.postRaw(link, url.Values{}); res.StatusCode != http.StatusForbidden || e.count("free-them") != 0 {
			t.Fatalf("a tap without _csrf: %d", res.StatusCode)
		}

		// The tap counts, once.
		res := c.postForm(link, url.Values{})
		if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("the tap: %d, Cache-Control %q", res.StatusCode, res.Header.Get("Cache-Control"))
		}
		for what, want := range map[string]string{
			"the count":            html.EscapeString(fr.Plural("petition_thanks", 1)),
			"the link to the page": `<a href="/p/free-them" id="verify-back">`,
		} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("the result lacks %s (%q)", what, want)
			}
		}
		if strings.Contains(res.Body, `id="verify-form"`) {
			t.Error("the result offers the button again")
		}
		if n := e.count("free-them"); n != 1 {
			t.Fatalf("count %d after the tap, want 1", n)
		}
		again := c.postForm(link, url.Values{})
		if again.StatusCode != http.StatusOK || !strings.Contains(again.Body, html.EscapeString(fr.Plural("verify_signature_again", 1))) {
			t.Fatalf("a second tap: %d", again.StatusCode)
		}
		if page := c.get(link); !strings.Contains(page.Body, html.EscapeString(fr.Plural("verify_signature_again", 1))) ||
			strings.Contains(page.Body, `id="verify-form"`) {
			t.Error("the link's page after the tap does not say it counted")
		}
		if n := e.count("free-them"); n != 1 {
			t.Fatalf("count %d after a second tap, want 1", n)
		}

		// Another form of the same address: "signed already", and a link
		// of an earlier form tapped after counts nothing either.
		early := e.signatureLink("free-them", "bat@example.org")
		later := e.signatureLink("free-them", "bat@example.org")
		c.get(later)
		c.postForm(later, url.Values{})
		c.get(early)
		if res := c.postForm(early, url.Values{}); !strings.Contains(res.Body, html.EscapeString(fr.Plural("verify_signature_again", 2))) {
			t.Error("the earlier link of an address that signed meanwhile does not say so")
		}
		if n := e.count("free-them"); n != 2 {
			t.Fatalf("count %d, want 2", n)
		}

		// Dead links: a 404 that says so, in the visitor's language, on
		// either method, and nothing counted.
		expired := e.signatureLink("free-them", "late@example.org")
		if err := e.db.Model(&submissions.Submission{}).Where("id = (SELECT MAX(id) FROM submissions)").
			Update("expires_at", gorm.Expr("created_at")).Error; err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{expired, "/v/junk", link + "x", "/v/" + strings.Repeat("A", 43)} {
			for method, res := range map[string]*response{"GET": c.get(path + "?lang=mn"), "POST": c.postForm(path, url.Values{})} {
				if res.StatusCode != http.StatusNotFound || !strings.Contains(res.Body, html.EscapeString(e.srv.Catalog.Localizer("mn").T("error_link_expired"))) {
					t.Errorf("%s %s: %d", method, path, res.StatusCode)
				}
				if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("%s: Cache-Control %q", path, cc)
				}
			}
		}
		if n := e.count("free-them"); n != 2 {
			t.Fatalf("count %d after dead links, want 2", n)
		}
	})
}

// TestVerifyConcurrently: 20 taps at once on 20 links count 20; 10 taps at
// once on one link count one.
func TestVerifyConcurrently(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		camp := e.petitionCampaign("Free expression", "expression")
		e.newPetition(camp, "free-them", 1000)
		tapAll := func(links []string) {
			// Each tap from its own browser, the page opened first.
			clients := make([]*client, len(links))
			for i, link := range links {
				clients[i] = e.client()
				clients[i].get(link)
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, link := range links {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					if res := clients[i].postForm(link, url.Values{}); res.StatusCode != http.StatusOK {
						t.Errorf("tap: %d", res.StatusCode)
					}
				}()
			}
			close(start)
			wg.Wait()
		}
		var links []string
		for i := range 20 {
			links = append(links, e.signatureLink("free-them", "p"+itoa(int64(i))+"@example.org"))
		}
		tapAll(links)
		if n := e.count("free-them"); n != 20 {
			t.Fatalf("count %d after 20 links, want 20", n)
		}
		one := e.signatureLink("free-them", "one@example.org")
		tapAll([]string{one, one, one, one, one, one, one, one, one, one})
		if n := e.count("free-them"); n != 21 {
			t.Fatalf("count %d after 10 taps on one link, want 21", n)
		}
	})
}

// TestVerifyLogsNoToken: the request log names the link's route, never its
// token.
func TestVerifyLogsNoToken(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		var logs logBuffer
		e := newEnvLog(t, db, testConfig(), slog.New(slog.NewJSONHandler(&logs, nil)))
		camp := e.petitionCampaign("Free expression", "expression")
		e.newPetition(camp, "free-them", 1000)
		link := e.signatureLink("free-them", "saraa@example.org")
		c := e.client()
		c.get(link)
		if res := c.postForm(link, url.Values{}); res.StatusCode != http.StatusOK {
			t.Fatalf("tap: %d", res.StatusCode)
		}
		c.get(link + "x")
		routes := map[string]int{}
		for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("log line %q: %v", line, err)
			}
			if rec["msg"] == "request" {
				route, _ := rec["route"].(string)
				routes[route]++
			}
		}
		if routes["/v/:token"] != 3 {
			t.Errorf("the link's requests logged under %v, want /v/:token thrice", routes)
		}
		token := strings.TrimPrefix(link, "/v/")
		if strings.Contains(logs.String(), token) || strings.Contains(logs.String(), "saraa") {
			t.Errorf("the log holds the token or the address: %s", logs.String())
		}
	})
}
