package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/web/api"
	"github.com/gotong/gotong/app/web/ui"
)

// newsRows is the consent history for news of the person with email, newest
// first; none when there is no such person.
func (e *env) newsRows(email string) []people.Consent {
	e.t.Helper()
	var out []people.Consent
	if err := e.db.Table("person_consents").Joins("JOIN people ON people.id = person_consents.person_id").
		Where("people.email = ? AND person_consents.purpose = ?", email, people.ConsentToNews).
		Order("person_consents.at DESC, person_consents.id DESC").Select("person_consents.*").Find(&out).Error; err != nil {
		e.t.Fatal(err)
	}
	return out
}

// TestNewsByRegistrationForm: the registration form asks for news with a box
// left unticked; ticked, one consent to news (source registration) is
// recorded at the tap on the emailed link and not before; unticked, none.
// The form answers alike either way.
func TestNewsByRegistrationForm(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("lake", 5)
		c := e.client()
		page := c.get("/activities/lake/register?lang=fr")
		box := `<input type="checkbox" name="news" value="yes" id="f-news">`
		if !strings.Contains(page.Body, box) || !strings.Contains(page.Body, html.EscapeString(e.msg("fr", "news_text"))) {
			t.Fatalf("the form lacks the unticked news box: %s", page.Body)
		}

		ticked := registrationForm("saraa@example.org", "rural")
		ticked.Set("news", "yes")
		plain := registrationForm("bat@example.org", "urban")
		var locs []string
		for _, f := range []url.Values{ticked, plain} {
			res := c.postForm("/activities/lake/register", f)
			locs = append(locs, res.Header.Get("Location"))
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("the form: %d", res.StatusCode)
			}
		}
		if locs[0] != locs[1] {
			t.Fatalf("the answers differ: %v", locs)
		}
		e.deliver()
		if n := e.rows("person_consents"); n != 0 {
			t.Fatalf("%d consents before the tap", n)
		}

		for _, addr := range []string{"saraa@example.org", "bat@example.org"} {
			if res := e.client().confirmByMail(addr); res.StatusCode != http.StatusOK {
				t.Fatalf("the tap for %s: %d", addr, res.StatusCode)
			}
		}
		got := e.newsRows("saraa@example.org")
		if len(got) != 1 || !got[0].Given || got[0].Source != people.ConsentRegistration || got[0].Version != people.ConsentVersion {
			t.Fatalf("saraa's consents to news: %+v", got)
		}
		if p := e.personByEmail("saraa@example.org"); !p.News() || !p.Consenting() {
			t.Fatalf("saraa: news %v, consent %v", p.News(), p.Consenting())
		}
		if got := e.newsRows("bat@example.org"); len(got) != 0 {
			t.Fatalf("bat gave no consent to news, yet: %+v", got)
		}
		if p := e.personByEmail("bat@example.org"); p.News() || !p.Consenting() {
			t.Fatalf("bat: news %v, consent %v", p.News(), p.Consenting())
		}
	})
}

// TestNewsByPetition: the signing form and the API ask for news apart;
// ticked, the consent to news (source petition) is recorded at the tap, not
// before; unticked, none.
func TestNewsByPetition(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		camp := e.petitionCampaign("Free expression", "expression")
		e.newPetition(camp, "free-them", 1000)
		c := e.client()
		if page := c.get("/p/free-them"); !strings.Contains(page.Body, `<input type="checkbox" name="news" value="yes" id="f-news">`) {
			t.Fatalf("the signing form lacks the unticked news box: %s", page.Body)
		}
		f := petitionForm("saraa@example.org")
		f.Set("news", "yes")
		if res := c.postForm("/p/free-them", f); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("signing: %d", res.StatusCode)
		}
		res := c.api("POST", "/api/v1/petitions/free-them/signatures", "",
			`{"given_name": "Bat", "email": "bat@example.org", "region": "MN-057", "consent": true}`)
		if res.StatusCode != http.StatusAccepted {
			t.Fatalf("signing by the API: %d %s", res.StatusCode, res.Body)
		}
		e.deliver()
		if n := e.rows("person_consents"); n != 0 {
			t.Fatalf("%d consents before the tap", n)
		}
		for _, addr := range []string{"saraa@example.org", "bat@example.org"} {
			tap := e.client()
			link := e.linkTo(addr)
			tap.get(link)
			if r := tap.postForm(link, url.Values{}); r.StatusCode != http.StatusOK {
				t.Fatalf("the tap for %s: %d", addr, r.StatusCode)
			}
		}
		if got := e.newsRows("saraa@example.org"); len(got) != 1 || !got[0].Given || got[0].Source != people.ConsentPetition {
			t.Fatalf("saraa's consents to news: %+v", got)
		}
		if got := e.newsRows("bat@example.org"); len(got) != 0 {
			t.Fatalf("bat's consents to news: %+v", got)
		}
	})
}

