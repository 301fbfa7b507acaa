package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/web/api"
)

// moveStart sets when an activity starts: attendance is marked from then on.
func (e *env) moveStart(id int64, at time.Time) {
	e.t.Helper()
	if err := e.db.Model(&activities.Activity{}).Where("id = ?", id).Update("starts_at", at.UTC()).Error; err != nil {
		e.t.Fatal(err)
	}
}

// placeAll registers people at once, by staff, in the order given: each
// is "<given> <family>", with an email made from both.
func (e *env) placeAll(a *activities.Activity, names ...[2]string) []int64 {
	e.t.Helper()
	var ids []int64
	for _, n := range names {
		email := strings.ToLower(n[0]+"."+n[1]) + "@example.org"
		r, err := e.srv.Registrations.Register(context.Background(), a, registration.Request{Consent: true,
			Person: people.Declared{GivenName: n[0], FamilyName: n[1], Email: email, BirthYear: time.Now().Year() - 20,
				Region: "MN-057", Locality: people.Urban, Locale: "en"}})
		if err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

// sheetRows are the rows of each printed sheet of a roster page.
var (
	sheetOpen = regexp.MustCompile(`<section class="sheet" id="sheet-\d+"`)
	sheetRow  = regexp.MustCompile(`<tr><td class="num">`)
)

// printRules is what the stylesheet says for print, its @media print
// blocks joined.
func printRules(css string) string {
	var out strings.Builder
	for _, part := range strings.Split(css, "@media print{")[1:] {
		depth := 1
		for i, r := range part {
			switch r {
			case '{':
				depth++
			case '}':
				depth--
			}
			if depth == 0 {
				out.WriteString(part[:i])
				break
			}
		}
	}
	return out.String()
}

// TestRosterPrint: the printable roster lists the confirmed participants
// by family name, in sheets of 25 each headed by the activity, its local
// dates and place and the column headings, with boxes to tick; the print
// stylesheet starts each sheet on a new page and hides the site's header,
// navigation, footer and buttons. Who may see the activity's roster sees
// it; a facilitator who does not lead it, a partner member whose
// organisation co-hosts it (counts only, in its own space) and a
// participant do not. A discreet activity's sheets name it neutrally.
func TestRosterPrint(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("roster", 27)
		var names [][2]string
		for i := range 28 { // arrival order is not the paper's: Fam28 first
			names = append(names, [2]string{fmt.Sprintf("Given%02d", i), fmt.Sprintf("Fam%02d", 28-i)})
		}
		e.placeAll(a, names...)
		page := fmt.Sprintf("/manage/activities/%d", a.ID)
		coord := e.staffClient("coord@example.org", access.Coordinator)

		if body := coord.get(page).Body; !strings.Contains(body, `href="`+page+`/roster" id="roster-print-link"`) {
			t.Fatal("the activity's page does not link to its printable roster")
		}
		res := coord.get(page + "/roster")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("roster: %d", res.StatusCode)
		}
		body := res.Body
		l := e.srv.Catalog.Localizer("en")
		sheets := sheetOpen.FindAllStringIndex(body, -1)
		if len(sheets) != 2 {
			t.Fatalf("%d sheets, want 2 for 27 people", len(sheets))
		}
		first, second := body[sheets[0][0]:sheets[1][0]], body[sheets[1][0]:]
		for i, want := range []struct {
			sheet string
			rows  int
			label string
		}{{first, 25, l.T("roster_sheet", "N", "1", "Total", "2")}, {second, 2, l.T("roster_sheet", "N", "2", "Total", "2")}} {
			if n := len(sheetRow.FindAllString(want.sheet, -1)); n != want.rows {
				t.Errorf("sheet %d has %d rows, want %d", i+1, n, want.rows)
			}
			for _, s := range []string{"<thead>", "<h2", ">Camp roster</h2>", html.EscapeString(a.Span(l)), "Uliastai, ",
				want.label, `<th scope="col">Family name</th><th scope="col">Given name</th><th scope="col" class="pen">Came</th>`,
				`<span class="pen-box" role="img" aria-label="Came: box to tick"></span>`} {
				if !strings.Contains(want.sheet, s) {
					t.Errorf("sheet %d lacks %q", i+1, s)
				}
			}
		}
		// By family name; the waiting person (Fam01, the last to come) is
		// not on it, and no email is.
		if !strings.Contains(first, `<tr><td class="num">1</td><td>Fam02</td><td>Given26</td>`) ||
			!strings.Contains(second, `<tr><td class="num">27</td><td>Fam28</td><td>Given00</td>`) {
			t.Errorf("the roster is not by family name: %s", body)
		}
		if strings.Contains(body, "Fam01") || strings.Contains(body, "@example.org") || strings.Contains(body, "<script") {
			t.Error("the roster shows a waiting person, an email, or a script")
		}
		if !strings.Contains(body, `id="print-hint"`) || !strings.Contains(body, l.T("roster_print_count", "Count", "27")) {
			t.Error("the screen lacks the hint to print, or the count")
		}

		// The print stylesheet: a page per sheet, the headings on each,
		// no header, navigation, footer, hint or button.
		css := coord.get("/static/app.css").Body
		print := printRules(css)
		for _, rule := range []string{".sheet{margin:0;break-before:page}", ".sheet:first-of-type{break-before:auto}",
			".roster thead{display:table-header-group}", ".roster tr{break-inside:avoid;", "body:has(.sheet)>.top,.roster-screen,.crumbs{display:none}",
			".nav,.foot,.skip,form button{display:none}", "@page{size:A4 portrait;"} {
			if !strings.Contains(print, rule) {
				t.Errorf("the print stylesheet lacks %q", rule)
			}
		}

		// The facilitator who leads it sees it; one who does not, nothing.
		lead := e.staffClient("lead@example.org", access.Facilitator)
		stranger := e.staffClient("stranger@example.org", access.Facilitator)
		if err := e.db.Create(&activities.Facilitator{ActivityID: a.ID, UserID: e.userID("lead@example.org")}).Error; err != nil {
			t.Fatal(err)
		}
		if res := lead.get(page + "/roster"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "<td>Fam28</td>") {
			t.Errorf("the lead's roster: %d", res.StatusCode)
		}
		if res := stranger.get(page + "/roster"); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "Fam28") {
			t.Errorf("a facilitator not leading: %d", res.StatusCode)
		}
		// A co-hosting partner counts, and names nobody.
		member := e.staffClient("member@example.org", access.Partner)
		if err := e.db.Create(&activities.CoHost{ActivityID: a.ID, PartnerID: e.firstPartner()}).Error; err != nil {
			t.Fatal(err)
		}
		if res := member.get(page + "/roster"); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "Fam28") {
			t.Errorf("a co-hosting partner's roster: %d", res.StatusCode)
		}
		if home := member.get("/partner").Body; !strings.Contains(home, "27 / 27") || strings.Contains(home, "Fam28") {
			t.Errorf("the partner's space does not count the activity, or names someone")
		}
		participant := e.staffClient("participant@example.org", access.Participant)
		if res := participant.get(page + "/roster"); res.StatusCode != http.StatusForbidden {
			t.Errorf("a participant's roster: %d", res.StatusCode)
		}

		// A discreet activity: its sheets and the browser's title (which
		// a printer may put in the margin) name it neutrally.
		if err := e.db.Model(&activities.Activity{}).Where("id = ?", a.ID).Update("discreet", true).Error; err != nil {
			t.Fatal(err)
		}
		body = coord.get(page + "/roster?lang=fr").Body
		neutral := e.msg("fr", "activity_neutral_title")
		if strings.Count(body, ">"+html.EscapeString(neutral)+"</h2>") != 2 || strings.Contains(body, ">Camp roster</h2>") ||
			!strings.Contains(body, "<title>"+html.EscapeString(e.msg("fr", "roster_print_page_title", "Title", neutral))+" · Gotong</title>") {
			t.Errorf("a discreet activity's roster names it: %s", body)
		}
	})
}

