package web

import (
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/web/api"
	"github.com/gotong/gotong/app/web/ui"
)

// personFormValues is a complete, valid person form.
func personFormValues() url.Values {
	return url.Values{"given_name": {"Сараа"}, "family_name": {"Болд"}, "email": {"saraa@example.org"}, "phone": {"+976 11 32 45 67"},
		"birth_year": {"2004"}, "region": {"MN-057"}, "locality": {"rural"}, "locale": {"mn"}, "handle": {"@saraa"},
		"tags": {"Privacy, climate"}, "volunteer": {"yes"}, "consent": {"yes"}}
}

// personByEmail is the person with email.
func (e *env) personByEmail(email string) *people.Profile {
	e.t.Helper()
	var p people.Person
	if err := e.db.Where("email = ?", email).Take(&p).Error; err != nil {
		e.t.Fatalf("no person %s: %v", email, err)
	}
	prof, err := e.srv.People.Get(context.Background(), p.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return prof
}

// addPerson stores a person as staff would.
func (e *env) addPerson(in people.Input) *people.Profile {
	e.t.Helper()
	p, err := e.srv.People.Create(context.Background(), 0, in, true, false)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// TestManagePeopleAccess: the people pages are the staff's; a facilitator is
// refused, a partner member is told a person does not exist, anonymous
// visitors are sent to sign in.
func TestManagePeopleAccess(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		p := e.addPerson(people.Input{GivenName: "Saraa", Email: "saraa@example.org"})
		coord := e.staffClient("coord@example.org", access.Coordinator)
		facilitator := e.staffClient("lead@example.org", access.Facilitator)
		member := e.staffClient("member@example.org", access.Partner)
		one := ui.ManagePersonPath(p.ID)
		for _, path := range []string{ui.ManagePeoplePath, "/manage/people/new", one, one + "/edit", "/manage/people/export"} {
			if res := coord.get(path); res.StatusCode != http.StatusOK {
				t.Errorf("coordinator %s: %d", path, res.StatusCode)
			}
			if res := facilitator.get(path); res.StatusCode != http.StatusForbidden {
				t.Errorf("facilitator %s: %d", path, res.StatusCode)
			}
			want := http.StatusForbidden
			if strings.HasPrefix(path, one) {
				want = http.StatusNotFound
			}
			if res := member.get(path); res.StatusCode != want || strings.Contains(res.Body, "saraa@example.org") {
				t.Errorf("partner member %s: %d, want %d", path, res.StatusCode, want)
			}
			if res := e.client().get(path); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
				t.Errorf("anonymous %s: %d", path, res.StatusCode)
			}
		}
		// A partner member's token and form posts on every route of a
		// person or a segment: 404, nothing written.
		seg, err := e.srv.Segments.Save(context.Background(), 0, "Everyone", "")
		if err != nil {
			t.Fatal(err)
		}
		member.get("/account")
		tok := e.token("member@example.org")
		before := e.peopleTally()
		for _, r := range []struct{ method, path, body string }{
			{"GET", api.PersonPath(p.ID), ""}, {"PATCH", api.PersonPath(p.ID), `{"given_name": "Changed"}`},
			{"DELETE", "/api/v1/segments/" + itoa(seg.ID), ""},
		} {
			if res := member.api(r.method, r.path, tok, r.body); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "Saraa") {
				t.Errorf("partner member %s %s: %d", r.method, r.path, res.StatusCode)
			}
		}
		for _, path := range []string{one, one + "/consent", one + "/sensitive", "/manage/segments/" + itoa(seg.ID) + "/delete"} {
			if res := member.postForm(path, url.Values{"given_name": {"Changed"}, "given": {"no"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("partner member posts %s: %d", path, res.StatusCode)
			}
		}
		if res := member.postForm("/manage/segments", url.Values{"name": {"Mine"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("partner member saves a segment: %d", res.StatusCode)
		}
		if e.peopleTally() != before {
			t.Fatal("a partner member's requests wrote")
		}
		if home := coord.get("/"); !strings.Contains(home.Body, `href="/manage/people"`) {
			t.Error("the coordinator's navigation lacks the people page")
		}
	})
}

// TestManagePeopleList: the filter form offers every filter, the count of
// the segment comes before a page of it, the next page follows the cursor,
// and saved segments are listed with their counts.
func TestManagePeopleList(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		yes := true
		for i := range ui.PeoplePageSize + 5 {
			e.addPerson(people.Input{GivenName: "Rural" + itoa(int64(i)), Locality: people.Rural, Volunteer: yes, Tags: []string{"privacy"}})
		}
		e.addPerson(people.Input{GivenName: "Bat", Email: "bat@example.org", Locality: people.Urban, Volunteer: true, Tags: []string{"privacy"}})
		e.addPerson(people.Input{GivenName: "Dewi", Locality: people.Rural, Tags: []string{"climate"}})
		e.petitionCampaign("Free to speak")
		c := e.staffClient("coord@example.org", access.Coordinator)

		page := c.get("/manage/people?lang=fr")
		if page.StatusCode != http.StatusOK {
			t.Fatalf("list: %d", page.StatusCode)
		}
		for _, want := range []string{`name="q"`, `name="tag" value="privacy"`, `name="any_tag" value="climate"`, `name="region"`,
			`name="locality"`, `name="age_min"`, `name="age_max"`, `name="volunteer"`, `name="attended"`, `>Free to speak</option>`,
			`name="created_since"`, `href="/manage/people/import"`, `href="/manage/people/match"`, `href="/manage/people/new"`,
			e.msg("fr", "people_tags_all"), `<strong>57 personnes</strong>`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the list lacks %s", want)
			}
		}
		if m := inlineScript.FindString(page.Body); m != "" {
			t.Errorf("inline code %q", m)
		}

		// A segment, a page at a time.
		query := "/manage/people?tag=privacy&locality=rural&volunteer=true&lang=en"
		first := c.get(query)
		if !strings.Contains(first.Body, "<strong>55 people</strong>") || strings.Count(first.Body, `<tr id="person-`) != ui.PeoplePageSize ||
			strings.Contains(first.Body, ">Bat<") || strings.Contains(first.Body, ">Dewi<") {
			t.Fatalf("first page: %d rows", strings.Count(first.Body, `<tr id="person-`))
		}
		next := regexp.MustCompile(`<a href="([^"]+)" id="next-page"`).FindStringSubmatch(first.Body)
		if next == nil || !strings.Contains(next[1], "cursor=") || !strings.Contains(next[1], "tag=privacy") {
			t.Fatalf("next page link %v", next)
		}
		second := c.get(html.UnescapeString(next[1]))
		if n := strings.Count(second.Body, `<tr id="person-`); n != 5 || strings.Contains(second.Body, `id="next-page"`) {
			t.Fatalf("second page: %d rows", n)
		}
		export := regexp.MustCompile(`<a class="button secondary" href="([^"]+)" id="export-segment"`).FindStringSubmatch(first.Body)
		if export == nil || strings.Contains(first.Body, `id="export-sensitive"`) {
			t.Fatalf("export link %v (or a sensitive one for a coordinator)", export)
		}
		csvRes := c.get(html.UnescapeString(export[1]))
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvRes.Body, "\ufeff"))).ReadAll()
		if err != nil || len(rows) != 56 || rows[0][0] != "id" {
			t.Fatalf("the page's export: %d rows, %v", len(rows), err)
		}

		// Save it; a second name in other letter case is refused.
		res := c.postForm("/manage/segments", url.Values{"name": {"Rural privacy volunteers"}, "query": {"volunteer=true&locality=rural&tag=privacy"}})
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "saved_segment=1") {
			t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		list := c.get(res.Header.Get("Location"))
		if !strings.Contains(list.Body, `<a href="/manage/people?locality=rural&amp;tag=privacy&amp;volunteer=true">Rural privacy volunteers</a> <span class="sub segment-count">55 people</span>`) ||
			!strings.Contains(list.Body, `id="segment-saved"`) {
			t.Fatalf("the saved segment is not listed with its count")
		}
		before := e.peopleTally()
		dup := c.postForm("/manage/segments?lang=fr", url.Values{"name": {"RURAL PRIVACY volunteers"}, "query": {"locality=urban"}})
		if dup.StatusCode != http.StatusConflict || !strings.Contains(html.UnescapeString(dup.Body), e.msg("fr", "error_segment_name_taken")) ||
			!strings.Contains(dup.Body, `value="RURAL PRIVACY volunteers"`) || !strings.Contains(dup.Body, `<option value="urban" selected>`) {
			t.Fatalf("duplicate name: %d", dup.StatusCode)
		}
		if e.peopleTally() != before {
			t.Fatal("a refused segment was written")
		}
		empty := c.postForm("/manage/segments?lang=mn", url.Values{"name": {" "}, "query": {"locality=urban"}})
		if empty.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(empty.Body), e.msg("mn", "error_required")) {
			t.Fatalf("empty name: %d", empty.StatusCode)
		}
		id := regexp.MustCompile(`href="/manage/segments/(\d+)/delete"`).FindStringSubmatch(list.Body)
		if id == nil {
			t.Fatal("no link to delete the segment")
		}
		if res := c.postForm("/manage/segments/"+id[1]+"/delete", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", res.StatusCode)
		}
		if strings.Contains(c.get(ui.ManagePeoplePath).Body, "Rural privacy volunteers") {
			t.Fatal("a deleted segment is still listed")
		}
	})
}

