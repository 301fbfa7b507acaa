package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/web/ui"
)

// partnerFormValues is a complete, valid organisation form.
func partnerFormValues() url.Values {
	return url.Values{
		"name": {"Rainbow Centre"}, "kind": {"lgbti"}, "region": {"MN-1"},
		"contact_email": {"hello@rainbow.example.org"}, "website": {"https://rainbow.example.org"},
		"description_en": {"A safe place for LGBTI youth."}, "description_fr": {""},
		"description_mn": {"ЛГБТИ залуучуудын аюулгүй орон зай."}, "description_id": {""},
	}
}

// partnerByName returns the organisation named name, with everything.
func (e *env) partnerByName(name string) *partners.Partner {
	e.t.Helper()
	list, err := e.srv.Partners.List(context.Background(), access.Viewer{Staff: true}, partners.Filter{})
	if err != nil {
		e.t.Fatal(err)
	}
	for i := range list {
		if list[i].Name == name {
			return &list[i]
		}
	}
	e.t.Fatalf("no organisation %q", name)
	return nil
}

// TestManagePartnersAccess: the staff pages are for those who manage
// partners; a partner member is refused even its own organisation's page.
func TestManagePartnersAccess(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		coord := e.staffClient("coord@example.org", access.Coordinator)
		member := e.staffClient("member@example.org", access.Partner)
		facilitator := e.staffClient("lead@example.org", access.Facilitator)
		own := ui.ManagePartnerPath(e.firstPartner())
		pages := []string{"/manage/partners", "/manage/partners/new", own, own + "/edit"}
		for _, p := range pages {
			if res := coord.get(p); res.StatusCode != http.StatusOK {
				t.Errorf("coordinator %s: %d", p, res.StatusCode)
			}
			for who, c := range map[string]*client{"partner member": member, "facilitator": facilitator} {
				want := http.StatusForbidden
				if who == "partner member" && strings.HasPrefix(p, own) {
					want = http.StatusNotFound // a page of an object: as if it did not exist
				}
				if res := c.get(p); res.StatusCode != want {
					t.Errorf("%s %s: %d, want %d", who, p, res.StatusCode, want)
				}
			}
			if res := e.client().get(p); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
				t.Errorf("anonymous %s: %d", p, res.StatusCode)
			}
		}
		before := e.partnerState()
		member.get("/account")
		for p, want := range map[string]int{"/manage/partners": http.StatusForbidden, own: http.StatusNotFound, own + "/partnership": http.StatusNotFound} {
			if res := member.postForm(p, partnerFormValues()); res.StatusCode != want {
				t.Errorf("partner member posts %s: %d", p, res.StatusCode)
			}
		}
		if e.partnerState() != before {
			t.Fatal("a refused post wrote")
		}
		if home := member.get("/"); strings.Contains(home.Body, `href="/manage/partners"`) {
			t.Error("a partner member is offered the staff's partner pages")
		}
		if home := coord.get("/"); !strings.Contains(home.Body, `href="/manage/partners"`) {
			t.Error("the coordinator's navigation lacks the partner pages")
		}
	})
}

