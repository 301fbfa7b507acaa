package web

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/access"
)

var (
	summaryBlock  = regexp.MustCompile(`(?s)<div class="error-summary" id="error-summary" tabindex="-1" autofocus aria-labelledby="error-summary-title">.*?</div>`)
	summaryLink   = regexp.MustCompile(`<a href="#([^"]+)">([^<]+)</a>: ([^<]+)</li>`)
	invalidTag    = regexp.MustCompile(`<[a-z]+\b[^>]*\baria-invalid="true"[^>]*>`)
	firstFormOpen = regexp.MustCompile(`<form\b`)
)

// attrOf is the value of attribute name in tag, "" when it has none.
func attrOf(tag, name string) string {
	if m := regexp.MustCompile(`\s` + name + `="([^"]*)"`).FindStringSubmatch(tag); m != nil {
		return m[1]
	}
	return ""
}

// checkSummary checks the page of a refused form: a 4xx answer whose main
// content opens with the error summary, which takes the focus; every field
// marked invalid is described by its message and linked from the summary by
// its label; every link of the summary leads to an element of the page; and
// the fields want (element ids) are among them.
func checkSummary(t *testing.T, what string, res *response, want ...string) {
	t.Helper()
	if res.StatusCode < 400 || res.StatusCode >= 500 {
		t.Errorf("%s: status %d, want a 4xx", what, res.StatusCode)
	}
	body := res.Body
	main := strings.Index(body, `<main id="main">`)
	block := summaryBlock.FindStringIndex(body)
	if main < 0 || block == nil {
		t.Errorf("%s: no error summary in %s", what, body)
		return
	}
	if form := firstFormOpen.FindStringIndex(body[main:]); form != nil && main+form[0] < block[0] {
		t.Errorf("%s: a form comes before the error summary", what)
	}
	summary := body[block[0]:block[1]]
	linked := map[string]bool{}
	for _, m := range summaryLink.FindAllStringSubmatch(summary, -1) {
		id, label, msg := m[1], strings.TrimSpace(html.UnescapeString(m[2])), strings.TrimSpace(m[3])
		linked[id] = true
		if label == "" || msg == "" {
			t.Errorf("%s: the summary's link to #%s has label %q and message %q", what, id, label, msg)
		}
		if !strings.Contains(body, `id="`+id+`"`) {
			t.Errorf("%s: the summary links #%s, which the page lacks", what, id)
		}
	}
	for _, tag := range invalidTag.FindAllString(body, -1) {
		id := attrOf(tag, "id")
		if attrOf(tag, "type") == "radio" { // a group: the link goes to its first button
			id = firstRadio(body, attrOf(tag, "name"))
		}
		if !linked[id] {
			t.Errorf("%s: the invalid field %s is not linked from the summary %s", what, tag, summary)
		}
		described := attrOf(tag, "aria-describedby")
		if described == "" {
			t.Errorf("%s: the invalid field %s is described by no message", what, tag)
		}
		for _, d := range strings.Fields(described) {
			if !strings.Contains(body, `id="`+d+`"`) {
				t.Errorf("%s: %s is described by #%s, which the page lacks", what, tag, d)
			}
		}
	}
	for _, id := range want {
		if !linked[id] {
			t.Errorf("%s: the summary does not link #%s: %s", what, id, summary)
		}
	}
}

// firstRadio is the id of the first radio button named name in body.
func firstRadio(body, name string) string {
	for _, tag := range regexp.MustCompile(`<input\b[^>]*>`).FindAllString(body, -1) {
		if attrOf(tag, "type") == "radio" && attrOf(tag, "name") == name {
			return attrOf(tag, "id")
		}
	}
	return ""
}

// TestEveryRefusedFormSummarises sends each form of the site refused and
// checks its page with checkSummary, in every case naming the fields that
// were refused.
func TestEveryRefusedFormSummarises(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		f := newScopeFixture(t, e)
		e.publishedCamp("summer", 5)
		e.user("admin@example.org", access.Admin)
		e.user("saraa@example.org", access.Participant)
		anon, admin, saraa := e.client(), e.client(), e.client()
		admin.login("admin@example.org")
		saraa.login("saraa@example.org")
		campaign := "/manage/campaigns/" + itoa(f.campA)
		partner := "/manage/partners/" + itoa(f.a)

		anon.get("/activities/summer/register")
		checkSummary(t, "registration", anon.postForm("/activities/summer/register", url.Values{"birth_year": {"1800"}}),
			"f-given_name", "f-email", "f-birth_year", "f-locality-urban", "f-consent")
		anon.get("/p/" + f.petASlug)
		checkSummary(t, "signature", anon.postForm("/p/"+f.petASlug, url.Values{"region": {"XX-1"}}),
			"f-given_name", "f-email", "f-region", "f-consent")

		anon.get("/login")
		checkSummary(t, "login", anon.postForm("/login", url.Values{"email": {"saraa@example.org"}, "password": {"wrong"}}))

		saraa.get("/account")
		checkSummary(t, "profile", saraa.postForm("/account", url.Values{"display_name": {""}}), "f-display_name")
		checkSummary(t, "erasure", saraa.postForm("/account/erase", url.Values{}), "f-confirm")

		admin.get("/manage")
		checkSummary(t, "audit filter", admin.get("/manage/audit?from=yesterday&cursor=x"), "f-from")
		checkSummary(t, "activity", admin.postForm("/manage/activities", url.Values{"quota_share_2": {"x"}}),
			"f-capacity", "f-starts_at", "f-title_en", "f-quota_share_2")
		checkSummary(t, "campaign", admin.postForm("/manage/campaigns", url.Values{"starts_on": {"soon"}}),
			"f-title_en", "f-starts_on")
		checkSummary(t, "note", admin.postForm(campaign+"/notes", url.Values{"stage": {"planning"}}), "f-text_planning")
		checkSummary(t, "checklist item", admin.postForm(campaign+"/checklist", url.Values{"stage": {"planning"}}), "f-item_planning")
		checkSummary(t, "letters", admin.postForm(campaign+"/letters", url.Values{"count": {"many"}, "delivered_on": {"soon"}}),
			"f-count", "f-delivered_on")
		checkSummary(t, "partner", admin.postForm("/manage/partners", url.Values{"website": {"not a link"}}), "f-name", "f-website")
		checkSummary(t, "partnership", admin.postForm(partner+"/partnership", url.Values{"changed_on": {"soon"}}), "f-changed_on")
		checkSummary(t, "person", admin.postForm("/manage/people", url.Values{"email": {"nobody"}}), "f-given_name", "f-email")
		checkSummary(t, "petition", admin.postForm("/manage/petitions", url.Values{"goal": {"-1"}}), "f-campaign_id", "f-slug", "f-title_en")
	})
}