// TestManagePeopleBadFilters: filters that do not read show the form again
// with each message in the user's language, and a 422.
func TestManagePeopleBadFilters(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.addPerson(people.Input{GivenName: "Saraa"})
		c := e.staffClient("coord@example.org", access.Coordinator)
		for _, tc := range []struct {
			query, lang, field, id string
			args                   []any
		}{
			{"age_min=30&age_max=16", "fr", "age_max", "error_age_order", nil},
			{"age_min=abc", "mn", "age_min", "error_filter_age", []any{"Max", 130}},
			{"volunteer=maybe", "id", "volunteer", "error_filter_boolean", nil},
			{"region=XX-1", "fr", "region", "error_region_unknown", nil},
			{"locality=suburban", "fr", "locality", "error_locality", nil},
			{"attended=party", "mn", "attended", "error_kind_unknown", nil},
			{"signed=x", "fr", "signed", "error_filter_id", nil},
			{"created_since=01/02/2026", "id", "created_since", "error_date", nil},
			{"tag=a,b", "fr", "tag", "error_tag_invalid", nil},
			{"colour=red", "fr", "colour", "error_filter_unknown", nil},
			{"cursor=-4", "mn", "cursor", "error_filter_cursor", nil},
		} {
			res := c.get("/manage/people?lang=" + tc.lang + "&" + tc.query)
			msg := e.msg(tc.lang, tc.id, tc.args...)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.Body), msg) || !strings.Contains(res.Body, `id="people-filter"`) ||
				strings.Contains(res.Body, `id="people-list"`) || pageLang(res.Body) != tc.lang {
				t.Errorf("%s: %d, want 422 with %q", tc.query, res.StatusCode, msg)
			}
			if !strings.HasPrefix(tc.field, "c") || tc.field == "created_since" {
				if !strings.Contains(res.Body, `id="e-`+tc.field+`"`) {
					t.Errorf("%s: the message is not beside its field", tc.query)
				}
			}
		}
		if res := c.get("/manage/people/export?colour=red"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("export with a bad filter: %d", res.StatusCode)
		}
	})
}

