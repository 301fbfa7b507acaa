package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/web/api"
)

// reportCSVs are the dashboard's downloads.
var reportCSVs = []string{"people", "shares", "trained", "quotas", "partnerships", "campaigns", "hours", "trained-years"}

// quotaActivity creates and publishes a camp in MN-057 with the quota rules
// (attribute, share pairs) and a title in English and French.
func (e *env) quotaActivity(slug, title string, capacity int, rules ...any) *activities.Activity {
	e.t.Helper()
	var quotas []activities.QuotaInput
	for i := 0; i+1 < len(rules); i += 2 {
		quotas = append(quotas, activities.QuotaInput{Attribute: quota.Attribute(rules[i].(string)), Share: rules[i+1].(float64)})
	}
	a := e.publishedCamp(slug, capacity, quotas...)
	if _, err := e.srv.Activities.Update(context.Background(), 0, a.ID, activities.Input{
		Title: map[string]string{"en": title, "fr": title + " (fr)"}}); err != nil {
		e.t.Fatal(err)
	}
	a, err := e.srv.Activities.Get(context.Background(), a.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// registerMany registers n people at a, each born 20 years ago, with the
// locality and sensitive attribute (disability, minority or none), and
// returns the registrations.
func (e *env) registerMany(a *activities.Activity, prefix string, n int, locality, attribute string) []*registration.Placed {
	e.t.Helper()
	var out []*registration.Placed
	for i := range n {
		var s people.Sensitive
		switch attribute {
		case "disability":
			s.Disability = ptrTo(true)
		case "minority":
			s.Minority = ptrTo(true)
		}
		r, err := e.srv.Registrations.Register(context.Background(), a, registration.Request{Consent: true, Person: people.Declared{
			GivenName: "Saraa", FamilyName: "Bold", Email: fmt.Sprintf("%s%d@example.org", prefix, i),
			BirthYear: time.Now().Year() - 20, Region: "MN-057", Locality: locality, Locale: "en", Sensitive: s}})
		if err != nil {
			e.t.Fatal(err)
		}
		if r.Status != string(registration.Confirmed) {
			e.t.Fatalf("%s%d: %+v", prefix, i, r)
		}
		out = append(out, r)
	}
	return out
}

// smallPoolsFixture seeds activity A with 2 people in its disability pool
// and 3 in its minority pool, beside 5 in general seats (who attended) and
// 5 rural; and activity B with 8 and 8. Every other figure any report
// shows is 0 or 1 more than a multiple of 5, so no two differ by 2 or 3:
// 31 people, 5 rural, 5 trained; A 20 seats, 15 confirmed, 5 per pool;
// B 40 seats, 16 confirmed, 5 rural, 10 per sensitive pool; totals 60, 31,
// general 20 and 5, rural 10 and 5, disability 15 and 10, minority 15 and
// 11. Without complementary cells, B's 8 and 8 beside the totals 10 and 11
// give A's 2 and 3 away.
func (e *env) smallPoolsFixture() (a, b *activities.Activity) {
	e.t.Helper()
	a = e.quotaActivity("camp-a", "Camp A", 20, "rural", 0.25, "disability", 0.25, "minority", 0.25)
	b = e.quotaActivity("camp-b", "Camp B", 40, "rural", 0.125, "disability", 0.25, "minority", 0.25)
	for _, r := range e.registerMany(a, "general", 5, people.Urban, "") {
		// Attended, as if camp A had taken place (it starts in the future:
		// the service would refuse the mark).
		if err := e.db.Model(&registration.Registration{}).Where("id = ?", r.ID).Update("attended", true).Error; err != nil {
			e.t.Fatal(err)
		}
	}
	e.registerMany(a, "rural", 5, people.Rural, "")
	e.registerMany(a, "disabled", 2, people.Urban, "disability")
	e.registerMany(a, "minority", 3, people.Urban, "minority")
	e.registerMany(b, "bdisabled", 8, people.Urban, "disability")
	e.registerMany(b, "bminority", 8, people.Urban, "minority")
	return a, b
}

// jsonFigures collects the numbers of a JSON document, leaving out ids,
// years and settings, which are no counts.
func jsonFigures(t *testing.T, body string) []int {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	skip := map[string]bool{"id": true, "activity_id": true, "campaign_id": true, "partner_id": true, "year": true,
		"youth_max_age": true, "min_cell": true}
	var out []int
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				walk(k, c)
			}
		case []any:
			for _, c := range x {
				walk(key, c)
			}
		case float64:
			if !skip[key] {
				out = append(out, int(x))
			}
		}
	}
	walk("", v)
	return out
}

