package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/web/ui"
)

// TestTextFallsBackPerField: a text missing in the reader's language is
// shown in another, field by field, each marked with the language it is in.
func TestTextFallsBackPerField(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		now := time.Now().UTC()
		slug := "steppe"
		in := activities.Input{Slug: &slug, Kind: ptrTo(activities.KindCamp), Capacity: ptrTo(10), Region: ptrTo("MN-057"),
			StartsAt: ptrTo(now.Add(40 * 24 * time.Hour)), EndsAt: ptrTo(now.Add(41 * 24 * time.Hour)),
			Title:       map[string]string{"en": "Steppe camp", "mn": "Талын зуслан"},
			Summary:     map[string]string{"en": "Five days outdoors"},
			Description: map[string]string{"fr": "Cinq jours dehors, à cheval."}}
		ctx := context.Background()
		a, err := e.srv.Activities.Create(ctx, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.srv.Activities.SetStatus(ctx, 0, a.ID, activities.StatusPublished); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		page := c.get("/activities/steppe?lang=mn")
		for _, want := range []string{
			`<h1 lang="mn">Талын зуслан</h1>`,
			`<p class="lead" lang="en">Five days outdoors</p>`,
			`<div class="description" lang="fr"><p>Cinq jours dehors, à cheval.</p></div>`,
		} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
		if !strings.Contains(page.Body, e.msg("mn", "activity_fallback")) {
			t.Error("the page does not say some text is in another language")
		}
		list := c.get("/activities?lang=mn")
		if !strings.Contains(list.Body, `<h2 lang="mn">`) || !strings.Contains(list.Body, `<p lang="en">Five days outdoors</p>`) {
			t.Error("the card does not show the English summary, marked as English")
		}
	})
}

// TestRegionsInReadersOrder: the region list of a form follows the names in
// the page's language, not the ISO codes.
func TestRegionsInReadersOrder(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.publishedCamp("regions", 5)
		c := e.client()
		form := c.get("/activities/regions/register?lang=mn")
		// By code, Улаанбаатар (MN-1) would come last, after Архангай (MN-073).
		order := []string{">Архангай<", ">Баян-Өлгий<", ">Өмнөговь<", ">Улаанбаатар<", ">Хөвсгөл<"}
		last := -1
		for _, name := range order {
			i := strings.Index(form.Body, name)
			if i <= last {
				t.Fatalf("%s is out of order (at %d, after %d)", name, i, last)
			}
			last = i
		}
		fr := c.get("/activities/regions/register?lang=fr")
		if i, j := strings.Index(fr.Body, ">Hauts-de-France<"), strings.Index(fr.Body, ">Île-de-France<"); i < 0 || j < i {
			t.Errorf("Île-de-France is not after Hauts-de-France (%d, %d)", i, j)
		}
	})
}

// TestAgeOnlyMinimum: an activity with a minimum age only refuses a younger
// registrant with "16 and over", never "16 to 120".
func TestAgeOnlyMinimum(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("sixteen", 5)
		if _, err := e.srv.Activities.Update(context.Background(), 0, a.ID, activities.Input{AgeMin: ptrTo(16), Unset: []string{"age_max"}}); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		vals := registrationForm("young@example.org", "rural")
		vals.Set("birth_year", strconv.Itoa(time.Now().Year()-10))
		res := c.submitRegistration("sixteen", vals)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "This activity is for ages 16 and over.") || strings.Contains(res.Body, "120") {
			t.Fatalf("too young: %d", res.StatusCode)
		}
	})
}

// TestTagLabels: a theme tag shows its label in the reader's language, never
// its stored name; a tag written by hand shows as written.
func TestTagLabels(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.staffClient("coord@example.org", "coordinator")
		ctx := context.Background()
		p, err := e.srv.People.Create(ctx, 0, people.Input{GivenName: "Saraa", Email: "saraa@example.org",
			Tags: []string{"lgbti-rights", "covid-19"}}, true, false)
		if err != nil {
			t.Fatal(err)
		}
		camp, err := e.srv.Campaigns.Create(ctx, e.campStaff("coord@example.org"), campaigns.Input{
			Title: map[string]string{"en": "Speak"}, Tags: &[]string{"freedom-of-expression"}})
		if err != nil {
			t.Fatal(err)
		}
		person := c.get(ui.ManagePersonPath(p.ID) + "?lang=mn")
		if !strings.Contains(person.Body, "ЛГБТИ хүмүүсийн эрх") || !strings.Contains(person.Body, "covid-19") || strings.Contains(person.Body, "lgbti-rights") {
			t.Errorf("person page tags: %d", person.StatusCode)
		}
		list := c.get(ui.ManagePeoplePath + "?lang=fr")
		if !strings.Contains(list.Body, `value="lgbti-rights" id="tag-all-`) || !strings.Contains(list.Body, "> Droits des personnes LGBTI</label>") {
			t.Error("the tag filter does not show labels over the stored names")
		}
		if !strings.Contains(list.Body, "Droits des personnes LGBTI, covid-19") && !strings.Contains(list.Body, "covid-19, Droits des personnes LGBTI") {
			t.Error("the list row does not show the labels")
		}
		page := c.get(fmt.Sprintf("/manage/campaigns/%d?lang=id", camp.ID))
		if !strings.Contains(page.Body, `<dd id="campaign-tags">Kebebasan berekspresi</dd>`) {
			t.Errorf("campaign themes: %d", page.StatusCode)
		}
	})
}