// TestManagePersonForms: a coordinator creates and edits a person through
// the forms; bad input shows the form again with the messages beside their
// fields, in the user's language, and writes nothing.
func TestManagePersonForms(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.staffClient("coord@example.org", access.Coordinator)
		form := c.get("/manage/people/new")
		if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `id="person-form"`) || !strings.Contains(form.Body, `name="consent"`) {
			t.Fatalf("new form: %d", form.StatusCode)
		}
		res := c.postForm(ui.ManagePeoplePath, personFormValues())
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", res.StatusCode, res.Body)
		}
		p := e.personByEmail("saraa@example.org")
		if res.Header.Get("Location") != ui.ManagePersonPath(p.ID)+"?saved=1" || p.GivenName != "Сараа" || *p.BirthYear != 2004 ||
			!p.Volunteer || p.Handle != "@saraa" || strings.Join(p.Tags, ",") != "climate,privacy" || !p.Consenting() {
			t.Fatalf("created %+v", p)
		}
		other := e.addPerson(people.Input{GivenName: "Bat", Email: "bat@example.org"})

		edit := c.get(ui.ManagePersonPath(p.ID) + "/edit")
		if !strings.Contains(edit.Body, `value="climate, privacy"`) || !strings.Contains(edit.Body, `<option value="mn" selected>`) ||
			strings.Contains(edit.Body, `name="consent"`) {
			t.Fatal("the edit form is not filled in")
		}
		for _, tc := range []struct {
			name, path, lang, field, id string
			edit                        func(url.Values)
			status                      int
		}{
			{"no given name", ui.ManagePeoplePath, "fr", "given_name", "error_required", func(v url.Values) { v.Set("given_name", " ") }, 422},
			{"taken email", ui.ManagePeoplePath, "mn", "email", "error_person_email_taken", func(v url.Values) { v.Set("email", "BAT@example.org") }, 409},
			{"bad email", ui.ManagePeoplePath, "id", "email", "error_email_invalid", func(v url.Values) { v.Set("email", "bat@") }, 422},
			{"birth year not a number", ui.ManagePeoplePath, "fr", "birth_year", "", func(v url.Values) { v.Set("birth_year", "two thousand") }, 422},
			{"bad phone", ui.ManagePeoplePath, "fr", "phone", "error_phone_invalid", func(v url.Values) { v.Set("phone", "call me") }, 422},
			{"bad region", ui.ManagePeoplePath, "fr", "region", "error_region_unknown", func(v url.Values) { v.Set("region", "XX-1") }, 422},
			{"bad tag", ui.ManagePeoplePath, "mn", "tags", "error_tag_invalid", func(v url.Values) { v.Set("tags", strings.Repeat("x", 41)) }, 422},
			{"edit to a taken email", ui.ManagePersonPath(p.ID), "fr", "email", "error_person_email_taken", func(v url.Values) { v.Set("email", "bat@example.org") }, 409},
			{"edit a bad locality", ui.ManagePersonPath(p.ID), "id", "locality", "error_locality", func(v url.Values) { v.Set("locality", "moon") }, 422},
		} {
			vals := personFormValues()
			vals.Set("email", "new@example.org")
			if strings.HasPrefix(tc.name, "edit") {
				vals.Set("email", "saraa@example.org")
			}
			vals.Set("family_name", "Changed")
			tc.edit(vals)
			before := e.peopleTally()
			res := c.postForm(tc.path+"?lang="+tc.lang, vals)
			msg := ""
			if tc.id != "" {
				msg = e.msg(tc.lang, tc.id)
			}
			if res.StatusCode != tc.status || !strings.Contains(html.UnescapeString(res.Body), `<span class="error" id="e-`+tc.field+`">`+msg) ||
				!strings.Contains(res.Body, `value="Changed"`) || pageLang(res.Body) != tc.lang {
				t.Errorf("%s: %d, want %d with %q on %s", tc.name, res.StatusCode, tc.status, msg, tc.field)
			}
			if e.peopleTally() != before {
				t.Errorf("%s wrote", tc.name)
			}
		}
		vals := personFormValues()
		vals.Set("tags", "privacy")
		vals.Del("volunteer")
		if res := c.postForm(ui.ManagePersonPath(p.ID), vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", res.StatusCode)
		}
		if p := e.personByEmail("saraa@example.org"); p.Volunteer || strings.Join(p.Tags, ",") != "privacy" {
			t.Fatalf("edited %+v", p)
		}
		if res := c.get(ui.ManagePersonPath(other.ID) + "99/edit"); res.StatusCode != http.StatusNotFound {
			t.Fatalf("edit of nobody: %d", res.StatusCode)
		}
	})
}

