package web

import (
	"context"
	"encoding/base64"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/mailings"
	"github.com/gotong/gotong/app/mailtest"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/app/web/api"
	"github.com/gotong/gotong/app/web/ui"
	"gorm.io/gorm"
)

// newsPerson stores a person with an email, a language and consent to news
// (source staff), as staff would.
func (e *env) newsPerson(given, email, locale string) *people.Profile {
	e.t.Helper()
	p, err := e.srv.People.Create(context.Background(), 0, people.Input{GivenName: given, Email: email, Locale: locale}, true, true)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// sentMailing writes a mailing to everyone with consent to news, in English
// and Mongolian with bodies body (by language), starts it and delivers its
// messages to e.mailbox().
func (e *env) sentMailing(body map[string]string) *mailings.Mailing {
	e.t.Helper()
	ctx := context.Background()
	m, err := e.srv.Mailings.Create(ctx, 0, mailings.Input{Name: "Autumn news",
		Subject: map[string]string{"en": "Autumn news", "mn": "Намрын мэдээ"}, Body: body})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.srv.Mailings.Send(ctx, 0, m.ID, nil); err != nil {
		e.t.Fatal(err)
	}
	e.sendMailings()
	return m
}

// onlyMail is the one message that reached addr.
func (e *env) onlyMail(addr string) mailtest.Mail {
	e.t.Helper()
	got := e.mailbox().To(addr)
	if len(got) != 1 {
		e.t.Fatalf("%d messages reached %s, want 1", len(got), addr)
	}
	return got[0]
}

// oneClick posts to link as a mail program does under RFC 8058: the body
// List-Unsubscribe=One-Click, no cookie, no _csrf, and the mail program's
// own origin.
func (e *env) oneClick(link string) *response {
	req := httpRequest(http.MethodPost, link, "List-Unsubscribe=One-Click", fiber.MIMEApplicationForm)
	req.Header.Set("Origin", "https://mail.example.net")
	req.Header.Set("Referer", "https://mail.example.net/inbox")
	return e.client().do(req)
}

// newsAt reports whether people.news_at of the person with email is set.
func (e *env) newsAt(email string) bool {
	e.t.Helper()
	var p people.Person
	if err := e.db.Where("email = ?", email).Take(&p).Error; err != nil {
		e.t.Fatal(err)
	}
	return p.NewsAt != nil
}

// recipientOf is the recipient row of mailing m for person id.
func (e *env) recipientOf(m *mailings.Mailing, id int64) mailings.Recipient {
	e.t.Helper()
	var r mailings.Recipient
	if err := e.db.Where("mailing_id = ? AND person_id = ?", m.ID, id).Take(&r).Error; err != nil {
		e.t.Fatal(err)
	}
	return r
}

// auditNews is the person.news entries about person id.
func (e *env) auditNews(id int64) []audit.Entry {
	e.t.Helper()
	var out []audit.Entry
	if err := e.db.Where("action = ? AND object_type = ? AND object_id = ?", "person.news", "person", strconv.FormatInt(id, 10)).
		Order("id").Find(&out).Error; err != nil {
		e.t.Fatal(err)
	}
	return out
}

// forged is token with a bit of its byte i changed (counted from the end
// when negative): a token of the right shape whose signature fails.
func forged(t *testing.T, token string, i int) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		t.Fatal(err)
	}
	if i < 0 {
		i += len(b)
	}
	b[i] ^= 2
	return base64.RawURLEncoding.EncodeToString(b)
}

// mainOf is the <main> of a page: what it says, without the links of its
// language switcher, which name the path.
func mainOf(body string) string {
	_, after, _ := strings.Cut(body, `<main id="main">`)
	main, _, _ := strings.Cut(after, "</main>")
	return main
}

var newsBodies = map[string]string{
	"en": "Hello {{given_name}}, the camp is open.",
	"mn": "Сайн байна уу, {{given_name}}. Зуслан нээгдлээ.",
}