// TestManagePartnerFlow: a coordinator creates an organisation, edits it,
// moves its partnership on and finds its members and co-hosted activities.
func TestManagePartnerFlow(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.staffClient("coord@example.org", access.Coordinator)
		if list := c.get("/manage/partners"); list.StatusCode != http.StatusOK || !strings.Contains(list.Body, "No partner organisations yet.") ||
			!strings.Contains(list.Body, `href="/manage/partners/new"`) {
			t.Fatalf("empty list: %d", list.StatusCode)
		}
		form := c.get("/manage/partners/new")
		if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `id="partner-form"`) ||
			!strings.Contains(form.Body, `<option value="lgbti">LGBTI organisation</option>`) || !strings.Contains(form.Body, `name="description_mn"`) {
			t.Fatalf("new form: %d", form.StatusCode)
		}
		if m := inlineScript.FindString(form.Body); m != "" {
			t.Errorf("inline code %q", m)
		}
		res := c.postForm("/manage/partners", partnerFormValues())
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", res.StatusCode, res.Body)
		}
		p := e.partnerByName("Rainbow Centre")
		path := ui.ManagePartnerPath(p.ID)
		if loc := res.Header.Get("Location"); loc != path+"?saved=1" {
			t.Fatalf("create went to %q", loc)
		}
		if p.Kind != "lgbti" || p.Region != "MN-1" || len(p.Descriptions) != 2 || p.Partnership.Status != "prospective" || len(p.History) != 1 {
			t.Fatalf("stored %+v", p)
		}

		// The page in Mongolian: names of the kind, region and status, and
		// the descriptions under their languages.
		page := c.get(path + "?saved=1&lang=mn")
		for _, want := range []string{
			`<dd id="partner-kind">ЛГБТИ байгууллага</dd>`,
			`<dd id="partner-region">Улаанбаатар</dd>`,
			`<span class="status status-prospective" id="partnership-status">Боломжит</span>`,
			`<section id="description-en"><h3>English</h3><p lang="en">A safe place for LGBTI youth.</p></section>`,
			`<section id="description-mn"><h3>Монгол</h3>`,
			`<option value="active">Идэвхтэй</option>`,
			`<p>Энэ байгууллага одоогоор ямар ч үйл ажиллагаа хамтран зохион байгуулаагүй байна.</p>`,
		} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
		if strings.Contains(page.Body, `id="description-fr"`) || strings.Contains(page.Body, `<option value="prospective"`) {
			t.Error("the page shows an empty description, or offers prospective again")
		}
		c.get("/manage/partners?lang=en")

		// Edit.
		edit := c.get(path + "/edit")
		if edit.StatusCode != http.StatusOK || !strings.Contains(edit.Body, `value="Rainbow Centre"`) || !strings.Contains(edit.Body, `action="`+path+`"`) ||
			!strings.Contains(edit.Body, `<option value="MN-1" selected>`) {
			t.Fatalf("edit form: %d", edit.StatusCode)
		}
		vals := partnerFormValues()
		vals.Set("name", "Rainbow Centre Ulaanbaatar")
		vals.Set("description_en", "")
		vals.Set("description_fr", "Un lieu sûr.")
		if res := c.postForm(path, vals); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?saved=1" {
			t.Fatalf("edit: %d", res.StatusCode)
		}
		p = e.partnerByName("Rainbow Centre Ulaanbaatar")
		if p.DescriptionIn("en") != "" || p.DescriptionIn("fr") != "Un lieu sûr." || p.DescriptionIn("mn") == "" {
			t.Fatalf("descriptions after the edit: %+v", p.Descriptions)
		}

		// The partnership becomes active on a given day, then strengthened today.
		e.db.Model(&partners.Change{}).Where("partner_id = ?", p.ID).Update("changed_on", civil.Date{Year: 2025, Month: 1, Day: 1})
		res = c.postForm(path+"/partnership", url.Values{"status": {"active"}, "changed_on": {"2025-09-01"},
			"shared_goals": {"Safer schools"}, "notes": {"Director changes in June"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?saved=1" {
			t.Fatalf("activate: %d\n%s", res.StatusCode, res.Body)
		}
		res = c.postForm(path+"/partnership", url.Values{"status": {"strengthened"}, "changed_on": {""},
			"shared_goals": {"Safer schools"}, "notes": {"Director changes in June"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("strengthen: %d", res.StatusCode)
		}
		// Goals and notes alone, keeping the status.
		if res := c.postForm(path+"/partnership", url.Values{"status": {""}, "changed_on": {""}, "shared_goals": {"Safer schools and camps"}, "notes": {""}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("goals only: %d", res.StatusCode)
		}
		p = e.partnerByName("Rainbow Centre Ulaanbaatar")
		ps := p.Partnership
		if ps.Status != "strengthened" || ps.StartedOn.String() != "2025-09-01" || ps.SharedGoals != "Safer schools and camps" || ps.Notes != "" || len(p.History) != 3 {
			t.Fatalf("partnership %+v, %d changes", ps, len(p.History))
		}

		// A member's account and a co-hosted activity show on the page.
		e.member("bold@rainbow.example.org", p.ID)
		a := e.publishedCamp("pride-camp", 10)
		c.get(ui.ManageActivityPath(a.ID))
		if res := c.postForm(ui.ManageActivityPath(a.ID)+"/partners", url.Values{"partner": {itoa(p.ID)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("co-host: %d", res.StatusCode)
		}
		page = c.get(path)
		for _, want := range []string{
			`<li id="member-`, `bold <span class="sub">bold@rainbow.example.org</span></li>`,
			fmt.Sprintf(`<li id="cohosted-%d"><a href="/manage/activities/%d">Camp pride-camp</a>`, a.ID, a.ID),
			`<dd id="started-on">September 1, 2025</dd>`,
			`<span class="status status-strengthened" id="partnership-status">Strengthened</span>`,
		} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
		if strings.Count(page.Body, `<tr><td>`) != 3 {
			t.Errorf("the history does not have three rows")
		}

		// The list, filtered, and its key figures.
		c.postForm("/manage/partners", url.Values{"name": {"School 5"}, "kind": {"school"}, "region": {""}})
		list := c.get("/manage/partners")
		for _, want := range []string{
			fmt.Sprintf(`<tr id="partner-%d"><td><a href="%s">Rainbow Centre Ulaanbaatar</a></td>`, p.ID, path),
			"2 organisations",
			`<table class="figures" id="established">`, `<tr><td>2025</td><td class="num">1</td></tr>`,
			`<tr><td>LGBTI organisation</td><td class="num">1</td></tr>`,
			`<tr><td>No region</td><td class="num">1</td></tr>`,
			`<tr><td>Strengthened</td><td class="num">1</td></tr>`,
		} {
			if !strings.Contains(list.Body, want) {
				t.Errorf("the list lacks %s", want)
			}
		}
		filtered := c.get("/manage/partners?kind=school")
		if strings.Contains(filtered.Body, `id="partner-`+itoa(p.ID)+`"`) || !strings.Contains(filtered.Body, "School 5") ||
			!strings.Contains(filtered.Body, `<option value="school" selected>`) {
			t.Error("the kind filter does not filter")
		}
		if none := c.get("/manage/partners?status=ended"); !strings.Contains(none.Body, "No organisation matches these filters.") {
			t.Error("an empty filtered list says nothing")
		}
		if bad := c.get("/manage/partners?kind=club"); bad.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unknown kind filter: %d", bad.StatusCode)
		}
		if size := gzipped(t, list.Body); size > 30*1024 {
			t.Errorf("the list weighs %d bytes gzipped", size)
		}
	})
}

// TestManagePartnerRefusals: the forms show each refusal beside its field,
// in the user's language, keep what was typed, and write nothing.
func TestManagePartnerRefusals(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.staffClient("coord@example.org", access.Coordinator)
		c.get("/manage/partners/new?lang=fr")
		if res := c.postForm("/manage/partners", url.Values{"name": {"Youth Council"}, "kind": {"youth_council"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", res.StatusCode)
		}
		p := e.partnerByName("Youth Council")
		for _, tc := range []struct {
			name, field, msg string
			set              map[string]string
		}{
			{"empty name", "name", "Ce champ est obligatoire.", map[string]string{"name": " "}},
			{"duplicate name", "name", "Une autre organisation porte déjà ce nom.", map[string]string{"name": "YOUTH council"}},
			{"unknown kind", "kind", "Choisissez l'un des types d'organisation.", map[string]string{"kind": "club"}},
			{"bad email", "contact_email", "Cette adresse e-mail n'est pas valide.", map[string]string{"contact_email": "hello@"}},
			{"bad website", "website", "Indiquez une adresse web commençant par https://.", map[string]string{"website": "rainbow.example.org"}},
			{"unknown region", "region", "Région inconnue.", map[string]string{"region": "FR-ZZZ"}},
		} {
			before := e.partnerState()
			vals := partnerFormValues()
			vals.Set("description_en", "Kept text")
			for k, v := range tc.set {
				vals.Set(k, v)
			}
			for _, target := range []string{"/manage/partners", ui.ManagePartnerPath(p.ID)} {
				if tc.name == "duplicate name" && target != "/manage/partners" {
					vals.Set("name", "RAINBOW CENTRE")
					c.postForm("/manage/partners", partnerFormValues())
					before = e.partnerState()
				}
				res := c.postForm(target, vals)
				if res.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("%s to %s: %d, want 422", tc.name, target, res.StatusCode)
					continue
				}
				msg := tc.msg
				if !strings.Contains(res.Body, fieldError(tc.field, msg)) {
					t.Errorf("%s to %s: no message %q beside %s", tc.name, target, msg, tc.field)
				}
				if !strings.Contains(res.Body, ">Kept text</textarea>") || !strings.Contains(res.Body, `id="error-summary"`) || pageLang(res.Body) != "fr" {
					t.Errorf("%s to %s: the form lost what was typed, or its language", tc.name, target)
				}
				if e.partnerState() != before {
					t.Fatalf("%s to %s: a refused form wrote", tc.name, target)
				}
			}
		}

		// The partnership form.
		path := ui.ManagePartnerPath(p.ID)
		tomorrow := civil.Of(time.Now().UTC().AddDate(0, 0, 1)).String()
		for _, tc := range []struct {
			name, field, msg string
			vals             url.Values
		}{
			{"prospective again", "status", "Un partenariat ne peut pas redevenir envisagé.", url.Values{"status": {"prospective"}}},
			{"unknown status", "status", "Choisissez envisagé, actif, renforcé ou terminé.", url.Values{"status": {"paused"}}},
			{"future date", "changed_on", "La date d'un changement ne peut pas être dans le futur.", url.Values{"status": {"active"}, "changed_on": {tomorrow}}},
			{"date before the last change", "changed_on", "Un changement ne peut pas être daté d'avant le précédent.", url.Values{"status": {"active"}, "changed_on": {"2020-01-01"}}},
			{"not a date", "changed_on", "Saisissez une date au format AAAA-MM-JJ.", url.Values{"status": {"active"}, "changed_on": {"01/02/2026"}}},
			{"a date without a status", "status", "Ce champ est obligatoire.", url.Values{"changed_on": {"2026-01-01"}}},
		} {
			before := e.partnerState()
			tc.vals.Set("shared_goals", "Typed goals")
			res := c.postForm(path+"/partnership", tc.vals)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, fieldError(tc.field, tc.msg)) ||
				!strings.Contains(res.Body, ">Typed goals</textarea>") {
				t.Errorf("%s: %d, want 422 with %q beside %s and the goals kept", tc.name, res.StatusCode, tc.msg, tc.field)
			}
			if e.partnerState() != before {
				t.Fatalf("%s: a refused form wrote", tc.name)
			}
		}
		// The same status twice.
		if res := c.postForm(path+"/partnership", url.Values{"status": {"active"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("activate: %d", res.StatusCode)
		}
		if res := c.postForm(path+"/partnership", url.Values{"status": {"active"}}); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, fieldError("status", "Le partenariat a déjà ce statut.")) {
			t.Errorf("active twice: %d", res.StatusCode)
		}
	})
}

// TestManagePartnersCSRF: no form of these pages is taken without its token.
func TestManagePartnersCSRF(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.staffClient("coord@example.org", access.Coordinator)
		id := e.firstPartner()
		a := e.publishedCamp("camp", 10)
		c.get("/manage/partners")
		before := e.partnerState()
		for _, tc := range []struct {
			path string
			vals url.Values
		}{
			{"/manage/partners", partnerFormValues()},
			{ui.ManagePartnerPath(id), partnerFormValues()},
			{ui.ManagePartnerPath(id) + "/partnership", url.Values{"status": {"active"}}},
			{ui.ManageActivityPath(a.ID) + "/partners", url.Values{"partner": {itoa(id)}}},
		} {
			if res := c.postRaw(tc.path, tc.vals); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s without a token: %d, want 403", tc.path, res.StatusCode)
			}
			tc.vals.Set("_csrf", "forged")
			if res := c.postRaw(tc.path, tc.vals); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s with a forged token: %d, want 403", tc.path, res.StatusCode)
			}
		}
		if e.partnerState() != before {
			t.Fatal("a post without a valid token wrote")
		}
	})
}