// TestNewsByStaff: staff set consent to news through the API (source staff),
// withdraw it, and the person's page shows it and each history row's
// purpose; a withdrawal of what never stood records nothing.
func TestNewsByStaff(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		var p api.PersonFull
		apiJSON(t, c.api("POST", "/api/v1/people", tok, `{"given_name": "Dewi", "email": "dewi@example.org", "consent": true, "news": true}`),
			http.StatusCreated, &p)
		if !p.News || !p.Consent || len(p.Consents) != 2 {
			t.Fatalf("created: %+v", p)
		}
		path := api.PersonPath(p.ID)
		staff := e.staffClient("viewer@example.org", access.Coordinator)
		page := staff.get(ui.ManagePersonPath(p.ID))
		if !strings.Contains(page.Body, `<p id="news-state">`+html.EscapeString(e.msg("en", "person_news"))+`</p>`) ||
			!strings.Contains(page.Body, "<td>"+html.EscapeString(e.msg("en", "person_consent_purpose_news"))+"</td>") {
			t.Fatalf("the person's page lacks news: %s", page.Body)
		}

		apiJSON(t, c.api("PATCH", path, tok, `{"news": false}`), http.StatusOK, &p)
		if p.News || !p.Consent || p.Consents[0].Purpose != people.ConsentToNews || p.Consents[0].Given || p.Consents[0].Source != "staff" {
			t.Fatalf("withdrawn: %+v", p)
		}
		body, _ := json.Marshal(p) // a GET body sent back changes nothing
		apiJSON(t, c.api("PATCH", path, tok, string(body)), http.StatusOK, &p)
		if len(p.Consents) != 3 {
			t.Fatalf("sending the body back recorded consents: %+v", p.Consents)
		}
		page = staff.get(ui.ManagePersonPath(p.ID))
		if !strings.Contains(page.Body, `<p id="news-state">`+html.EscapeString(e.msg("en", "person_news_none"))+`</p>`) {
			t.Fatalf("the person's page shows news standing: %s", page.Body)
		}

		var q api.PersonFull
		apiJSON(t, c.api("POST", "/api/v1/people", tok, `{"given_name": "Bat", "email": "bat@example.org", "news": false}`), http.StatusCreated, &q)
		apiJSON(t, c.api("PATCH", api.PersonPath(q.ID), tok, `{"news": false}`), http.StatusOK, &q)
		if q.News || len(q.Consents) != 0 {
			t.Fatalf("nothing to withdraw, yet: %+v", q)
		}
		apiJSON(t, c.api("PATCH", api.PersonPath(q.ID), tok, `{"news": true}`), http.StatusOK, &q)
		if !q.News || len(q.Consents) != 1 || q.Consents[0].Source != "staff" || q.Consents[0].Purpose != "news" {
			t.Fatalf("given: %+v", q)
		}
	})
}

// TestManagePersonNews: the staff's person form asks for consent to news
// with a box, unticked on a new person; ticked, it records consent to news
// with source staff; the edit form shows it ticked, and unticking it records
// the withdrawal, once.
func TestManagePersonNews(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.staffClient("coord@example.org", access.Coordinator)
		box := `<input type="checkbox" name="news" value="yes" id="f-news">`
		if form := c.get("/manage/people/new?lang=mn"); !strings.Contains(form.Body, box) ||
			!strings.Contains(html.UnescapeString(form.Body), e.msg("mn", "person_news_field")) {
			t.Fatalf("the new form lacks the unticked news box: %s", form.Body)
		}
		vals := personFormValues()
		vals.Set("news", "yes")
		if res := c.postForm(ui.ManagePeoplePath, vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", res.StatusCode)
		}
		p := e.personByEmail("saraa@example.org")
		if rows := e.newsRows("saraa@example.org"); !p.News() || len(rows) != 1 || !rows[0].Given || rows[0].Source != people.ConsentStaff {
			t.Fatalf("news on create: %v %+v", p.News(), rows)
		}
		edit := c.get(ui.ManagePersonPath(p.ID) + "/edit")
		if !strings.Contains(edit.Body, `<input type="checkbox" name="news" value="yes" id="f-news" checked>`) {
			t.Fatalf("the edit form does not show news: %s", edit.Body)
		}
		vals.Del("news")
		for range 2 {
			if res := c.postForm(ui.ManagePersonPath(p.ID), vals); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("edit: %d", res.StatusCode)
			}
		}
		rows := e.newsRows("saraa@example.org")
		if p := e.personByEmail("saraa@example.org"); p.News() || len(rows) != 2 || rows[0].Given || rows[0].Source != people.ConsentStaff {
			t.Fatalf("news withdrawn: %v %+v", p.News(), rows)
		}
		if e.rows("person_consents") != 3 { // the data's, and news given and withdrawn
			t.Fatalf("%d consents", e.rows("person_consents"))
		}
	})
}