// TestManagePersonPage: a person's page shows their registrations with
// attendance, their signatures and the partners' activities they joined,
// in the page's language, and nothing of another person; the consent
// history holds what the forms and the staff recorded.
func TestManagePersonPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		hosted := e.publishedCamp("steppe-camp", 10)
		e.publishedCamp("privacy-training", 10)
		others := e.publishedCamp("others-camp", 10)
		if err := e.db.Exec("INSERT INTO activity_translations (activity_id, locale, title, summary, description) VALUES (?, 'mn', 'Талын зуслан', '', '')", hosted.ID).Error; err != nil {
			t.Fatal(err)
		}
		rainbow, council := e.campPartner("Rainbow Centre"), e.campPartner("Youth Council Hidden")
		for a, p := range map[int64]int64{hosted.ID: rainbow, others.ID: council} {
			if err := e.db.Exec("INSERT INTO activity_partners (activity_id, partner_id) VALUES (?, ?)", a, p).Error; err != nil {
				t.Fatal(err)
			}
		}
		anon := e.client()
		anon.get("/activities/steppe-camp/register")
		register := func(slug, email, given string) {
			t.Helper()
			vals := registrationForm(email, "rural")
			vals.Set("given_name", given)
			if res := anon.submitRegistration(slug, vals); res.StatusCode != http.StatusOK {
				t.Fatalf("register %s at %s: %d", email, slug, res.StatusCode)
			}
		}
		register("steppe-camp", "saraa@example.org", "Saraa")
		register("privacy-training", "saraa@example.org", "Saraa")
		register("others-camp", "bat@example.org", "Bat")
		register("steppe-camp", "bat@example.org", "Bat")
		saraa, bat := e.personByEmail("saraa@example.org"), e.personByEmail("bat@example.org")
		// Attendance as if the camp had taken place (it starts in the
		// future: the service would refuse the marks).
		for _, r := range e.registrations(hosted.ID) {
			if err := e.db.Model(&registration.Registration{}).Where("id = ?", r.ID).
				Update("attended", r.PersonID != nil && *r.PersonID == saraa.ID).Error; err != nil {
				t.Fatal(err)
			}
		}
		camp, otherCamp := e.petitionCampaign("Free to speak"), e.petitionCampaign("Hidden campaign")
		e.newPetition(camp, "drop-charges", 100)
		p2 := e.newPetition(otherCamp, "hidden-petition", 100)
		if err := e.db.Exec("UPDATE petition_translations SET title = 'Hidden petition' WHERE petition_id = ?", p2.ID).Error; err != nil {
			t.Fatal(err)
		}
		for slug, email := range map[string]string{"drop-charges": "saraa@example.org", "hidden-petition": "bat@example.org"} {
			link := e.signatureLink(slug, email)
			anon.get(link)
			if res := anon.postForm(link, url.Values{}); res.StatusCode != http.StatusOK {
				t.Fatalf("sign %s: %d", slug, res.StatusCode)
			}
		}
		// A second signature counts nothing and records no consent.
		anon.get("/p/drop-charges")
		if res := anon.postForm("/p/drop-charges", petitionForm("SARAA@example.org")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign again: %d", res.StatusCode)
		}
		// Staff record a withdrawal from the page.
		c := e.staffClient("coord@example.org", access.Coordinator)
		page := c.get(ui.ManagePersonPath(saraa.ID))
		if !strings.Contains(page.Body, `id="consent-withdrawn"`) || strings.Contains(page.Body, `id="consent-given"`) {
			t.Fatal("the page does not offer to record a withdrawal")
		}
		if res := c.postForm(ui.ManagePersonPath(saraa.ID)+"/consent", url.Values{"given": {"no"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", res.StatusCode)
		}
		before := e.peopleTally()
		if res := c.postForm(ui.ManagePersonPath(saraa.ID)+"/consent", url.Values{"given": {"maybe"}}); res.StatusCode != http.StatusUnprocessableEntity || e.peopleTally() != before {
			t.Fatalf("given=maybe: %d", res.StatusCode)
		}
		var sources []string
		var given []bool
		rows, err := e.db.Raw("SELECT source, given FROM person_consents WHERE person_id = ? ORDER BY id", saraa.ID).Rows()
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			var g bool
			if err := rows.Scan(&s, &g); err != nil {
				t.Fatal(err)
			}
			sources, given = append(sources, s), append(given, g)
		}
		rows.Close()
		if strings.Join(sources, ",") != "registration,registration,petition,staff" || !given[0] || !given[2] || given[3] {
			t.Fatalf("Saraa's consent history: %v %v", sources, given)
		}
		if p := e.personByEmail("saraa@example.org"); p.Consenting() || p.ConsentAt == nil || len(p.Consents) != 4 {
			t.Fatalf("after the withdrawal: %+v", p)
		}

		page = c.get(ui.ManagePersonPath(saraa.ID) + "?lang=mn&consent=1")
		for _, want := range []string{
			"Талын зуслан", "Camp privacy-training", // the title in Mongolian, else in English
			e.msg("mn", "attended_yes"), e.msg("mn", "attended_unknown"), e.msg("mn", "pool_general"),
			`<a href="/p/drop-charges">Free the students</a>`, "Free to speak",
			"Rainbow Centre", `id="consent-given"`, `id="consent-saved"`, e.msg("mn", "person_consent_source_petition"),
			e.msg("mn", "person_consent_withdrawn_label"),
		} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("Saraa's page lacks %q", want)
			}
		}
		for _, leak := range []string{"Camp others-camp", "Youth Council Hidden", "Hidden petition", "Hidden campaign", "bat@example.org"} {
			if strings.Contains(page.Body, leak) {
				t.Errorf("Saraa's page shows %q, which is Bat's", leak)
			}
		}
		batPage := c.get(ui.ManagePersonPath(bat.ID) + "?lang=en")
		for _, want := range []string{"Camp others-camp", "Youth Council Hidden", "Hidden petition", e.msg("en", "attended_no")} {
			if !strings.Contains(batPage.Body, want) {
				t.Errorf("Bat's page lacks %q", want)
			}
		}
		// Bat was marked absent at the co-hosted camp: he did not join it.
		if strings.Contains(batPage.Body, "Rainbow Centre") {
			t.Error("an activity Bat did not come to is listed as joined")
		}
	})
}