// TestRosterEntry enters a paper roster in one form on the activity's
// page: refused before the start, then every line saved at once; a line
// that is not a confirmed participant's, or unreadable, saves nothing.
func TestRosterEntry(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("entry", 3)
		ids := e.placeAll(a, [2]string{"Saraa", "Tsend"}, [2]string{"Anu", "Bold"}, [2]string{"Zaya", "Altan"}, [2]string{"Wait", "Ing"})
		page := fmt.Sprintf("/manage/activities/%d", a.ID)
		coord := e.staffClient("coord@example.org", access.Coordinator)
		attended := func() string {
			var out []string
			for _, r := range e.registrations(a.ID) {
				v := "-"
				if r.Attended != nil {
					v = fmt.Sprint(*r.Attended)
				}
				out = append(out, v)
			}
			return strings.Join(out, " ")
		}
		l := e.srv.Catalog.Localizer("en")

		// Before the start: the page says when it may be marked, and a
		// post is refused.
		body := coord.get(page).Body
		if !strings.Contains(body, `id="roster-entry-not-yet"`) || !strings.Contains(body, html.EscapeString(l.T("roster_entry_not_yet", "Start", a.When(l, a.StartsAt)))) ||
			strings.Contains(body, `action="`+page+`/attendance"`) {
			t.Fatal("before the start the page offers the entry form, or does not say when")
		}
		marks := func() url.Values { return url.Values{fmt.Sprintf("mark_%d", ids[0]): {"came"}} }
		if res := coord.postForm(page+"/attendance", marks()); res.StatusCode != http.StatusConflict ||
			!strings.Contains(res.Body, html.EscapeString(l.T("error_attendance_before_start"))) {
			t.Fatalf("before the start: %d", res.StatusCode)
		}

		e.moveStart(a.ID, time.Now().Add(-time.Hour))
		body = coord.get(page).Body
		form := body[strings.Index(body, `action="`+page+`/attendance"`):]
		// The lines follow the printed roster: Altan, Bold, Tsend.
		altan, bold, tsend := strings.Index(form, "Altan Zaya"), strings.Index(form, "Bold Anu"), strings.Index(form, "Tsend Saraa")
		if altan < 0 || altan > bold || bold > tsend || strings.Contains(form, "Ing Wait") {
			t.Fatalf("the entry form is not the printed roster's order: %s", form)
		}
		for _, id := range ids[:3] {
			for _, v := range []string{"came", "absent", "keep"} {
				if !strings.Contains(form, fmt.Sprintf(`name="mark_%d" value="%s"`, id, v)) {
					t.Errorf("line %d lacks %s", id, v)
				}
			}
		}

		// Refused entries save nothing.
		for _, tc := range []struct {
			name   string
			vals   url.Values
			status int
			msg    string
		}{
			{"a waiting person", url.Values{fmt.Sprintf("mark_%d", ids[0]): {"came"}, fmt.Sprintf("mark_%d", ids[3]): {"absent"}},
				http.StatusUnprocessableEntity, l.T("error_marks_not_confirmed", "IDs", fmt.Sprint(ids[3]))},
			{"an unknown choice", url.Values{fmt.Sprintf("mark_%d", ids[0]): {"maybe"}}, http.StatusUnprocessableEntity, l.T("error_marks_unreadable")},
			{"an unreadable line", url.Values{"mark_x": {"came"}}, http.StatusUnprocessableEntity, l.T("error_marks_unreadable")},
			{"everyone left as is", url.Values{fmt.Sprintf("mark_%d", ids[0]): {"keep"}}, http.StatusUnprocessableEntity, l.T("error_marks_none")},
		} {
			res := coord.postForm(page+"/attendance", tc.vals)
			if res.StatusCode != tc.status || !strings.Contains(res.Body, html.EscapeString(tc.msg)) {
				t.Errorf("%s: %d, want %d with %q", tc.name, res.StatusCode, tc.status, tc.msg)
			}
		}
		if res := coord.postRaw(page+"/attendance", marks()); res.StatusCode != http.StatusForbidden {
			t.Errorf("without the CSRF token: %d", res.StatusCode)
		}
		stranger := e.staffClient("stranger@example.org", access.Facilitator)
		if res := stranger.postForm(page+"/attendance", marks()); res.StatusCode != http.StatusNotFound {
			t.Errorf("a facilitator not leading: %d", res.StatusCode)
		}
		if got := attended(); got != "- - - -" {
			t.Fatalf("refused entries wrote %s", got)
		}

		res := coord.postForm(page+"/attendance", url.Values{fmt.Sprintf("mark_%d", ids[0]): {"came"},
			fmt.Sprintf("mark_%d", ids[1]): {"absent"}, fmt.Sprintf("mark_%d", ids[2]): {"keep"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"?came=1&absent=1#roster-entry" {
			t.Fatalf("save: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if got := attended(); got != "true false - -" {
			t.Fatalf("attendance %s after the entry", got)
		}
		body = coord.get(page + "?came=1&absent=1").Body
		if !strings.Contains(body, `<p class="notice" role="status" id="roster-saved">`+html.EscapeString(l.T("roster_entry_saved", "Came", "1", "Absent", "1"))+`</p>`) ||
			!strings.Contains(body, html.EscapeString(l.T("roster_entry_now", "Attended", l.T("attended_yes")))) {
			t.Error("the page does not say what was saved, or what is marked now")
		}
		var n int64
		e.db.Model(&audit.Entry{}).Where("action = ? AND object_id = ?", "attendance.roster", fmt.Sprint(a.ID)).Count(&n)
		if n != 1 {
			t.Fatalf("%d audit entries, want 1", n)
		}
	})
}

// TestAPIActivityAttendance: POST /api/v1/activities/{id}/attendance
// enters a paper roster: 409 before the start with the reason in the
// caller's language; 422 naming registrations that are not confirmed
// ones of the activity, or in both lists, with nothing changed; 200 with
// the registrations named; a facilitator who does not lead it finds
// nothing, a participant may not.
func TestAPIActivityAttendance(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		a := e.publishedCamp("api-roster", 2)
		other := e.publishedCamp("api-other", 2)
		ids := e.placeAll(a, [2]string{"Saraa", "Bold"}, [2]string{"Anu", "Altan"}, [2]string{"Wait", "Ing"})
		strangerReg := e.placeAll(other, [2]string{"Other", "One"})[0]
		path := fmt.Sprintf("/api/v1/activities/%d/attendance", a.ID)
		body := func(attended, absent []int64) string {
			b, _ := json.Marshal(map[string][]int64{"attended": attended, "absent": absent})
			return string(b)
		}
		nothingMarked := func(when string) {
			t.Helper()
			for _, r := range e.registrations(a.ID) {
				if r.Attended != nil {
					t.Fatalf("%s marked %d", when, r.ID)
				}
			}
		}

		if r := c.api("POST", path+"?lang=mn", tok, body(ids[:1], nil)); r.StatusCode != http.StatusConflict ||
			apiErr(t, r).Message != e.msg("mn", "error_attendance_before_start") {
			t.Fatalf("before the start: %d %s", r.StatusCode, r.Body)
		}
		nothingMarked("before the start")

		e.moveStart(a.ID, time.Now().Add(-time.Minute))
		for _, tc := range []struct {
			name, body string
			status     int
			fields     map[string]string
		}{
			{"a waiting person and another activity's", body([]int64{ids[0], ids[2]}, []int64{strangerReg}), http.StatusUnprocessableEntity,
				map[string]string{"attended": fmt.Sprint(ids[2]), "absent": fmt.Sprint(strangerReg)}},
			{"in both lists", body(ids[:2], ids[1:2]), http.StatusUnprocessableEntity,
				map[string]string{"attended": fmt.Sprint(ids[1]), "absent": fmt.Sprint(ids[1])}},
			{"nobody", `{"attended": [], "absent": []}`, http.StatusUnprocessableEntity, map[string]string{"attended": "", "absent": ""}},
			{"not a list", `{"attended": "all"}`, http.StatusBadRequest, nil},
			{"an unknown field", `{"present": [1]}`, http.StatusBadRequest, nil},
		} {
			r := c.api("POST", path, tok, tc.body)
			if r.StatusCode != tc.status {
				t.Fatalf("%s: %d %s", tc.name, r.StatusCode, r.Body)
			}
			fields := apiErr(t, r).Fields
			for f, id := range tc.fields {
				if fields[f] == "" || !strings.Contains(fields[f], id) {
					t.Errorf("%s: field %s says %q, want it to name %s", tc.name, f, fields[f], id)
				}
			}
			nothingMarked(tc.name)
		}

		res := c.api("POST", path, tok, body([]int64{ids[1]}, []int64{ids[0]}))
		var out struct {
			Items []api.Registration `json:"items"`
		}
		apiJSON(t, res, http.StatusOK, &out)
		if len(out.Items) != 2 || out.Items[0].ID != ids[0] || *out.Items[0].Attended || out.Items[1].ID != ids[1] || !*out.Items[1].Attended {
			t.Fatalf("answer %s", res.Body)
		}
		var items struct{ Items []json.RawMessage }
		_ = json.Unmarshal([]byte(res.Body), &items)
		apiWantKeys(t, "Registration", items.Items[0], registrationFields...)

		// Who may not.
		e.user("fac@example.org", access.Facilitator)
		if r := e.client().api("POST", path, e.token("fac@example.org"), body(ids[:1], nil)); r.StatusCode != http.StatusNotFound {
			t.Errorf("a facilitator not leading: %d", r.StatusCode)
		}
		e.user("part@example.org", access.Participant)
		if r := e.client().api("POST", path, e.token("part@example.org"), body(ids[:1], nil)); r.StatusCode != http.StatusForbidden {
			t.Errorf("a participant: %d", r.StatusCode)
		}
		if r := e.client().api("POST", path, "", body(ids[:1], nil)); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", r.StatusCode)
		}
		var regs []registration.Registration
		e.db.Where("id IN ?", ids[:2]).Order("id").Find(&regs)
		if regs[0].Attended == nil || *regs[0].Attended || regs[1].Attended == nil || !*regs[1].Attended {
			t.Fatal("a refused request changed the attendance")
		}
	})
}