// TestUnsubscribeOneClick: the link of a delivered message opens a page in
// the person's language that changes nothing; a POST as a mail program
// sends it (no cookie, no _csrf, another origin) withdraws consent to news
// everywhere it is kept, and says so in the person's language; a second
// one says the same and changes nothing.
func TestUnsubscribeOneClick(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		const email = "saraa@example.org"
		p := e.newsPerson("Сараа", email, "mn")
		m := e.sentMailing(newsBodies)
		mail := e.onlyMail(email)
		if !strings.Contains(mail.Text, "Сараа") || mail.Subject != "Намрын мэдээ" {
			t.Fatalf("the message is not in Mongolian with the name: %s\n%s", mail.Subject, mail.Text)
		}
		link := mail.Link(t, "/u/")

		page := e.client().get(link)
		if page.StatusCode != http.StatusOK || pageLang(page.Body) != "mn" {
			t.Fatalf("the page: %d in %q", page.StatusCode, pageLang(page.Body))
		}
		wantPrivate(t, "the page", page)
		for what, want := range map[string]string{
			"the title":  "<title>" + html.EscapeString(e.msg("mn", "unsubscribe_title")) + " · Gotong</title>",
			"the lead":   html.EscapeString(e.msg("mn", "unsubscribe_lead")),
			"the form":   `<form method="post" action="` + link + `" id="unsubscribe-form">`,
			"the button": html.EscapeString(e.msg("mn", "unsubscribe_button")),
		} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the page lacks %s %q: %s", what, want, page.Body)
			}
		}
		if strings.Contains(page.Body, `name="_csrf"`) {
			t.Errorf("the unsubscribe form carries _csrf: %s", page.Body)
		}
		if rows := e.newsRows(email); len(rows) != 1 || !rows[0].Given || !e.newsAt(email) ||
			e.recipientOf(m, p.ID).UnsubscribedAt != nil {
			t.Fatalf("opening the link changed something: %+v, news_at %v", rows, e.newsAt(email))
		}
		audits := len(e.auditNews(p.ID))

		done := e.msg("mn", "unsubscribe_done")
		res := e.oneClick(link)
		if res.StatusCode != http.StatusOK || pageLang(res.Body) != "mn" || !strings.Contains(res.Body, html.EscapeString(done)) {
			t.Fatalf("the one click: %d in %q: %s", res.StatusCode, pageLang(res.Body), res.Body)
		}
		wantPrivate(t, "the one click", res)
		if ck := res.Header.Values("Set-Cookie"); len(ck) != 0 {
			t.Errorf("the one click set cookies: %q", ck)
		}
		if e.newsAt(email) {
			t.Error("people.news_at still set")
		}
		rows := e.newsRows(email)
		if len(rows) != 2 || rows[0].Given || rows[0].Source != people.ConsentUnsubscribe || rows[0].Purpose != people.ConsentToNews {
			t.Fatalf("the consent history: %+v", rows)
		}
		if e.recipientOf(m, p.ID).UnsubscribedAt == nil {
			t.Error("the recipient row has no unsubscribed_at")
		}
		if got := e.auditNews(p.ID); len(got) != audits+1 || !strings.Contains(got[len(got)-1].Details, people.ConsentUnsubscribe) {
			t.Errorf("the audit log: %+v", got)
		}
		if c, err := e.srv.Mailings.Counts(context.Background(), m.ID); err != nil || c.Unsubscribed != 1 {
			t.Errorf("the mailing counts %+v (%v), want 1 unsubscribed", c, err)
		}

		// The staff see it on the person's page and in the API.
		staff := e.staffClient("coord@example.org", access.Coordinator)
		if page := staff.get(ui.ManagePersonPath(p.ID)); !strings.Contains(page.Body,
			`<p id="news-state">`+html.EscapeString(e.msg("en", "person_news_none"))+`</p>`) {
			t.Errorf("the person's page shows news standing: %s", page.Body)
		}
		var full api.PersonFull
		apiJSON(t, staff.api("GET", api.PersonPath(p.ID), e.token("coord@example.org"), ""), http.StatusOK, &full)
		if full.News || len(full.Consents) == 0 || full.Consents[0].Source != people.ConsentUnsubscribe {
			t.Errorf("the API: news %v, consents %+v", full.News, full.Consents)
		}

		// Again: the same answer, nothing more recorded.
		again := e.oneClick(link)
		if again.StatusCode != http.StatusOK || pageLang(again.Body) != "mn" || !strings.Contains(again.Body, html.EscapeString(done)) {
			t.Fatalf("a second click: %d: %s", again.StatusCode, again.Body)
		}
		if n := len(e.newsRows(email)); n != 2 {
			t.Errorf("a second click recorded consents: %d rows", n)
		}
		if n := len(e.auditNews(p.ID)); n != audits+1 {
			t.Errorf("a second click was audited: %d entries", n)
		}

		// The page now says no news comes, with no button.
		page = e.client().get(link)
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, html.EscapeString(e.msg("mn", "unsubscribe_none"))) ||
			strings.Contains(page.Body, "unsubscribe-form") {
			t.Errorf("the page after: %d: %s", page.StatusCode, page.Body)
		}
	})
}

