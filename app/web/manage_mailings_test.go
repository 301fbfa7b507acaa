package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/mailings"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/app/web/ui"
	"gorm.io/gorm"
)

// supporter stores a person as staff would, with consent to keep their data
// and, when news, consent to news.
func (e *env) supporter(given, email, locale string, news bool, tags ...string) *people.Profile {
	e.t.Helper()
	p, err := e.srv.People.Create(context.Background(), 0,
		people.Input{GivenName: given, Email: email, Locale: locale, Tags: tags}, true, news)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// mailingsTally sums what the mailings' tables hold, to prove a request
// wrote nothing.
func (e *env) mailingsTally() string {
	e.t.Helper()
	var b strings.Builder
	for _, table := range []string{"mailings", "mailing_texts", "mailing_recipients", "audit_log"} {
		b.WriteString(table + "=" + itoa(e.rows(table)) + " ")
	}
	var statuses []string
	if err := e.db.Table("mailings").Order("id").Pluck("status", &statuses).Error; err != nil {
		e.t.Fatal(err)
	}
	return b.String() + strings.Join(statuses, ",")
}

// mailing reads a mailing as stored.
func (e *env) mailing(id int64) *mailings.Mailing {
	e.t.Helper()
	m, err := e.srv.Mailings.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// mailingForm is a complete mailing form to the saved segment segID, in
// English and Mongolian.
func mailingForm(segID int64) url.Values {
	return url.Values{"name": {"Privacy camp call"}, "segment_id": {itoa(segID)}, "query": {""},
		"subject_en": {"Join the privacy camp"}, "body_en": {"Hello {{given_name}},\nthe camp opens soon: https://example.org/camp"},
		"subject_mn": {"Нууцлалын зусланд нэгдээрэй"}, "body_mn": {"Сайн байна уу, {{given_name}}!\nЗуслан удахгүй: https://example.org/camp"},
		"subject_fr": {""}, "body_fr": {""}, "subject_id": {""}, "body_id": {""}}
}

// mailingIDFrom is the id of the mailing a redirect leads to.
func mailingIDFrom(t *testing.T, res *response) int64 {
	t.Helper()
	m := regexp.MustCompile(`^/manage/mailings/(\d+)\?done=saved$`).FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("saving the mailing: %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// countOf is the text of a count on a mailing's page.
func countOf(body, id string) string {
	m := regexp.MustCompile(`<dd id="count-` + id + `">([^<]*)</dd>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// TestManageMailingsAccess: the mailings pages are the coordinators' and
// admins'; a facilitator is refused, a partner member is refused the list
// and told a mailing does not exist, anonymous visitors are sent to sign
// in; none of their posts writes. Only those who may see the pages have
// them in the menu.
func TestManageMailingsAccess(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.supporter("Saraa", "saraa@example.org", "mn", true)
		m, err := e.srv.Mailings.Create(context.Background(), 0, mailings.Input{Name: "Everyone",
			Subject: map[string]string{"en": "News"}, Body: map[string]string{"en": "Hello"}})
		if err != nil {
			t.Fatal(err)
		}
		coord := e.staffClient("coord@example.org", access.Coordinator)
		admin := e.staffClient("admin@example.org", access.Admin)
		facilitator := e.staffClient("lead@example.org", access.Facilitator)
		member := e.staffClient("member@example.org", access.Partner)
		one := ui.ManageMailingPath(m.ID)
		for _, path := range []string{ui.ManageMailingsPath, ui.ManageMailingsPath + "/new", one, one + "/edit", one + "/send", one + "/delete"} {
			for _, c := range []*client{coord, admin} {
				if res := c.get(path); res.StatusCode != http.StatusOK {
					t.Errorf("staff %s: %d", path, res.StatusCode)
				}
			}
			if res := facilitator.get(path); res.StatusCode != http.StatusForbidden || strings.Contains(res.Body, "Everyone") {
				t.Errorf("facilitator %s: %d", path, res.StatusCode)
			}
			want := http.StatusForbidden
			if strings.HasPrefix(path, one) {
				want = http.StatusNotFound
			}
			if res := member.get(path); res.StatusCode != want || strings.Contains(res.Body, "Everyone") {
				t.Errorf("partner member %s: %d, want %d", path, res.StatusCode, want)
			}
			if res := e.client().get(path); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
				t.Errorf("anonymous %s: %d", path, res.StatusCode)
			}
		}
		before := e.mailingsTally()
		for _, path := range []string{ui.ManageMailingsPath, one, one + "/test", one + "/send", one + "/schedule", one + "/cancel", one + "/delete"} {
			if res := facilitator.postForm(path, mailingForm(0)); res.StatusCode != http.StatusForbidden {
				t.Errorf("facilitator posts %s: %d", path, res.StatusCode)
			}
			want := http.StatusNotFound
			if path == ui.ManageMailingsPath {
				want = http.StatusForbidden
			}
			if res := member.postForm(path, mailingForm(0)); res.StatusCode != want {
				t.Errorf("partner member posts %s: %d, want %d", path, res.StatusCode, want)
			}
		}
		e.deliver()
		if after := e.mailingsTally(); after != before || len(e.mailbox().Messages()) != 0 {
			t.Fatalf("refused posts wrote: %s, then %s; %d mails", before, after, len(e.mailbox().Messages()))
		}
		link := `href="/manage/mailings"`
		for _, c := range []*client{coord, admin} {
			if home := c.get("/manage"); !strings.Contains(home.Body, link) {
				t.Error("a staff menu lacks the mailings")
			}
		}
		for _, c := range []*client{facilitator, member} {
			if home := c.get("/account"); strings.Contains(home.Body, link) {
				t.Error("the menu of a facilitator or a partner member offers the mailings")
			}
		}
		if res := coord.get(ui.ManageMailingsPath + "/999999"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a mailing that does not exist: %d", res.StatusCode)
		}
	})
}

// TestManageMailingForm: a form with mistakes is refused with a 422 in the
// user's language, each message beside its field and in the error summary,
// the values as typed, nothing saved; a good one keeps a draft that the edit
// form shows again and changes. A mailing past its draft cannot be edited.
func TestManageMailingForm(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		seg, err := e.srv.Segments.Save(context.Background(), 0, "Privacy", "tag=privacy")
		if err != nil {
			t.Fatal(err)
		}
		c := e.staffClient("coord@example.org", access.Coordinator)
		page := c.get(ui.ManageMailingsPath + "/new?lang=fr")
		if !strings.Contains(page.Body, `<option value="`+itoa(seg.ID)+`">Privacy</option>`) ||
			!strings.Contains(html.UnescapeString(page.Body), e.msg("fr", "mailing_texts_note", "Placeholder", mailings.GivenName)) {
			t.Fatalf("the new form lacks the segments or the hint of {{given_name}}: %s", page.Body)
		}

		// The people list offers a mailing to its segment, filled in.
		list := c.get(ui.ManagePeoplePath + "?tag=privacy&lang=en")
		href := ui.ManageMailingsPath + "/new?query=tag%3Dprivacy"
		if !strings.Contains(list.Body, `href="`+href+`" id="mail-segment"`) {
			t.Fatalf("the people list offers no mailing to its segment: %s", list.Body)
		}
		if res := c.get(href); !strings.Contains(res.Body, `id="f-query" name="query" type="text" value="tag=privacy"`) {
			t.Fatalf("the new form is not filled in with the segment: %s", res.Body)
		}

		bad := mailingForm(seg.ID)
		bad.Set("name", " ")
		bad.Set("query", "locality=rural") // and a segment
		bad.Set("subject_en", "")
		bad.Set("subject_fr", "Rejoignez le camp")
		bad.Set("body_fr", "Bonjour {{prenom}}")
		before := e.mailingsTally()
		res := c.postForm(ui.ManageMailingsPath+"?lang=fr", bad)
		checkSummary(t, "a bad mailing form", res, "f-name", "f-query", "f-subject_en", "f-body_fr")
		body := html.UnescapeString(res.Body)
		for field, msg := range map[string]string{
			"name": e.msg("fr", "error_required"), "query": e.msg("fr", "error_mailing_segment_or_query"),
			"subject_en": e.msg("fr", "error_required"),
			"body_fr":    e.msg("fr", "error_mailing_placeholder", "Placeholder", "{{prenom}}", "Known", mailings.GivenName),
		} {
			if !strings.Contains(body, `<span class="error" id="e-`+field+`">`+msg+`</span>`) {
				t.Errorf("no message %q beside %s", msg, field)
			}
		}
		if res.StatusCode != http.StatusUnprocessableEntity || pageLang(res.Body) != "fr" ||
			!strings.Contains(body, `value="Rejoignez le camp"`) || !strings.Contains(body, "Bonjour {{prenom}}</textarea>") ||
			!strings.Contains(body, `value="locality=rural"`) || !strings.Contains(body, `<option value="`+itoa(seg.ID)+`" selected>`) {
			t.Fatalf("the refusal: %d, lang %s, values not echoed: %s", res.StatusCode, pageLang(res.Body), res.Body)
		}
		if after := e.mailingsTally(); after != before {
			t.Fatalf("a refused form wrote: %s, then %s", before, after)
		}

		id := mailingIDFrom(t, c.postForm(ui.ManageMailingsPath, mailingForm(seg.ID)))
		m := e.mailing(id)
		if m.Name != "Privacy camp call" || m.SegmentID == nil || *m.SegmentID != seg.ID || m.Status != mailings.StatusDraft || len(m.Texts) != 2 {
			t.Fatalf("saved %+v", m)
		}
		if res := c.get(ui.ManageMailingPath(id) + "?done=saved&lang=id"); !strings.Contains(res.Body, e.msg("id", "mailing_saved")) {
			t.Fatal("no notice after the save")
		}
		edit := c.get(ui.ManageMailingPath(id) + "/edit")
		if !strings.Contains(edit.Body, `value="Privacy camp call"`) || !strings.Contains(edit.Body, `value="Нууцлалын зусланд нэгдээрэй"`) ||
			!strings.Contains(edit.Body, `<option value="`+itoa(seg.ID)+`" selected>`) {
			t.Fatalf("the edit form is not filled in: %s", edit.Body)
		}
		changed := mailingForm(seg.ID)
		changed.Set("segment_id", "")
		changed.Set("query", "?tag=PRIVACY")
		changed.Set("subject_mn", "")
		changed.Set("body_mn", "")
		res = c.postForm(ui.ManageMailingPath(id), changed)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the edit: %d %s", res.StatusCode, res.Body)
		}
		if m := e.mailing(id); m.SegmentID != nil || m.Query != "tag=privacy" || len(m.Texts) != 1 {
			t.Fatalf("edited %+v", m)
		}

		if _, err := e.srv.Mailings.Cancel(context.Background(), 0, id); err == nil {
			t.Fatal("a draft was cancelled")
		}
		e.supporter("Saraa", "saraa@example.org", "mn", true, "privacy")
		if _, err := e.srv.Mailings.Send(context.Background(), 0, id, nil); err != nil {
			t.Fatal(err)
		}
		if res := c.get(ui.ManageMailingPath(id) + "/edit"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != ui.ManageMailingPath(id) {
			t.Fatalf("the edit form of a mailing being sent: %d", res.StatusCode)
		}
		before = e.mailingsTally()
		if res := c.postForm(ui.ManageMailingPath(id), mailingForm(seg.ID)); res.StatusCode != http.StatusConflict {
			t.Fatalf("a save over a mailing being sent: %d", res.StatusCode)
		}
		if after := e.mailingsTally(); after != before {
			t.Fatalf("a refused save wrote: %s, then %s", before, after)
		}
	})
}

// eachMailingEnv runs fn against a portal whose staff's clocks are in
// Ulaanbaatar, on every test database.
func eachMailingEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	cfg := testConfig()
	cfg.Timezone = "Asia/Ulaanbaatar"
	testdb.Each(t, func(t *testing.T, db *gorm.DB) { fn(t, newEnvConfig(t, db, cfg)) })
}

// TestManageMailingSend: a draft's page says whom it reaches; a test goes
// to the coordinator alone, in their language with their name; a time past
// is refused on the field and a time to come is shown in the portal's zone;
// sending now asks first with the reach again; while it sends, the page
// refreshes itself and shows a progress bar; after, it shows the counts,
// clicks and click rate, as the list does, and the messages reached only the
// consenting people with an email, each in their language with their name.
func TestManageMailingSend(t *testing.T) {
	t.Parallel()
	eachMailingEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.supporter("Saraa", "saraa@example.org", "mn", true, "privacy")
		e.supporter("Dewi", "dewi@example.org", "id", true, "privacy") // no Indonesian text: English
		e.supporter("Camille", "camille@example.org", "fr", false, "privacy")
		e.supporter("Bat", "bat@example.org", "mn", true, "climate")
		if _, err := e.srv.People.Create(ctx, 0, people.Input{GivenName: "Oyun", Tags: []string{"privacy"}}, true, true); err != nil {
			t.Fatal(err) // consenting to news, but no email
		}
		seg, err := e.srv.Segments.Save(ctx, 0, "Privacy", "tag=privacy")
		if err != nil {
			t.Fatal(err)
		}
		e.user("coord@example.org", access.Coordinator)
		if err := e.db.Table("users").Where("email = ?", "coord@example.org").Update("locale", "fr").Error; err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.login("coord@example.org")
		id := mailingIDFrom(t, c.postForm(ui.ManageMailingsPath, mailingForm(seg.ID)))
		path := ui.ManageMailingPath(id)

		en := e.srv.Catalog.Localizer("en")
		page := c.get(path + "?lang=en")
		body := html.UnescapeString(page.Body)
		if !strings.Contains(body, `<p id="mailing-reach"><strong>`+en.Plural("mailing_reach", 2)+`</strong></p>`) ||
			!strings.Contains(body, e.msg("en", "mailing_reach_note")) || !strings.Contains(body, e.msg("en", "mailing_audience_segment", "Name", "Privacy")) ||
			strings.Contains(body, `http-equiv="refresh"`) {
			t.Fatalf("the draft's page: %s", body)
		}

		// A test, to the coordinator in their language (French, which has
		// no text: the default's, English), with their name.
		if res := c.postForm(path+"/test", url.Values{}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?done=test" {
			t.Fatalf("the test: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if res := c.get(path + "?done=test&lang=fr"); !strings.Contains(html.UnescapeString(res.Body), e.msg("fr", "mailing_test_sent")) {
			t.Fatal("no notice after the test")
		}
		test := e.lastMail("coord@example.org")
		if test.Subject != en.T("mailing_test_subject", "Subject", "Join the privacy camp") || !strings.Contains(test.Text, "Hello coord,") {
			t.Fatalf("the test: %q\n%s", test.Subject, test.Text)
		}
		if n := len(e.mailbox().Messages()); n != 1 {
			t.Fatalf("%d mails after the test", n)
		}

		// A time past is refused beside the field; a bad one too.
		ub, _ := time.LoadLocation("Asia/Ulaanbaatar")
		before := e.mailingsTally()
		for at, id := range map[string]string{time.Now().In(ub).Add(-time.Hour).Format(ui.FormTime): "error_mailing_at_past", "tomorrow": "error_datetime", "": "error_required"} {
			res := c.postForm(path+"/schedule?lang=mn", url.Values{"at": {at}})
			checkSummary(t, "schedule at "+at, res, "f-at")
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.Body), fieldError("at", e.msg("mn", id))) ||
				!strings.Contains(res.Body, `value="`+at+`"`) {
				t.Errorf("schedule at %q: %d\n%s", at, res.StatusCode, res.Body)
			}
		}
		if after := e.mailingsTally(); after != before {
			t.Fatalf("refused schedules wrote: %s, then %s", before, after)
		}
		at := time.Now().In(ub).Add(48 * time.Hour).Truncate(time.Minute)
		if res := c.postForm(path+"/schedule", url.Values{"at": {at.Format(ui.FormTime)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("schedule: %d %s", res.StatusCode, res.Body)
		}
		if m := e.mailing(id); m.Status != mailings.StatusScheduled || !m.ScheduledAt.Equal(at) {
			t.Fatalf("scheduled %+v, want %v", m, at)
		}
		page = c.get(path + "?lang=en")
		when := en.T("format_when", "Date", en.Date(at), "Time", en.Clock(at), "Zone", en.T("zone_asia_ulaanbaatar"))
		if !strings.Contains(html.UnescapeString(page.Body), `<dd id="mailing-scheduled">`+when+`</dd>`) || !strings.Contains(page.Body, `value="`+at.Format(ui.FormTime)+`"`) {
			t.Fatalf("the scheduled page lacks %q: %s", when, page.Body)
		}

		// Send now: the confirmation repeats the reach; only its button sends.
		method, action, vals := confirmed(t, c, path+"/send?lang=en", e.msg("en", "confirm_mailing_send_text", "Name", "Privacy camp call",
			"People", en.Plural("people_count", 2)))
		if m := e.mailing(id); m.Status != mailings.StatusScheduled {
			t.Fatalf("the confirmation page sent: %s", m.Status)
		}
		if method != "post" || action != path+"/send" {
			t.Fatalf("the confirmation's button: %s %s", method, action)
		}
		if res := c.postForm(action, vals); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?done=sending" {
			t.Fatalf("send now: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		page = c.get(path + "?lang=en")
		if !strings.Contains(page.Body, `<meta http-equiv="refresh" content="5; url=`+path+`">`) ||
			!strings.Contains(page.Body, `<progress id="mailing-progress" max="100" value="0">`) || countOf(page.Body, "queued") != "2" ||
			!strings.Contains(page.Body, `id="cancel-mailing"`) || strings.Contains(page.Body, `id="send-mailing"`) {
			t.Fatalf("the page while sending: %s", page.Body)
		}
		if res := c.postForm(action, url.Values{}); res.StatusCode != http.StatusConflict ||
			!strings.Contains(html.UnescapeString(res.Body), e.msg("en", "error_mailing_not_sendable")) {
			t.Fatalf("sending twice: %d", res.StatusCode)
		}

		e.sendMailings()
		got := map[string]string{}
		for _, m := range e.mailbox().Messages() {
			if m.To != "coord@example.org" {
				got[m.To] = m.Subject + "|" + strings.SplitN(m.Text, "\n", 2)[0]
			}
		}
		want := map[string]string{"saraa@example.org": "Нууцлалын зусланд нэгдээрэй|Сайн байна уу, Saraa!", "dewi@example.org": "Join the privacy camp|Hello Dewi,"}
		if len(got) != len(want) || got["saraa@example.org"] != want["saraa@example.org"] || got["dewi@example.org"] != want["dewi@example.org"] {
			t.Fatalf("the mails: %v, want %v", got, want)
		}

		// A reader follows the counted link once, from the Mongolian text.
		var click string
		for _, l := range e.mailbox().To("saraa@example.org")[0].Links("") {
			if u, err := url.Parse(l); err == nil && strings.HasPrefix(u.Path, "/c/") {
				click = strings.TrimPrefix(u.Path, "/c/")
			}
		}
		if dest, err := e.srv.Mailings.Follow(ctx, click, true); err != nil || dest != "https://example.org/camp" {
			t.Fatalf("the counted link %q: %q %v", click, dest, err)
		}
		page = c.get(path + "?lang=fr")
		fr := e.srv.Catalog.Localizer("fr")
		if strings.Contains(page.Body, `http-equiv="refresh"`) || strings.Contains(page.Body, "<progress") ||
			countOf(page.Body, "sent") != "2" || countOf(page.Body, "failed") != "0" || countOf(page.Body, "unsubscribed") != "0" ||
			countOf(page.Body, "clicks") != "1" || countOf(page.Body, "click-rate") != "50 %" ||
			!strings.Contains(page.Body, `<tr><td class="link-url">https://example.org/camp</td><td class="num">1</td><td class="num">0</td><td class="num">1</td></tr>`) ||
			!strings.Contains(page.Body, `<span class="status status-sent">`+fr.T("mailing_status_sent")+`</span>`) {
			t.Fatalf("the page after sending: %s", page.Body)
		}
		list := c.get(ui.ManageMailingsPath + "?lang=fr")
		row := regexp.MustCompile(`(?s)<tr id="mailing-` + itoa(id) + `">.*?</tr>`).FindString(list.Body)
		if !strings.Contains(row, `>2</td>`) || !strings.Contains(row, `<td class="num click-rate" data-label="`+fr.T("mailing_click_rate")+`">50 %</td>`) {
			t.Fatalf("the list's row: %s", row)
		}
	})
}

// TestManageMailingCancelDelete: a scheduled mailing is cancelled by its
// button; a draft is deleted through a confirmation page, and a mailing
// past its draft has no such page.
func TestManageMailingCancelDelete(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.supporter("Saraa", "saraa@example.org", "mn", true, "privacy")
		seg, err := e.srv.Segments.Save(context.Background(), 0, "Privacy", "tag=privacy")
		if err != nil {
			t.Fatal(err)
		}
		c := e.staffClient("coord@example.org", access.Coordinator)
		kept := mailingIDFrom(t, c.postForm(ui.ManageMailingsPath, mailingForm(seg.ID)))
		at := time.Now().UTC().Add(24 * time.Hour).Format(ui.FormTime)
		if res := c.postForm(ui.ManageMailingPath(kept)+"/schedule", url.Values{"at": {at}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("schedule: %d", res.StatusCode)
		}
		if res := c.get(ui.ManageMailingPath(kept) + "/delete"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the delete confirmation of a scheduled mailing: %d", res.StatusCode)
		}
		if res := c.postForm(ui.ManageMailingPath(kept)+"/cancel", url.Values{}); res.StatusCode != http.StatusSeeOther ||
			res.Header.Get("Location") != ui.ManageMailingPath(kept)+"?done=cancelled" {
			t.Fatalf("cancel: %d", res.StatusCode)
		}
		if m := e.mailing(kept); m.Status != mailings.StatusCancelled {
			t.Fatalf("cancelled: %s", m.Status)
		}
		if res := c.postForm(ui.ManageMailingPath(kept)+"/cancel?lang=id", url.Values{}); res.StatusCode != http.StatusConflict ||
			!strings.Contains(html.UnescapeString(res.Body), `id="mailing-error">`+e.msg("id", "error_mailing_not_cancellable")) {
			t.Fatalf("cancel twice: %d", res.StatusCode)
		}

		gone := mailingIDFrom(t, c.postForm(ui.ManageMailingsPath, mailingForm(seg.ID)))
		method, action, vals := confirmed(t, c, ui.ManageMailingPath(gone)+"/delete?lang=fr",
			e.msg("fr", "confirm_mailing_delete_text", "Name", "Privacy camp call"))
		if e.rows("mailings") != 2 || method != "post" {
			t.Fatal("the confirmation page deleted")
		}
		res := c.postForm(action, vals)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != ui.ManageMailingsPath+"?done=deleted" || e.rows("mailings") != 1 {
			t.Fatalf("delete: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if list := c.get(res.Header.Get("Location") + "&lang=mn"); !strings.Contains(list.Body, e.msg("mn", "mailing_deleted")) ||
			strings.Contains(list.Body, `id="mailing-`+itoa(gone)+`"`) || !strings.Contains(list.Body, `id="mailing-`+itoa(kept)+`"`) {
			t.Fatalf("the list after the delete: %s", list.Body)
		}
	})
}