// csvFigures collects the whole numbers of a CSV's cells, leaving out the
// id columns (named by the header in the CSV's language).
func csvFigures(t *testing.T, body string, idHeads ...string) []int {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	var out []int
	for i, row := range rows {
		for j, cell := range row {
			if i == 0 || slicesContains(idHeads, rows[0][j]) {
				continue
			}
			if n, err := strconv.Atoi(cell); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

var (
	tableCell = regexp.MustCompile(`(?s)<td class="num"[^>]*>(.*?)</td>|<dd[^>]*>(.*?)</dd>`)
	markup    = regexp.MustCompile(`<[^>]+>`)
)

// pageFigures collects the whole numbers in the count cells and key
// figures of a page, as a reader sees them: "<5 sur 5" gives 5. Labels
// (months, ages) and percentages, which follow from the counts shown, are
// left out.
func pageFigures(body string) []int {
	var out []int
	for _, m := range tableCell.FindAllStringSubmatch(body, -1) {
		text := markup.ReplaceAllString(m[1]+m[2], " ")
		text = strings.NewReplacer("&lt;", "<", "\u202f", "", "\u00a0", "", "&#39;", "'").Replace(text)
		for _, word := range strings.Fields(text) {
			if n, err := strconv.Atoi(word); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// TestSmallCountsCannotBeRecovered reads every report as an attacker would
// (the JSON API, each CSV, the page) with 2 and 3 people in activity A's
// sensitive pools, and subtracts any figure from any other: none gives 2
// or 3. Removing the complementary rule of reports.Suppress makes it fail:
// B's pools then show, and the totals less them are A's.
func TestSmallCountsCannotBeRecovered(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.smallPoolsFixture()
		c, tok := apiStaff(e)
		c.login("coord@example.org")
		var figures []int
		add := func(where string, f []int) {
			if len(f) == 0 && where != "/api/v1/reports/partners" { // no partner here
				t.Fatalf("%s: no figures read", where)
			}
			figures = append(figures, f...)
		}
		for _, path := range []string{"/api/v1/reports/summary", "/api/v1/reports/quotas", "/api/v1/reports/partners", "/api/v1/reports/involvement",
			"/api/v1/reports/training"} {
			res := c.api("GET", path, tok, "")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %s", path, res.StatusCode, res.Body)
			}
			if path == "/api/v1/reports/involvement" {
				continue // no counts
			}
			add(path, jsonFigures(t, res.Body))
		}
		for _, name := range reportCSVs {
			res := c.get("/manage/reports/" + name + ".csv")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s.csv: %d", name, res.StatusCode)
			}
			if name == "partnerships" || name == "campaigns" {
				continue // empty here
			}
			add(name+".csv", csvFigures(t, res.Body, translation(t, "en", "reports_activity_id"), translation(t, "en", "partners_year")))
		}
		page := c.get("/manage/reports")
		add("the page", pageFigures(page.Body))

		for _, f := range figures {
			for _, g := range append([]int{0}, figures...) {
				if d := f - g; d == 2 || d == 3 {
					t.Fatalf("%d − %d = %d: a hidden pool of A is found by subtraction (figures %v)", f, g, d, figures)
				}
			}
		}
		// The suppressed cells are there, marked.
		quotas := strings.ReplaceAll(c.api("GET", "/api/v1/reports/quotas", tok, "").Body, `\u003c`, "<")
		csvBody := c.get("/manage/reports/quotas.csv").Body
		for _, where := range []string{quotas, csvBody, page.Body} {
			if !strings.Contains(where, "<5") && !strings.Contains(where, "&lt;5") || !strings.Contains(where, "x") {
				t.Fatalf("no suppressed cell in %s", where)
			}
		}
	})
}

// TestReportsAPI: the summary's people figures and the quota report
// against the fixture, suppressed cells as the strings "<5" and "x", and
// who may read them.
func TestReportsAPI(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a, b := e.smallPoolsFixture()
		c, tok := apiStaff(e)
		var sum api.Summary
		apiJSON(t, c.api("GET", "/api/v1/reports/summary", tok, ""), http.StatusOK, &sum)
		p := sum.People
		last := p.Months[len(p.Months)-1]
		if p.Total != 31 || len(p.Months) != 24 || last.Month != time.Now().UTC().Format("2006-01") || last.New != 31 || last.Total != 31 ||
			p.Months[0].Total != 0 || p.YouthMaxAge != 30 || p.Youth != (api.Share{Count: 31, Of: 31}) || p.Rural != (api.Share{Count: 5, Of: 31}) || p.Volunteers != (api.Share{Count: 0, Of: 31}) {
			t.Fatalf("people %+v", p)
		}
		if len(sum.TrainedByRegion) != 1 || sum.TrainedByRegion[0] != (api.RegionCount{Region: "MN-057", Count: 5}) {
			t.Fatalf("trained %+v", sum.TrainedByRegion)
		}

		res := c.api("GET", "/api/v1/reports/quotas?lang=fr", tok, "")
		var out struct {
			MinCell int `json:"min_cell"`
			Items   []struct {
				ActivityID int64           `json:"activity_id"`
				Title      string          `json:"title"`
				StartsAt   time.Time       `json:"starts_at"`
				Capacity   json.RawMessage `json:"capacity"`
				Confirmed  json.RawMessage `json:"confirmed"`
				General    struct{ Seats, Filled json.RawMessage }
				Pools      []struct {
					Attribute     string
					Seats, Filled json.RawMessage
					Released      *bool
				}
			} `json:"items"`
			Total json.RawMessage `json:"total"`
		}
		apiJSON(t, res, http.StatusOK, &out)
		if out.MinCell != 5 || len(out.Items) != 2 {
			t.Fatalf("report %s", res.Body)
		}
		// Both start on the same day: the later id first.
		first, second := out.Items[0], out.Items[1]
		if first.ActivityID != b.ID || second.ActivityID != a.ID || second.Title != "Camp A (fr)" || !second.StartsAt.Equal(a.StartsAt) {
			t.Fatalf("items %s", res.Body)
		}
		raw := func(m json.RawMessage) string {
			var s string
			if json.Unmarshal(m, &s) == nil {
				return strconv.Quote(s)
			}
			return string(m)
		}
		pools := func(i int) string {
			var s []string
			for _, p := range out.Items[i].Pools {
				s = append(s, fmt.Sprintf("%s %s/%s %v", p.Attribute, raw(p.Filled), raw(p.Seats), *p.Released))
			}
			return strings.Join(s, ", ")
		}
		if got := pools(1); got != `rural 5/5 false, disability "<5"/5 false, minority "<5"/5 false` ||
			raw(second.Capacity) != "20" || raw(second.Confirmed) != "15" || raw(second.General.Filled) != "5" {
			t.Fatalf("A: %s", got)
		}
		if got := pools(0); got != `rural 0/5 false, disability "x"/10 false, minority "x"/10 false` {
			t.Fatalf("B: %s", got)
		}
		apiWantKeys(t, "total", out.Total, "capacity", "confirmed", "general", "pools")
		if !strings.Contains(raw(out.Total), `{"attribute":"disability","seats":15,"filled":10}`) {
			t.Fatalf("total %s", out.Total)
		}

		// Only staff: a facilitator and a partner member are refused, and
		// nobody without a token.
		e.user("fac@example.org", access.Facilitator)
		e.user("member@example.org", access.Partner)
		for _, path := range []string{"/api/v1/reports/quotas", "/api/v1/reports/summary"} {
			for _, email := range []string{"fac@example.org", "member@example.org"} {
				if res := c.api("GET", path, e.token(email), ""); res.StatusCode != http.StatusForbidden {
					t.Fatalf("%s reads %s: %d", email, path, res.StatusCode)
				}
			}
			if res := c.api("GET", path, "", ""); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("anonymous %s: %d", path, res.StatusCode)
			}
		}
	})
}