// TestUnsubscribeErased: the link of a person erased since is no 404 (the
// link was real) but says, in the visitor's language, that no news comes;
// its POST says the same as anyone's and records nothing.
func TestUnsubscribeErased(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		p := e.newsPerson("Сараа", "saraa@example.org", "mn")
		e.sentMailing(newsBodies)
		link := e.onlyMail("saraa@example.org").Link(t, "/u/")
		if _, err := e.srv.Rights.Erase(context.Background(), 0, p.ID); err != nil {
			t.Fatal(err)
		}
		consents := e.rows("person_consents")
		c := e.client()
		c.header.Set("Accept-Language", "id")
		page := c.get(link)
		if page.StatusCode != http.StatusOK || pageLang(page.Body) != "id" ||
			!strings.Contains(page.Body, html.EscapeString(e.msg("id", "unsubscribe_none"))) || strings.Contains(page.Body, "unsubscribe-form") {
			t.Fatalf("the page: %d in %q: %s", page.StatusCode, pageLang(page.Body), page.Body)
		}
		res := c.postRaw(link, url.Values{"List-Unsubscribe": {"One-Click"}})
		if res.StatusCode != http.StatusOK || pageLang(res.Body) != "id" || !strings.Contains(res.Body, html.EscapeString(e.msg("id", "unsubscribe_done"))) {
			t.Fatalf("the one click: %d in %q", res.StatusCode, pageLang(res.Body))
		}
		if n := e.rows("person_consents"); n != consents {
			t.Errorf("consents %d, then %d", consents, n)
		}
	})
}

// TestUnsubscribeListHeader: a mailing's message carries RFC 8058's headers,
// List-Unsubscribe being the link of its text.
func TestUnsubscribeListHeader(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.newsPerson("Сараа", "saraa@example.org", "mn")
		e.sentMailing(newsBodies)
		mail := e.onlyMail("saraa@example.org")
		var link string
		for _, l := range mail.Links("") {
			if u, err := url.Parse(l); err == nil && strings.HasPrefix(u.Path, "/u/") {
				link = l
			}
		}
		if link == "" {
			t.Fatalf("no unsubscribe link in the text: %s", mail.Text)
		}
		if got := mail.Header.Get("List-Unsubscribe"); got != "<"+link+">" {
			t.Errorf("List-Unsubscribe %q, want <%s>", got, link)
		}
		if got := mail.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post %q", got)
		}
	})
}

// TestUnsubscribeRefusals: a forged link, one of nobody, or junk is a 404
// in the visitor's language, the same whatever the token, and changes
// nothing; the exemption from _csrf is the unsubscribe POST's alone.
func TestUnsubscribeRefusals(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		const email = "saraa@example.org"
		e.newsPerson("Сараа", email, "mn")
		e.sentMailing(newsBodies)
		link := e.onlyMail(email).Link(t, "/u/")
		token := strings.TrimPrefix(link, "/u/")
		junk := []string{
			"/u/" + forged(t, token, 7), // another recipient's id
			"/u/" + forged(t, token, -1),
			"/u/" + mailings.UnsubscribeToken(e.srv.Keys.Mailing, 1_000_000), // signed, of no recipient
			"/u/" + strings.Repeat("A", 3000),
			"/u/" + token + "A",
			"/u/" + token[:len(token)-1],
			"/u/%00",
			"/u/%FF%FE",
			"/u/" + url.PathEscape("не токен"),
			"/u/====",
			"/u/" + token[:5] + "+" + token[6:], // not the base64url alphabet
		}
		want := html.EscapeString(e.msg("fr", "error_mailing_link_invalid"))
		var first string
		for _, path := range junk {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				req := httpRequest(method, path, "List-Unsubscribe=One-Click", fiber.MIMEApplicationForm)
				req.Header.Set("Accept-Language", "fr")
				res := e.client().do(req)
				if res.StatusCode != http.StatusNotFound || pageLang(res.Body) != "fr" || !strings.Contains(res.Body, want) {
					t.Errorf("%s %.40s: %d in %q", method, path, res.StatusCode, pageLang(res.Body))
					continue
				}
				wantPrivate(t, method+" "+path[:min(len(path), 40)], res)
				if first == "" {
					first = mainOf(res.Body)
				} else if mainOf(res.Body) != first {
					t.Errorf("%s %.40s answers otherwise than a forged link", method, path)
				}
			}
		}
		if rows := e.newsRows(email); len(rows) != 1 || !e.newsAt(email) {
			t.Errorf("refused links changed the consent: %+v", rows)
		}

		// Every other form still asks for _csrf, the unsubscribe's body
		// or not.
		for _, path := range []string{"/login", "/v/" + token, "/g/" + token, "/r/" + token + "/cancel", link + "/x", "/c/" + token} {
			res := e.client().postRaw(path, url.Values{"List-Unsubscribe": {"One-Click"}})
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s without _csrf: %d, want 403", path, res.StatusCode)
			}
		}
	})
}

