package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/civil"
)

// campStaff is the viewer of the coordinator with email.
func (e *env) campStaff(email string) access.Viewer {
	return access.Viewer{UserID: e.userID(email), Staff: true}
}

// campaignFormValues is a complete, valid campaign form.
func campaignFormValues(leadID int64) url.Values {
	return url.Values{
		"title_en": {"Free to speak"}, "summary_en": {"Letters for jailed students"}, "title_fr": {"Libres de parler"},
		"title_mn": {""}, "summary_mn": {""}, "title_id": {""}, "summary_id": {""}, "summary_fr": {""},
		"tags": {"Privacy, free speech"}, "stage": {"planning"}, "starts_on": {"2027-03-01"}, "ends_on": {"2027-06-30"},
		"lead_id": {strconv.FormatInt(leadID, 10)},
	}
}

func TestCampaignPagesCoordinatorAndPartner(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		coord := e.staffClient("coord@example.org", access.Coordinator)
		pa, pb := e.campPartner("Youth council"), e.campPartner("Student union")
		if list := coord.get("/manage/campaigns"); list.StatusCode != http.StatusOK || !strings.Contains(list.Body, `href="/manage/campaigns/new"`) {
			t.Fatalf("list: %d", list.StatusCode)
		}
		form := coord.get("/manage/campaigns/new")
		if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `id="campaign-form"`) || !strings.Contains(form.Body, `type="date"`) {
			t.Fatalf("new form: %d", form.StatusCode)
		}
		// Without the form's token nothing is created.
		if res := coord.postRaw("/manage/campaigns", campaignFormValues(e.userID("coord@example.org"))); res.StatusCode != http.StatusForbidden {
			t.Fatalf("create without a token: %d", res.StatusCode)
		}
		if n := e.campCounts()["campaigns"]; n != 0 {
			t.Fatalf("%d campaigns created without a token", n)
		}
		res := coord.postForm("/manage/campaigns", campaignFormValues(e.userID("coord@example.org")))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", res.StatusCode, res.Body)
		}
		list, err := e.srv.Campaigns.List(context.Background(), e.campStaff("coord@example.org"))
		if err != nil || len(list) != 1 {
			t.Fatalf("stored: %v %v", list, err)
		}
		camp := list[0]
		base := fmt.Sprintf("/manage/campaigns/%d", camp.ID)
		if loc := res.Header.Get("Location"); loc != base+"?saved=1" {
			t.Fatalf("create went to %q", loc)
		}
		if camp.Stage != "planning" || camp.StartsOn != (civil.Date{Year: 2027, Month: 3, Day: 1}) || *camp.LeadID != e.userID("coord@example.org") ||
			!reflect.DeepEqual(camp.Tags, []string{"free speech", "privacy"}) || len(camp.Translations) != 2 {
			t.Fatalf("stored: %+v", camp)
		}
		page := coord.get(base + "?saved=1")
		for _, want := range []string{`<h1><span lang="en">Free to speak</span> <span class="status status-planning" id="campaign-stage">Planning</span></h1>`,
			`id="advance">Move on to Implementation</button>`, `<option value="` + strconv.FormatInt(pa, 10) + `">Youth council</option>`,
			`id="note-form-monitoring"`, `id="item-form-planning"`, `id="letter-form"`, `id="edit-campaign"`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("staff page lacks %s", want)
			}
		}
		// Involve A at planning, B at implementation.
		for _, inv := range []struct {
			id    int64
			stage string
		}{{pa, "planning"}, {pb, "implementation"}} {
			res = coord.postForm(base+"/partners", url.Values{"partner_id": {strconv.FormatInt(inv.id, 10)}, "stage": {inv.stage}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base+"?saved=1#partners" {
				t.Fatalf("involve: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
		}
		page = coord.get(base)
		if !strings.Contains(page.Body, fmt.Sprintf(`id="involve-%d-planning" checked>`, pa)) ||
			!strings.Contains(page.Body, fmt.Sprintf(`id="involve-%d-monitoring">`, pa)) ||
			strings.Contains(page.Body, fmt.Sprintf(`<option value="%d">`, pa)) {
			t.Fatal("the partners' form does not show A at planning")
		}
		item, err := e.srv.Campaigns.AddItem(context.Background(), e.campStaff("coord@example.org"), camp.ID, "planning", "Book a room")
		if err != nil {
			t.Fatal(err)
		}
		other, err := e.srv.Campaigns.Create(context.Background(), e.campStaff("coord@example.org"), campaigns.Input{
			Title: map[string]string{"en": "B's own"}, Partners: &[]campaigns.Involvement{{PartnerID: pb, Stages: []string{"implementation"}}}})
		if err != nil {
			t.Fatal(err)
		}

		// A member of A reads the whole campaign and writes at planning only.
		e.campMember("a@example.org", pa)
		pc := e.client()
		pc.login("a@example.org")
		ppath := fmt.Sprintf("/partner/campaigns/%d", camp.ID)
		ppage := pc.get(ppath)
		if ppage.StatusCode != http.StatusOK {
			t.Fatalf("partner page: %d", ppage.StatusCode)
		}
		for _, want := range []string{`id="note-form-planning"`, `<dd id="your-stages">Planning</dd>`, `action="` + ppath + `/notes"`,
			fmt.Sprintf(`action="%s/checklist/%d"`, ppath, item.ID), "Student union: Implementation"} {
			if !strings.Contains(ppage.Body, want) {
				t.Errorf("partner page lacks %s", want)
			}
		}
		for _, unwanted := range []string{`id="note-form-monitoring"`, `id="note-form-implementation"`, `id="advance"`, `id="edit-campaign"`,
			`id="letter-form"`, `id="add-partner"`, `id="item-form-planning"`, `/manage/campaigns/`} {
			if strings.Contains(ppage.Body, unwanted) {
				t.Errorf("partner page shows %s", unwanted)
			}
		}
		res = pc.postForm(ppath+"/notes", url.Values{"stage": {"planning"}, "text": {"We host the kick-off.\nBring letters."}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != ppath+"?saved=1#stage-planning" {
			t.Fatalf("partner note: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		notes, _ := e.srv.Campaigns.Notes(context.Background(), e.campStaff("coord@example.org"), camp.ID)
		if len(notes) != 1 || notes[0].PartnerID == nil || *notes[0].PartnerID != pa || notes[0].Stage != "planning" {
			t.Fatalf("notes: %+v", notes)
		}
		if page := coord.get(base); !strings.Contains(page.Body, "We host the kick-off.\nBring letters.") || !strings.Contains(page.Body, "a (Youth council) · ") {
			t.Error("the staff page does not show the partner's note and author")
		}
		// Refused at a stage A is not in, at B's campaign, and on staff routes.
		before := e.campCounts()
		res = pc.postForm(ppath+"/notes", url.Values{"stage": {"monitoring"}, "text": {"Not our stage"}})
		if res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, "Your organisation does not take part in this stage of the campaign.") {
			t.Errorf("note at another stage: %d", res.StatusCode)
		}
		opath := fmt.Sprintf("/partner/campaigns/%d", other.ID)
		if res := pc.get(opath); res.StatusCode != http.StatusNotFound {
			t.Errorf("B's campaign page: %d", res.StatusCode)
		}
		if res := pc.postForm(opath+"/notes", url.Values{"stage": {"implementation"}, "text": {"Hi"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("note on B's campaign: %d", res.StatusCode)
		}
		for path, want := range map[string]int{"/manage/campaigns": http.StatusForbidden, "/manage/reports/involvement": http.StatusForbidden,
			// Staff pages of one campaign answer a partner member as if it did not exist.
			base: http.StatusNotFound, base + "/edit": http.StatusNotFound} {
			if res := pc.get(path); res.StatusCode != want {
				t.Errorf("partner GET %s: %d, want %d", path, res.StatusCode, want)
			}
		}
		for path, vals := range map[string]url.Values{
			base + "/notes":     {"stage": {"planning"}, "text": {"Via the staff page"}},
			base + "/advance":   {},
			base + "/partners":  {"partner_id": {strconv.FormatInt(pa, 10)}, "stage": {"evaluation"}},
			base + "/letters":   {"count": {"5"}},
			base + "/checklist": {"stage": {"planning"}, "text": {"Ours"}},
			fmt.Sprintf("%s/checklist/%d", base, item.ID): {"done": {"true"}},
		} {
			if res := pc.postForm(path, vals); res.StatusCode != http.StatusNotFound {
				t.Errorf("partner POST %s: %d", path, res.StatusCode)
			}
		}
		// The partner's forms need their token too.
		if res := pc.postRaw(ppath+"/notes", url.Values{"stage": {"planning"}, "text": {"Forged"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("partner note without a token: %d", res.StatusCode)
		}
		if res := pc.postRaw(fmt.Sprintf("%s/checklist/%d", ppath, item.ID), url.Values{"done": {"true"}, "_csrf": {"forged"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("tick with a forged token: %d", res.StatusCode)
		}
		if res := coord.postRaw(base+"/advance", url.Values{}); res.StatusCode != http.StatusForbidden {
			t.Errorf("advance without a token: %d", res.StatusCode)
		}
		if after := e.campCounts(); !reflect.DeepEqual(after, before) {
			t.Fatalf("refused posts wrote: %v, before %v", after, before)
		}

		// A ticks the planning item from its page, and unticks it.
		tick := fmt.Sprintf("%s/checklist/%d", ppath, item.ID)
		pc.get(ppath)
		if res := pc.postForm(tick, url.Values{"done": {"true"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("tick: %d", res.StatusCode)
		}
		// The item is one button, which sends its next state: a tap saves.
		page = pc.get(ppath)
		if !regexp.MustCompile(fmt.Sprintf(`name="done" value="false">\s*<button type="submit" class="tick" id="tick-%d" aria-pressed="true">`, item.ID)).MatchString(page.Body) ||
			!strings.Contains(page.Body, "Done by a (Youth council)") {
			t.Error("the tick does not show")
		}
		if res := pc.postForm(tick, url.Values{"done": {"false"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("untick: %d", res.StatusCode)
		}
		items, _ := e.srv.Campaigns.Checklist(context.Background(), e.campStaff("coord@example.org"), camp.ID)
		if len(items) != 1 || items[0].DoneAt != nil {
			t.Fatalf("untick: %+v", items)
		}

		// The coordinator adds an item, logs letters and advances the stage.
		coord.get(base)
		if res := coord.postForm(base+"/checklist", url.Values{"stage": {"monitoring"}, "text": {"Count the replies"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add item: %d", res.StatusCode)
		}
		today := civil.Of(time.Now().UTC()).String()
		if res := coord.postForm(base+"/letters", url.Values{"count": {"40"}, "delivered_on": {today}, "note": {"Ministry"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("letters: %d", res.StatusCode)
		}
		if res := coord.postForm(base+"/advance", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("advance: %d", res.StatusCode)
		}
		page = coord.get(base)
		for _, want := range []string{`id="campaign-stage">Implementation</span>`, `<dd id="letters-written">40</dd>`, `<dd id="letters-delivered">40</dd>`,
			"Count the replies", `id="advance">Move on to Monitoring</button>`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("staff page lacks %s", want)
			}
		}

		// The list and the report flag B's campaign in words.
		list2 := coord.get("/manage/campaigns")
		if !strings.Contains(list2.Body, fmt.Sprintf(`<tr id="campaign-%d">`, other.ID)) || strings.Count(list2.Body, "Implementation only") != 1 {
			t.Error("the list does not mark the implementation-only campaign")
		}
		report := coord.get("/manage/reports/involvement")
		row := between(report.Body, fmt.Sprintf(`<tr id="involvement-%d">`, other.ID), "</tr>")
		if report.StatusCode != http.StatusOK || !strings.Contains(row, "<strong>Implementation only</strong>") || !strings.Contains(row, ">Student union</td>") {
			t.Fatalf("report row: %d %q", report.StatusCode, row)
		}
		row = between(report.Body, fmt.Sprintf(`<tr id="involvement-%d">`, camp.ID), "</tr>")
		if !strings.Contains(row, `<td data-label="Planning">Youth council</td>`) || !strings.Contains(row, "Beyond implementation") {
			t.Fatalf("report row: %q", row)
		}
		if fr := coord.get("/manage/reports/involvement?lang=fr"); !strings.Contains(fr.Body, "Mise en œuvre seulement") {
			t.Error("the report is not translated")
		}
	})
}

func TestCampaignFormRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, field, msg string
		set              map[string]string
	}{
		{"no title", "title", "Give a title in at least one language.", map[string]string{"title_en": "", "title_fr": " "}},
		{"ends before starts", "ends_on", "The end date cannot be before the start date.", map[string]string{"ends_on": "2027-02-28"}},
		{"not a date", "starts_on", "Enter a date as YYYY-MM-DD.", map[string]string{"starts_on": "2027-02-30"}},
		{"unknown stage", "stage", "Choose planning, implementation, monitoring or evaluation.", map[string]string{"stage": "party"}},
		{"bad tag", "tags", "a tag is a word or two, at most 40 characters, without commas", map[string]string{"tags": strings.Repeat("x", 41)}},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		coord := e.staffClient("coord@example.org", access.Coordinator)
		participant := e.user("p@example.org", access.Participant)
		cases = append(cases, struct {
			name, field, msg string
			set              map[string]string
		}{"unknown lead", "lead_id", "The lead must be a user who holds the coordinator or admin role.", map[string]string{"lead_id": strconv.FormatInt(participant.ID, 10)}})
		coord.get("/manage/campaigns/new")
		for _, tc := range cases {
			vals := campaignFormValues(e.userID("coord@example.org"))
			vals.Set("summary_en", "Kept summary")
			for k, v := range tc.set {
				vals.Set(k, v)
			}
			res := coord.postForm("/manage/campaigns", vals)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", tc.name, res.StatusCode)
				continue
			}
			if !strings.Contains(res.Body, fieldError(tc.field, tc.msg)) {
				t.Errorf("%s: no message %q beside %s", tc.name, tc.msg, tc.field)
			}
			if !strings.Contains(res.Body, "Kept summary") || !strings.Contains(res.Body, `id="error-summary"`) {
				t.Errorf("%s: the form lost what was typed", tc.name)
			}
		}
		if n := e.campCounts()["campaigns"]; n != 0 {
			t.Fatalf("%d campaigns written by refused forms", n)
		}

		// The forms of the campaign page keep what was typed beside the message.
		pa := e.campPartner("Youth council")
		camp, err := e.srv.Campaigns.Create(context.Background(), e.campStaff("coord@example.org"), campaigns.Input{
			Title: map[string]string{"en": "Rights"}, StartsOn: &civil.Date{Year: 2027, Month: 3, Day: 1},
			Partners: &[]campaigns.Involvement{{PartnerID: pa, Stages: []string{"planning"}}}})
		if err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/manage/campaigns/%d", camp.ID)
		coord.get(base)
		long := strings.Repeat("ü", campaigns.MaxNote+1)
		future := civil.Of(time.Now().UTC().Add(48 * time.Hour)).String()
		before := e.campCounts()
		for _, tc := range []struct {
			name, path, key, msg string
			vals                 url.Values
		}{
			{"note too long", "/notes", "text_planning", "At most 4,000 characters.", url.Values{"stage": {"planning"}, "text": {long}}},
			{"empty note", "/notes", "text_evaluation", "This field is required.", url.Values{"stage": {"evaluation"}, "text": {"  "}}},
			{"empty item", "/checklist", "item_monitoring", "This field is required.", url.Values{"stage": {"monitoring"}, "text": {""}}},
			{"no letters", "/letters", "count", "The number of letters is a whole number from 1 to 1,000,000.", url.Values{"count": {"0"}, "note": {"Kept"}}},
			{"letters not a number", "/letters", "count", "The number of letters is a whole number from 1 to 1,000,000.", url.Values{"count": {"many"}}},
			{"delivered in the future", "/letters", "delivered_on", "This date is in the future.", url.Values{"count": {"3"}, "delivered_on": {future}}},
			{"unknown stage for a partner", "/partners", "partners", "Choose planning, implementation, monitoring or evaluation.",
				url.Values{"partner_id": {strconv.FormatInt(pa, 10)}, "stage": {"party"}}},
		} {
			res := coord.postForm(base+tc.path, tc.vals)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, fieldError(tc.key, tc.msg)) {
				t.Errorf("%s: %d, no message %q beside %s", tc.name, res.StatusCode, tc.msg, tc.key)
			}
		}
		if res := coord.postForm(base+"/partners", url.Values{"partner_id": {"99999"}, "stage": {"planning"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown partner: %d", res.StatusCode)
		}
		if after := e.campCounts(); !reflect.DeepEqual(after, before) {
			t.Fatalf("refused forms wrote: %v, before %v", after, before)
		}
		// The partner's page answers the same way.
		e.campMember("a@example.org", pa)
		pc := e.client()
		pc.login("a@example.org")
		ppath := fmt.Sprintf("/partner/campaigns/%d", camp.ID)
		pc.get(ppath)
		res := pc.postForm(ppath+"/notes", url.Values{"stage": {"planning"}, "text": {"   "}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, fieldError("text_planning", "This field is required.")) ||
			strings.Contains(res.Body, `id="letter-form"`) {
			t.Errorf("partner's empty note: %d", res.StatusCode)
		}

		// Editing keeps the stage and the partners.
		edit := coord.get(base + "/edit")
		if edit.StatusCode != http.StatusOK || !strings.Contains(edit.Body, `value="Rights"`) || strings.Contains(edit.Body, `id="f-stage"`) {
			t.Fatalf("edit form: %d", edit.StatusCode)
		}
		vals := url.Values{"title_en": {"Rights now"}, "summary_en": {""}, "tags": {""}, "starts_on": {"2027-03-01"}, "ends_on": {""},
			"lead_id": {strconv.FormatInt(e.userID("coord@example.org"), 10)}}
		if res := coord.postForm(base, vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.StatusCode, res.Body)
		}
		got, _ := e.srv.Campaigns.Get(context.Background(), e.campStaff("coord@example.org"), camp.ID)
		if got.TextIn("en", "en").Title != "Rights now" || got.Stage != "planning" || len(got.Partners) != 1 {
			t.Fatalf("saved: %+v", got)
		}
		// A campaign without an English title says so on an English page.
		if _, err := e.srv.Campaigns.Update(context.Background(), e.campStaff("coord@example.org"), camp.ID,
			campaigns.Input{Title: map[string]string{"en": "", "fr": "Des droits"}}); err != nil {
			t.Fatal(err)
		}
		if page := coord.get(base); !strings.Contains(page.Body, `<h1><span lang="fr">Des droits</span>`) || !strings.Contains(page.Body, "This text is not yet available in your language.") {
			t.Error("the fallback is not said")
		}
	})
}