// hasRow reports whether key gives want for one of the rows.
func hasRow(rows [][]string, want string, key func([]string) string) bool {
	for _, r := range rows {
		if key(r) == want {
			return true
		}
	}
	return false
}

// zavkhan is the name of MN-057 in lang.
func zavkhan(lang string) string {
	r, _ := regions.Lookup("MN-057")
	return r.Name(lang)
}

// svgs are the charts of a page.
var svgs = regexp.MustCompile(`(?s)<svg .*?</svg>`)

// TestReportsPageAndCSV: the dashboard in French, its charts well-formed
// SVG with a title and a description that states the figures, its tables,
// and its weight with a dozen campaigns; then every CSV download: an
// attachment, UTF-8 with a byte-order mark, a header row in the page's
// language, plain numbers, suppressed cells as on the page, and text cells
// neutralised.
func TestReportsPageAndCSV(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a, _ := e.smallPoolsFixture()
		c, tok := apiStaff(e)
		for i := range 12 {
			camp := campCreate(t, c, tok, fmt.Sprintf(`{"title": {"en": "Campaign number %d for the freedom to speak and to gather", "fr": "Campagne n° %d pour la liberté de parole et de réunion"}}`, i, i))
			slug := fmt.Sprintf("petition-%d", i)
			apiJSON(t, c.api("POST", "/api/v1/petitions", tok, fmt.Sprintf(`{"campaign_id": %d, "slug": %q, "title": {"en": "Sign"}, "text": {"en": "Please"}, "goal": 100}`,
				camp.ID, slug)), http.StatusCreated, nil)
			for k := range i % 3 {
				body := fmt.Sprintf(`{"given_name": "Saraa", "email": "signer%d-%d@example.org", "consent": true}`, i, k)
				apiJSON(t, c.api("POST", "/api/v1/petitions/"+slug+"/signatures", tok, body), http.StatusCreated, nil)
			}
		}
		c.login("coord@example.org")
		page := c.get("/manage/reports?lang=fr")
		if page.StatusCode != http.StatusOK || pageLang(page.Body) != "fr" {
			t.Fatalf("page: %d", page.StatusCode)
		}
		if n := len(page.Body); n > 60*1024 {
			t.Fatalf("the page weighs %d bytes", n)
		} else {
			t.Logf("the page weighs %d bytes with 12 campaigns", n)
		}
		for _, key := range []string{"reports_title", "reports_people", "reports_shares", "reports_trained", "reports_hours",
			"reports_trained_years", "reports_wellbeing", "reports_quotas", "reports_partnerships", "reports_campaigns", "reports_csv"} {
			if want := translation(t, "fr", key); !strings.Contains(page.Body, want) {
				t.Errorf("the French page lacks %s %q", key, want)
			}
		}
		thisMonth := translation(t, "fr", fmt.Sprintf("month_%d", time.Now().UTC().Month())) + " " + strconv.Itoa(time.Now().UTC().Year())
		if !strings.Contains(page.Body, `id="total-people">43<`) || !strings.Contains(page.Body, "30 ans ou moins") || // 31 registered, 12 signed
			!strings.Contains(page.Body, "<td>"+thisMonth+`</td><td class="num">43</td>`) {
			t.Fatalf("people figures missing: %s", between(page.Body, `id="people"`, "</section>"))
		}
		// A's row: the small pools as "<5", B's withheld as "x".
		rowA := between(page.Body, `<tr id="quota-`, "</tr>")
		if !strings.Contains(page.Body, "&lt;5 sur 5") || !strings.Contains(page.Body, "x sur 10") || rowA == "" {
			t.Fatalf("quota table: %s", between(page.Body, `id="quota-attainment"`, "</table>"))
		}

		charts := svgs.FindAllString(page.Body, -1)
		if len(charts) != 6 { // people, shares, trained, hours, trained per year, signatures (no partnership yet)
			t.Fatalf("%d charts", len(charts))
		}
		for _, svg := range charts {
			dec := xml.NewDecoder(strings.NewReader(svg))
			dec.Strict = true
			var root struct {
				ID    string `xml:"id,attr"`
				Role  string `xml:"role,attr"`
				Label string `xml:"aria-labelledby,attr"`
				Title struct {
					ID   string `xml:"id,attr"`
					Text string `xml:",chardata"`
				} `xml:"title"`
				Desc struct {
					ID   string `xml:"id,attr"`
					Text string `xml:",chardata"`
				} `xml:"desc"`
			}
			if err := dec.Decode(&root); err != nil {
				t.Fatalf("chart not well-formed: %v\n%s", err, svg)
			}
			if root.Role != "img" || root.Label != root.Title.ID || root.Title.Text == "" || root.Desc.Text == "" {
				t.Fatalf("chart %s: role %q, labelled by %q, title %q, desc %q", root.ID, root.Role, root.Label, root.Title.Text, root.Desc.Text)
			}
			if root.ID == "chart-trained" && !strings.Contains(root.Desc.Text, zavkhan("fr")+": 5") {
				t.Fatalf("trained desc %q", root.Desc.Text)
			}
			if root.ID == "chart-shares" && !strings.Contains(root.Desc.Text, "100 % (31 sur 31)") {
				t.Fatalf("shares desc %q", root.Desc.Text)
			}
			if root.ID == "chart-campaigns" && !strings.Contains(root.Desc.Text, "Campagne n° 2 pour la liberté de parole et de réunion: 2") {
				t.Fatalf("signatures desc %q", root.Desc.Text)
			}
		}
		if strings.Contains(page.Body, "style=") || strings.Contains(page.Body, "<script") {
			t.Fatal("inline style or script")
		}

		e.user("fac@example.org", access.Facilitator)
		fac := e.client()
		fac.login("fac@example.org")
		for _, path := range []string{"/manage/reports", "/manage/reports/quotas.csv"} {
			if res := fac.get(path); res.StatusCode != http.StatusForbidden {
				t.Fatalf("a facilitator reads %s: %d", path, res.StatusCode)
			}
		}

		// The downloads, with titles that a spreadsheet would take for
		// formulas.
		if _, err := e.srv.Activities.Update(context.Background(), 0, a.ID, activities.Input{
			Title: map[string]string{"en": "=HYPERLINK(\"http://evil.example\")", "fr": "@SUM(A1:A9)"}}); err != nil {
			t.Fatal(err)
		}
		camp := campCreate(t, c, tok, `{"title": {"en": "+Free to speak", "fr": "-Libres de parler"}}`)
		read := func(name string) [][]string {
			t.Helper()
			res := c.get("/manage/reports/" + name + ".csv?lang=fr")
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
				res.Header.Get("Content-Disposition") != `attachment; filename="`+name+`.csv"` || !strings.HasPrefix(res.Body, "\ufeff") {
				t.Fatalf("%s.csv: %d %v", name, res.StatusCode, res.Header)
			}
			rows, err := csv.NewReader(bytes.NewReader([]byte(strings.TrimPrefix(res.Body, "\ufeff")))).ReadAll()
			if err != nil {
				t.Fatalf("%s.csv: %v", name, err)
			}
			return rows
		}
		fr := func(key string, args ...string) string {
			s := translation(t, "fr", key)
			for i := 0; i+1 < len(args); i += 2 {
				s = strings.ReplaceAll(s, "{{."+args[i]+"}}", args[i+1])
			}
			return s
		}
		join := func(row []string) string { return strings.Join(row, "|") }
		month := time.Now().UTC().Format("2006-01")

		people := read("people")
		if join(people[0]) != join([]string{fr("reports_month_col"), fr("reports_new_people"), fr("reports_people_in_all")}) ||
			len(people) != 25 || join(people[24]) != month+"|43|43" || join(people[1])[7:] != "|0|0" {
			t.Fatalf("people.csv %v", people)
		}
		shares := read("shares")
		if join(shares[0]) != join([]string{fr("reports_figure"), fr("partners_count"), fr("reports_of"), fr("reports_share_percent")}) ||
			join(shares[1]) != fr("reports_youth", "Age", "30")+"|31|31|100.0" || join(shares[2]) != fr("reports_rural")+"|5|31|16.1" ||
			join(shares[3]) != fr("reports_volunteers")+"|0|43|0.0" { // 12 signers besides
			t.Fatalf("shares.csv %v", shares)
		}
		trained := read("trained")
		if len(trained) != 2 || join(trained[1]) != "MN-057|"+zavkhan("fr")+"|5" {
			t.Fatalf("trained.csv %v", trained)
		}
		quotas := read("quotas")
		if quotas[0][0] != fr("reports_activity_id") || quotas[0][7] != fr("reports_pool_seats", "Pool", fr("reports_pool_rural")) ||
			len(quotas[0]) != 16 || len(quotas) != 4 {
			t.Fatalf("quotas.csv head %v", quotas)
		}
		// B first (same start, later id), then A, then the total.
		// The released column has its own words ("Encore réservées"), not attendance's "Non".
		kept := fr("reports_released_no")
		if join(quotas[2][1:]) != "'@SUM(A1:A9)|"+a.Local(a.StartsAt).Format(time.DateOnly)+"|20|15|5|5|5|5|"+kept+"|5|<5|"+kept+"|5|<5|"+kept ||
			join(quotas[1][3:]) != "40|16|15|0|5|0|"+kept+"|10|x|"+kept+"|10|x|"+kept ||
			join(quotas[3]) != "|"+fr("reports_all_activities")+"||60|31|20|5|10|5||15|10||15|11|" {
			t.Fatalf("quotas.csv rows %v", quotas)
		}
		partnerships := read("partnerships")
		if len(partnerships) != 1 || join(partnerships[0]) != join([]string{fr("partners_year"), fr("reports_established"), fr("reports_strengthened")}) {
			t.Fatalf("partnerships.csv %v", partnerships)
		}
		campaigns := read("campaigns")
		if len(campaigns) != 14 || join(campaigns[0]) != join([]string{fr("reports_campaign_id"), fr("field_title"), fr("campaign_stage_current"),
			fr("campaign_signatures"), fr("campaign_letters_written"), fr("campaign_letters_delivered")}) ||
			!hasRow(campaigns[1:], strconv.FormatInt(camp.ID, 10)+"|'-Libres de parler|"+fr("stage_planning")+"|0|0|0", join) ||
			!hasRow(campaigns[1:], "|Campagne n° 2 pour la liberté de parole et de réunion|"+fr("stage_planning")+"|2|0|0", func(r []string) string { return "|" + join(r[1:]) }) {
			t.Fatalf("campaigns.csv %v", campaigns)
		}

		// The language comes from the request, like the page's.
		if en := c.get("/manage/reports/people.csv?lang=en"); !strings.HasPrefix(en.Body, "\ufeff"+translation(t, "en", "reports_month_col")+",") {
			t.Fatalf("English people.csv: %q", en.Body[:40])
		}
		anon := e.client()
		if res := anon.get("/manage/reports/people.csv"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("anonymous CSV: %d", res.StatusCode)
		}
		// A partner member holds no reports permission.
		e.user("member@example.org", access.Partner)
		member := e.client()
		member.login("member@example.org")
		for _, path := range []string{"/manage/reports", "/manage/reports/people.csv", "/manage/reports/shares.csv", "/manage/reports/trained.csv",
			"/manage/reports/quotas.csv", "/manage/reports/partnerships.csv", "/manage/reports/campaigns.csv"} {
			if res := member.get(path); res.StatusCode != http.StatusForbidden {
				t.Fatalf("a partner member reads %s: %d", path, res.StatusCode)
			}
		}
	})
}