// TestCountedLinks: a mailing's link reaches readers as one counted
// redirect per language, the same for everyone who reads that language;
// following it counts a click for the mailing, the link and the language,
// and leaves nothing with the visitor.
func TestCountedLinks(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.newsPerson("Сараа", "saraa@example.org", "mn")
		e.newsPerson("Бат", "bat@example.org", "mn")
		e.newsPerson("Dewi", "dewi@example.org", "en")
		const report = "https://example.org/report?year=2025&lang=mn"
		m := e.sentMailing(map[string]string{
			"en": "Read the report: " + report + ".",
			"mn": "Тайланг уншина уу: " + report + ".",
		})
		saraa, bat, dewi := e.onlyMail("saraa@example.org"), e.onlyMail("bat@example.org"), e.onlyMail("dewi@example.org")
		for _, mail := range []mailtest.Mail{saraa, bat, dewi} {
			if strings.Contains(mail.Text, report) {
				t.Fatalf("the link reached %s as it is: %s", mail.To, mail.Text)
			}
		}
		mn, en := saraa.Link(t, "/c/"), dewi.Link(t, "/c/")
		if bat.Link(t, "/c/") != mn || en == mn {
			t.Fatalf("counted links: %s and %s in Mongolian, %s in English", mn, bat.Link(t, "/c/"), en)
		}

		clicks := func() map[string]int64 {
			t.Helper()
			links, err := e.srv.Mailings.Links(context.Background(), m.ID)
			if err != nil || len(links) != 1 || links[0].URL != report {
				t.Fatalf("the mailing's links: %+v, %v", links, err)
			}
			return links[0].ByLocale
		}
		res := e.client().get(mn)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != report {
			t.Fatalf("following: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		wantPrivate(t, "the redirect", res)
		if ck := res.Header.Values("Set-Cookie"); len(ck) != 0 {
			t.Errorf("the redirect set cookies: %q", ck)
		}
		if got := clicks(); len(got) != 1 || got["mn"] != 1 {
			t.Fatalf("clicks after one: %v", got)
		}
		e.client().get(en)
		e.client().get(mn)
		if got := clicks(); len(got) != 2 || got["mn"] != 2 || got["en"] != 1 {
			t.Fatalf("clicks after three: %v", got)
		}

		token := strings.TrimPrefix(mn, "/c/")
		for _, path := range []string{"/c/" + forged(t, token, 9), "/c/" + forged(t, token, 10), "/c/" + forged(t, token, -1), "/c/" + strings.Repeat("A", 3000), "/c/%00", "/c/" + strings.TrimPrefix(saraa.Link(t, "/u/"), "/u/")} {
			req := httpRequest(http.MethodGet, path, "", "")
			req.Header.Set("Accept-Language", "mn")
			res := e.client().do(req)
			if res.StatusCode != http.StatusNotFound || pageLang(res.Body) != "mn" ||
				!strings.Contains(res.Body, html.EscapeString(e.msg("mn", "error_mailing_link_invalid"))) {
				t.Errorf("GET %.40s: %d in %q", path, res.StatusCode, pageLang(res.Body))
			}
			wantPrivate(t, "GET "+path[:min(len(path), 40)], res)
		}
		if got := clicks(); got["mn"] != 2 || got["en"] != 1 {
			t.Errorf("refused links counted: %v", got)
		}
	})
}

// TestAccessLogKeepsMailingLinksPrivate: the access log names the routes of
// a mailing's links, never their tokens, and following them starts no
// session.
func TestAccessLogKeepsMailingLinksPrivate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		var logs logBuffer
		e := newEnvLog(t, db, testConfig(), slog.New(slog.NewJSONHandler(&logs, nil)))
		e.newsPerson("Сараа", "saraa@example.org", "mn")
		e.sentMailing(map[string]string{"en": "See https://example.org/a.", "mn": "Үзнэ үү: https://example.org/a."})
		mail := e.onlyMail("saraa@example.org")
		u, c := mail.Link(t, "/u/"), mail.Link(t, "/c/")
		for _, res := range []*response{e.client().get(u), e.oneClick(u), e.client().get(c), e.client().get(c + "x")} {
			if res.StatusCode >= 500 {
				t.Fatalf("%s: %d", res.Request.URL.Path, res.StatusCode)
			}
		}
		out := logs.String()
		for _, route := range []string{`"method":"GET","route":"/u/:token"`, `"method":"POST","route":"/u/:token"`, `"method":"GET","route":"/c/:token"`} {
			if !strings.Contains(out, route) {
				t.Errorf("no access log line names %s", route)
			}
		}
		for _, link := range []string{u, c} {
			if strings.Contains(out, link[len("/u/"):]) {
				t.Errorf("the log holds the token of %s", link[:3])
			}
		}
		if n := e.rows("sessions"); n != 0 {
			t.Errorf("%d sessions started", n)
		}
	})
}