// TestManagePersonSensitive: opening a person's sensitive attributes shows
// them and writes the view to the audit log; the page alone shows nothing.
func TestManagePersonSensitive(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("camp", 10)
		anon := e.client()
		anon.get("/activities/camp/register")
		vals := registrationForm("saraa@example.org", "rural")
		vals.Set("disability", "yes")
		vals.Set("accessibility_needs", "step-free access")
		if res := anon.submitRegistration("camp", vals); res.StatusCode != http.StatusOK {
			t.Fatalf("register: %d", res.StatusCode)
		}
		p := e.personByEmail("saraa@example.org")
		c := e.staffClient("coord@example.org", access.Coordinator)
		page := c.get(ui.ManagePersonPath(p.ID))
		if strings.Contains(page.Body, "step-free") || !strings.Contains(page.Body, `id="show-sensitive"`) {
			t.Fatal("the page shows the sensitive attributes unasked, or offers no way to")
		}
		var n int64
		e.db.Raw("SELECT COUNT(*) FROM audit_log WHERE action = 'person.sensitive.view'").Scan(&n)
		if n != 0 {
			t.Fatal("a page view was audited as a sensitive view")
		}
		shown := c.postForm(ui.ManagePersonPath(p.ID)+"/sensitive", url.Values{})
		if shown.StatusCode != http.StatusOK || !strings.Contains(shown.Body, "step-free access") || !strings.Contains(shown.Body, `id="sensitive-facts"`) {
			t.Fatalf("sensitive view: %d", shown.StatusCode)
		}
		e.db.Raw("SELECT COUNT(*) FROM audit_log WHERE action = 'person.sensitive.view'").Scan(&n)
		if n != 1 {
			t.Fatalf("%d audit entries for the view", n)
		}
		if res := c.postRaw(ui.ManagePersonPath(p.ID)+"/sensitive", url.Values{}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("without a CSRF token: %d", res.StatusCode)
		}
	})
}
