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
	"github.com/gotong/gotong/app/registration"
)

// trainingFixture: a two-day camp in Zavkhan ending on 31 December 2031
// at 20:00 UTC (1 January 2032 where it happens) attended by 5 people,
// and a well-being workshop without a region in June 2031 that counts for
// 1.5 hours, attended by 4 (of whom one camper); a fifth registered at
// the workshop was absent.
func (e *env) trainingFixture() {
	e.t.Helper()
	ctx := context.Background()
	activity := func(slug, region, kind, zone string, end time.Time, hours int, credit *float64) *activities.Activity {
		e.t.Helper()
		a, err := e.srv.Activities.Create(ctx, 0, activities.Input{Slug: ptrTo(slug), Kind: ptrTo(kind), Capacity: ptrTo(20),
			Region: ptrTo(region), Timezone: ptrTo(zone), StartsAt: ptrTo(end.Add(-time.Duration(hours) * time.Hour)), EndsAt: ptrTo(end),
			Hours: credit, Title: map[string]string{"en": slug}})
		if err != nil {
			e.t.Fatal(err)
		}
		if a, err = e.srv.Activities.SetStatus(ctx, 0, a.ID, activities.StatusPublished); err != nil {
			e.t.Fatal(err)
		}
		return a
	}
	camp := activity("winter-camp", "MN-057", activities.KindCamp, "Asia/Ulaanbaatar", time.Date(2031, 12, 31, 20, 0, 0, 0, time.UTC), 48, nil)
	workshop := activity("breathe", "", activities.KindWellbeing, "UTC", time.Date(2031, 6, 1, 12, 0, 0, 0, time.UTC), 3, ptrTo(1.5))
	attend := func(a *activities.Activity, email string, came bool) {
		e.t.Helper()
		r, err := e.srv.Registrations.Register(ctx, a, registration.Request{Consent: true, Person: people.Declared{
			GivenName: "Saraa", Email: email, BirthYear: 2008, Region: "MN-057", Locality: people.Urban, Locale: "en"}})
		if err != nil {
			e.t.Fatal(err)
		}
		if err := e.db.Model(&registration.Registration{}).Where("id = ?", r.ID).Update("attended", came).Error; err != nil {
			e.t.Fatal(err)
		}
	}
	for i := range 5 {
		attend(camp, fmt.Sprintf("camper%d@example.org", i), true)
	}
	for i := range 3 {
		attend(workshop, fmt.Sprintf("breather%d@example.org", i), true)
	}
	attend(workshop, "camper0@example.org", true)
	attend(workshop, "absent@example.org", false)
}

// TestReportTraining: hours by region and kind and people trained per
// year in the API, the CSVs and the dashboard; 4 people in 2031 show as
// "<5", 5 in 2032 as 5; only staff read them.
func TestReportTraining(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.trainingFixture()
		c, tok := apiStaff(e)
		res := c.api("GET", "/api/v1/reports/training", tok, "")
		var got struct {
			MinCell    int     `json:"min_cell"`
			TotalHours float64 `json:"total_hours"`
		}
		apiJSON(t, res, http.StatusOK, &got)
		apiWantKeys(t, "TrainingReport", json.RawMessage(res.Body), "min_cell", "hours", "total_hours", "trained_per_year")
		if got.MinCell != 5 || got.TotalHours != 246 ||
			!strings.Contains(res.Body, `"hours":[{"region":"MN-057","kind":"camp","hours":240},{"region":"","kind":"wellbeing","hours":6}]`) ||
			!strings.Contains(res.Body, `"trained_per_year":[{"year":2031,"people":"\u003c5"},{"year":2032,"people":5}]`) {
			t.Fatalf("report %s", res.Body)
		}

		c.login("coord@example.org")
		for name, want := range map[string]string{
			"hours":         "Region code,Region,Kind code,Kind,Hours\nMN-057,Zavkhan,camp,Camp,240\n,No region (online),wellbeing,Well-being workshop,6\n",
			"trained-years": "Year,Participants\n2031,<5\n2032,5\n",
		} {
			res := c.get("/manage/reports/" + name + ".csv")
			body := strings.ReplaceAll(strings.TrimPrefix(res.Body, "\ufeff"), "\r\n", "\n")
			if res.StatusCode != http.StatusOK || body != want {
				t.Errorf("%s.csv: %d\n%s\nwant\n%s", name, res.StatusCode, body, want)
			}
		}

		page := c.get("/manage/reports?lang=fr")
		hours := between(page.Body, `id="hours"`, "</section>")
		for _, want := range []string{`id="total-hours">246<`, `id="hours-MN-057"><th scope="row">`, ">240<", ">6<", "–",
			e.msg("fr", "reports_all_regions"), `id="chart-hours"`} {
			if !strings.Contains(hours, want) {
				t.Errorf("hours section: no %q in\n%s", want, hours)
			}
		}
		years := between(page.Body, `id="trained-per-year"`, "</table>")
		if !strings.Contains(years, `<td>2031</td><td class="num">&lt;5</td>`) || !strings.Contains(years, `<td>2032</td><td class="num">5</td>`) {
			t.Errorf("people trained per year:\n%s", years)
		}
		for _, anchor := range []string{`href="#hours"`, `href="#trained-years"`, `href="/manage/reports/hours.csv"`, `href="/manage/reports/trained-years.csv"`} {
			if !strings.Contains(page.Body, anchor) {
				t.Errorf("the dashboard lacks %s", anchor)
			}
		}

		e.user("fac@example.org", access.Facilitator)
		e.user("member@example.org", access.Partner)
		for _, email := range []string{"fac@example.org", "member@example.org"} {
			if res := c.api("GET", "/api/v1/reports/training", e.token(email), ""); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s reads the training report: %d", email, res.StatusCode)
			}
		}
	})
}