// TestManageActivityCoHosts: a coordinator ticks the co-hosting partners
// on an activity's page; an id that names no organisation changes nothing.
func TestManageActivityCoHosts(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.staffClient("coord@example.org", access.Coordinator)
		lead := e.staffClient("lead@example.org", access.Facilitator)
		a := e.publishedCamp("hosted", 10)
		path := ui.ManageActivityPath(a.ID)
		if page := c.get(path); !strings.Contains(page.Body, "No partner organisation yet.") {
			t.Fatal("the page does not say that there is no partner to choose")
		}
		first := e.firstPartner()
		second, err := e.srv.Partners.Create(context.Background(), access.Viewer{Staff: true},
			partners.Input{Name: ptrTo("Student union"), Kind: ptrTo(partners.KindUniversity)})
		if err != nil {
			t.Fatal(err)
		}
		page := c.get(path)
		if !strings.Contains(page.Body, `id="host-`+itoa(first)+`"`) || !strings.Contains(page.Body, `id="host-`+itoa(second.ID)+`"`) {
			t.Fatal("the page does not offer the organisations")
		}
		if res := c.postForm(path+"/partners", url.Values{"partner": {itoa(first), itoa(second.ID)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		got, _ := e.srv.Activities.Get(context.Background(), a.ID)
		if fmt.Sprint(got.PartnerIDs()) != fmt.Sprint([]int64{first, second.ID}) {
			t.Fatalf("co-hosts %v", got.PartnerIDs())
		}
		if page := c.get(path); !strings.Contains(page.Body, `id="host-`+itoa(second.ID)+`" checked`) {
			t.Fatal("a saved co-host is not ticked")
		}
		before := e.partnerState()
		for _, bad := range []string{"999", "abc"} {
			if res := c.postForm(path+"/partners", url.Values{"partner": {itoa(first), bad}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("co-host %s: %d, want 422", bad, res.StatusCode)
			}
		}
		if e.partnerState() != before {
			t.Fatal("a refused form wrote")
		}
		// A facilitator neither sees nor posts the form.
		if err := e.db.Exec("INSERT INTO activity_facilitators (activity_id, user_id) VALUES (?, ?)", a.ID, e.userID("lead@example.org")).Error; err != nil {
			t.Fatal(err)
		}
		if page := lead.get(path); page.StatusCode != http.StatusOK || strings.Contains(page.Body, `id="save-cohosts"`) {
			t.Errorf("the facilitator's page: %d", page.StatusCode)
		}
		if res := lead.postForm(path+"/partners", url.Values{}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a facilitator sets co-hosts: %d", res.StatusCode)
		}
		if res := c.postForm(path+"/partners", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("clear: %d", res.StatusCode)
		}
		if got, _ := e.srv.Activities.Get(context.Background(), a.ID); len(got.PartnerIDs()) != 0 {
			t.Fatalf("co-hosts after clearing: %v", got.PartnerIDs())
		}
	})
}
