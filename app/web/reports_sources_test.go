package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/registration"
)

// sourcesFixture: at the camp "river", 5 registrations without a source, 9
// by WhatsApp (and one more, cancelled) and 3 by the poster; at "lake" 2
// by WhatsApp and one by "old" 13 months ago; at a discreet camp 4 direct
// and 7 marked whatsapp (as if it were made discreet after). Petition
// "free-them" has 2 direct signatures and 6 by the poster, "speak-up" 5
// direct and 7 by WhatsApp.
func (e *env) sourcesFixture() (river, lake *activities.Activity, freeThem, speakUp *petitions.Petition) {
	e.t.Helper()
	ctx := context.Background()
	n := 0
	register := func(a *activities.Activity, source string, count int) []int64 {
		e.t.Helper()
		var ids []int64
		for range count {
			n++
			r, err := e.srv.Registrations.Register(ctx, a, registration.Request{Consent: true, Source: source, Person: people.Declared{
				GivenName: "Saraa", Email: fmt.Sprintf("p%d@example.org", n), BirthYear: 2006, Region: "MN-057",
				Locality: people.Urban, Locale: "en"}})
			if err != nil {
				e.t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		return ids
	}
	lake = e.publishedCamp("lake", 50)
	river = e.publishedCamp("river", 50)
	discreet := e.discreetCamp("safe-space")
	register(river, "", 5)
	register(river, "whatsapp", 9)
	register(river, "poster", 3)
	cancelled := register(river, "whatsapp", 1)
	if _, err := e.srv.Registrations.Cancel(ctx, cancelled[0]); err != nil {
		e.t.Fatal(err)
	}
	register(lake, "whatsapp", 2)
	old := register(lake, "old", 1)
	if err := e.db.Model(&registration.Registration{}).Where("id = ?", old[0]).
		Update("created_at", time.Now().UTC().AddDate(0, -13, 0)).Error; err != nil {
		e.t.Fatal(err)
	}
	register(discreet, "", 4)
	marked := register(discreet, "", 7)
	if err := e.db.Model(&registration.Registration{}).Where("id IN ?", marked).Update("source", "whatsapp").Error; err != nil {
		e.t.Fatal(err)
	}

	campaign := e.petitionCampaign("Free expression")
	freeThem = e.newPetition(campaign, "free-them", 100)
	speakUp = e.newPetition(campaign, "speak-up", 100)
	sign := func(p *petitions.Petition, source string, count int) {
		e.t.Helper()
		for range count {
			n++
			if _, err := e.srv.Petitions.Sign(ctx, p.Slug, petitions.Signer{GivenName: "Bat", Email: fmt.Sprintf("p%d@example.org", n),
				Region: "MN-057", Consent: true, Source: source}, "en"); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	sign(freeThem, "", 2)
	sign(freeThem, "poster", 6)
	sign(speakUp, "", 5)
	sign(speakUp, "whatsapp", 7)
	return river, lake, freeThem, speakUp
}

// TestReportSources: registrations and signatures per source on the
// dashboard and in its CSV; a count under 5 shows as "<5" and one that
// would give it away as "x"; no source is "direct"; a discreet activity,
// a cancelled place and a registration older than the period are in no
// line; only those who read reports download it.
func TestReportSources(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		river, lake, freeThem, speakUp := e.sourcesFixture()
		e.user("coord@example.org", access.Coordinator)
		c := e.client()
		c.login("coord@example.org")

		// River's 9 by WhatsApp would follow from the 11 in all less lake's
		// hidden 2: withheld. Free-them's total is on its public page, so
		// its 6 by the poster would give its 2 direct away: withheld.
		want := fmt.Sprintf(`Counted,ID,Title,Source,Count
Registrations,,All activities,direct,5
Registrations,,All activities,poster,<5
Registrations,,All activities,whatsapp,11
Registrations,%[1]d,Camp river,direct,5
Registrations,%[1]d,Camp river,poster,<5
Registrations,%[1]d,Camp river,whatsapp,x
Registrations,%[2]d,Camp lake,whatsapp,<5
Signatures,%[3]d,Free the students,direct,5
Signatures,%[3]d,Free the students,whatsapp,7
Signatures,%[3]d,Free the students,All sources,12
Signatures,%[4]d,Free the students,direct,<5
Signatures,%[4]d,Free the students,poster,x
Signatures,%[4]d,Free the students,All sources,8
`, river.ID, lake.ID, speakUp.ID, freeThem.ID)
		res := c.get("/manage/reports/sources.csv")
		body := strings.ReplaceAll(strings.TrimPrefix(res.Body, "\ufeff"), "\r\n", "\n")
		if res.StatusCode != http.StatusOK || body != want {
			t.Errorf("sources.csv: %d\n%s\nwant\n%s", res.StatusCode, body, want)
		}
		if strings.Contains(body, "safe-space") || strings.Contains(body, "LGBTI") || strings.Contains(body, "old") {
			t.Error("the CSV names a discreet activity or a registration out of the period")
		}

		page := c.get("/manage/reports?lang=mn")
		section := between(page.Body, `id="sources"`, "</section>")
		overall := between(section, `id="sources-overall"`, "</table>")
		for _, want := range []string{
			`<th scope="row">` + e.msg("mn", "reports_source_direct") + `</th><td class="num">5</td>`,
			`<th scope="row">poster</th><td class="num">&lt;5</td>`,
			`<th scope="row">whatsapp</th><td class="num">11</td>`,
		} {
			if !strings.Contains(overall, want) {
				t.Errorf("overall: no %q in\n%s", want, overall)
			}
		}
		acts := between(section, `id="sources-activities"`, "</table>")
		for _, want := range []string{`<td>whatsapp</td><td class="num">x</td>`, `<td>poster</td><td class="num">&lt;5</td>`} {
			if !strings.Contains(acts, want) {
				t.Errorf("per activity: no %q in\n%s", want, acts)
			}
		}
		if strings.Contains(section, "LGBTI") || strings.Contains(section, "safe-space") || strings.Contains(section, ">old<") {
			t.Error("the section names a discreet activity or a registration out of the period")
		}
		pets := between(section, `id="sources-petitions"`, "</table>")
		for _, want := range []string{`<td>poster</td><td class="num">x</td>`, `<td>` + e.msg("mn", "reports_sources_all") + `</td><td class="num">8</td>`,
			`<td>whatsapp</td><td class="num">7</td>`} {
			if !strings.Contains(pets, want) {
				t.Errorf("per petition: no %q in\n%s", want, pets)
			}
		}
		for _, anchor := range []string{`href="#sources"`, `href="/manage/reports/sources.csv"`} {
			if !strings.Contains(page.Body, anchor) {
				t.Errorf("the dashboard lacks %s", anchor)
			}
		}

		// The API: the same table, sources as kept ("" for direct).
		api := c.api("GET", "/api/v1/reports/sources", e.token("coord@example.org"), "")
		apiWantKeys(t, "SourcesReport", json.RawMessage(api.Body), "min_cell", "from", "to", "registrations", "activities", "petitions")
		for _, want := range []string{
			`"registrations":[{"source":"","count":5},{"source":"poster","count":"\u003c5"},{"source":"whatsapp","count":11}]`,
			fmt.Sprintf(`{"activity_id":%d,"sources":[{"source":"","count":5},{"source":"poster","count":"\u003c5"},{"source":"whatsapp","count":"x"}]}`, river.ID),
			fmt.Sprintf(`{"activity_id":%d,"sources":[{"source":"whatsapp","count":"\u003c5"}]}`, lake.ID),
			fmt.Sprintf(`{"petition_id":%d,"total":8,"sources":[{"source":"","count":"\u003c5"},{"source":"poster","count":"x"}]}`, freeThem.ID),
			fmt.Sprintf(`{"petition_id":%d,"total":12,"sources":[{"source":"","count":5},{"source":"whatsapp","count":7}]}`, speakUp.ID),
		} {
			if api.StatusCode != http.StatusOK || !strings.Contains(api.Body, want) {
				t.Errorf("API: %d, no %s in\n%s", api.StatusCode, want, api.Body)
			}
		}

		e.user("fac@example.org", access.Facilitator)
		f := e.client()
		f.login("fac@example.org")
		if res := f.get("/manage/reports/sources.csv"); res.StatusCode == http.StatusOK || strings.Contains(res.Body, "whatsapp") {
			t.Errorf("a facilitator reads the sources: %d", res.StatusCode)
		}
		if res := f.api("GET", "/api/v1/reports/sources", e.token("fac@example.org"), ""); res.StatusCode != http.StatusForbidden {
			t.Errorf("a facilitator reads the sources by the API: %d", res.StatusCode)
		}
	})
}
