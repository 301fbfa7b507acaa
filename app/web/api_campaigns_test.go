package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/web/api"
)

// campPartner enters a partner organisation as the partners directory
// would, and returns its id.
func (e *env) campPartner(name string) int64 {
	e.t.Helper()
	now := time.Now().UTC()
	if err := e.db.Exec("INSERT INTO partners (name, kind, created_at, updated_at) VALUES (?, 'other', ?, ?)", name, now, now).Error; err != nil {
		e.t.Fatal(err)
	}
	var id int64
	if err := e.db.Raw("SELECT id FROM partners WHERE name = ?", name).Scan(&id).Error; err != nil {
		e.t.Fatal(err)
	}
	return id
}

// campMember creates a member of partner organisation partnerID.
func (e *env) campMember(email string, partnerID int64) *auth.User {
	e.t.Helper()
	u, err := auth.NewStore(e.db, clock.System).CreateUser(context.Background(), 0, auth.NewUser{Email: email,
		DisplayName: strings.Split(email, "@")[0], Password: testPassword, Role: access.Partner, PartnerID: partnerID})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// campTables are the tables a campaign write may touch.
var campTables = []string{"campaigns", "campaign_translations", "campaign_tags", "campaign_partners", "campaign_notes",
	"campaign_checklist", "letters", "tags", "audit_log"}

// campCounts counts the rows of every campaign table.
func (e *env) campCounts() map[string]int64 {
	e.t.Helper()
	out := map[string]int64{}
	for _, table := range campTables {
		var n int64
		if err := e.db.Table(table).Count(&n).Error; err != nil {
			e.t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

var campaignFields = []string{"id", "title", "summary", "tags", "stage", "starts_on", "ends_on", "lead_id", "partners", "letters", "petitions", "signatures"}

// campCreate creates a campaign through the API and returns it.
func campCreate(t *testing.T, c *client, tok, body string) api.Campaign {
	t.Helper()
	var out api.Campaign
	apiJSON(t, c.api("POST", "/api/v1/campaigns", tok, body), http.StatusCreated, &out)
	return out
}

func TestAPICampaignsRoundTrip(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		pa, pb := e.campPartner("Youth council"), e.campPartner("Student union")
		e.campMember("a@example.org", pa)
		atok := e.token("a@example.org")
		body := fmt.Sprintf(`{"title": {"en": "Free to speak", "mn": "Үг хэлэх эрх"}, "tags": ["Privacy"],
			"starts_on": "2027-03-01", "ends_on": "2027-06-30", "partners": [{"partner_id": %d, "stages": ["planning", "monitoring"]}]}`, pa)
		res := c.api("POST", "/api/v1/campaigns", tok, body)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		apiWantKeys(t, "Campaign", json.RawMessage(res.Body), campaignFields...)
		var raw map[string]json.RawMessage
		_ = json.Unmarshal([]byte(res.Body), &raw)
		lead := e.userID("coord@example.org")
		for field, want := range map[string]string{
			"title":     `{"en":"Free to speak","mn":"Үг хэлэх эрх"}`,
			"summary":   `{}`,
			"tags":      `["privacy"]`,
			"stage":     `"planning"`,
			"starts_on": `"2027-03-01"`,
			"ends_on":   `"2027-06-30"`,
			"lead_id":   fmt.Sprint(lead),
			"partners":  fmt.Sprintf(`[{"partner_id":%d,"stages":["planning","monitoring"]}]`, pa),
			"letters":   `{"written":0,"delivered":0}`,
		} {
			if got := string(raw[field]); got != want {
				t.Errorf("%s = %s, want %s", field, got, want)
			}
		}
		var created api.Campaign
		_ = json.Unmarshal([]byte(res.Body), &created)
		var got api.Campaign
		apiJSON(t, c.api("GET", apiPath("/api/v1/campaigns/%d", created.ID), tok, ""), http.StatusOK, &got)
		if !reflect.DeepEqual(got, created) {
			t.Fatalf("get:\n%+v\nwant\n%+v", got, created)
		}
		// A GET body sent back changes nothing; an end date may be emptied.
		getBody := c.api("GET", apiPath("/api/v1/campaigns/%d", created.ID), tok, "").Body
		apiJSON(t, c.api("PATCH", apiPath("/api/v1/campaigns/%d", created.ID), tok, getBody), http.StatusOK, &got)
		if !reflect.DeepEqual(got, created) {
			t.Fatalf("patch with the GET body:\n%+v\nwant\n%+v", got, created)
		}
		apiJSON(t, c.api("PATCH", apiPath("/api/v1/campaigns/%d", created.ID), tok, `{"ends_on": null, "summary": {"fr": "Lettres"}}`), http.StatusOK, &got)
		if !got.EndsOn.IsZero() || got.StartsOn != created.StartsOn || got.Summary["fr"] != "Lettres" || got.Title["en"] != "Free to speak" {
			t.Fatalf("patch: %+v", got)
		}
		// Another campaign, B's only.
		other := campCreate(t, c, tok, fmt.Sprintf(`{"title": {"fr": "Lettres"}, "partners": [{"partner_id": %d, "stages": ["implementation"]}]}`, pb))

		// Stages: PATCH takes the next one only; advance goes one step.
		if r := c.api("PATCH", apiPath("/api/v1/campaigns/%d", created.ID), tok, `{"stage": "monitoring"}`); r.StatusCode != http.StatusConflict || apiErr(t, r).Code != "conflict" {
			t.Fatalf("skip a stage: %d %s", r.StatusCode, r.Body)
		}
		apiJSON(t, c.api("PATCH", apiPath("/api/v1/campaigns/%d", created.ID), tok, `{"stage": "implementation"}`), http.StatusOK, &got)
		if got.Stage != "implementation" {
			t.Fatalf("patch stage: %q", got.Stage)
		}
		apiJSON(t, c.api("POST", apiPath("/api/v1/campaigns/%d/advance", created.ID), tok, ""), http.StatusOK, &got)
		if got.Stage != "monitoring" {
			t.Fatalf("advance: %q", got.Stage)
		}

		// Involvement: replace, then add B, then remove B.
		path := apiPath("/api/v1/campaigns/%d/partners/%d", created.ID, pa)
		apiJSON(t, c.api("PUT", path, tok, `{"stages": ["evaluation", "planning"]}`), http.StatusOK, &got)
		if !reflect.DeepEqual(got.Partners, []api.Involvement{{PartnerID: pa, Stages: []string{"planning", "evaluation"}}}) {
			t.Fatalf("involve: %+v", got.Partners)
		}
		apiJSON(t, c.api("PUT", apiPath("/api/v1/campaigns/%d/partners/%d", created.ID, pb), tok, `{"stages": ["implementation"]}`), http.StatusOK, &got)
		apiJSON(t, c.api("PUT", apiPath("/api/v1/campaigns/%d/partners/%d", created.ID, pb), tok, `{"stages": []}`), http.StatusOK, &got)
		if len(got.Partners) != 1 || got.Partners[0].PartnerID != pa {
			t.Fatalf("remove: %+v", got.Partners)
		}

		// Notes: staff and A (at planning); A is refused at monitoring.
		var note api.Note
		apiJSON(t, c.api("POST", apiPath("/api/v1/campaigns/%d/notes", created.ID), tok, `{"stage": "monitoring", "text": "Count the letters"}`), http.StatusCreated, &note)
		res = c.api("POST", apiPath("/api/v1/campaigns/%d/notes", created.ID), atok, `{"stage": "planning", "text": " We host the kick-off. "}`)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("partner note: %d %s", res.StatusCode, res.Body)
		}
		apiWantKeys(t, "Note", json.RawMessage(res.Body), "id", "stage", "text", "author", "created_at")
		_ = json.Unmarshal([]byte(res.Body), &raw)
		if want := fmt.Sprintf(`{"user_id":%d,"name":"a","partner_id":%d,"partner_name":"Youth council"}`, e.userID("a@example.org"), pa); string(raw["author"]) != want {
			t.Errorf("author %s, want %s", raw["author"], want)
		}
		r := c.api("POST", apiPath("/api/v1/campaigns/%d/notes", created.ID), atok, `{"stage": "monitoring", "text": "Not mine"}`)
		if r.StatusCode != http.StatusForbidden || apiErr(t, r).Message != "Your organisation does not take part in this stage of the campaign." {
			t.Fatalf("partner note at another stage: %d %s", r.StatusCode, r.Body)
		}
		var notes struct{ Items []api.Note }
		apiJSON(t, c.api("GET", apiPath("/api/v1/campaigns/%d/notes", created.ID), atok, ""), http.StatusOK, &notes)
		if len(notes.Items) != 2 || notes.Items[0].ID != note.ID || notes.Items[1].Text != "We host the kick-off." ||
			notes.Items[0].Author.PartnerName != nil {
			t.Fatalf("notes: %+v", notes.Items)
		}

		// Checklist: staff add; A ticks at its stage only.
		var item, other2 api.ChecklistItem
		apiJSON(t, c.api("POST", apiPath("/api/v1/campaigns/%d/checklist", created.ID), tok, `{"stage": "planning", "text": "Book a room"}`), http.StatusCreated, &item)
		apiJSON(t, c.api("POST", apiPath("/api/v1/campaigns/%d/checklist", created.ID), tok, `{"stage": "monitoring", "text": "Count"}`), http.StatusCreated, &other2)
		if item.Done || item.DoneBy != nil || item.DoneAt != nil {
			t.Fatalf("new item: %+v", item)
		}
		if r := c.api("POST", apiPath("/api/v1/campaigns/%d/checklist", created.ID), atok, `{"stage": "planning", "text": "Mine"}`); r.StatusCode != http.StatusNotFound {
			t.Fatalf("partner adds an item: %d", r.StatusCode)
		}
		apiJSON(t, c.api("POST", apiPath("/api/v1/campaigns/%d/checklist/%d", created.ID, item.ID), atok, `{"done": true}`), http.StatusOK, &item)
		if !item.Done || item.DoneBy == nil || item.DoneBy.Name != "a" || item.DoneAt == nil {
			t.Fatalf("ticked: %+v", item)
		}
		if r := c.api("POST", apiPath("/api/v1/campaigns/%d/checklist/%d", created.ID, other2.ID), atok, `{"done": true}`); r.StatusCode != http.StatusForbidden {
			t.Fatalf("partner ticks at another stage: %d", r.StatusCode)
		}
		var items struct{ Items []api.ChecklistItem }
		apiJSON(t, c.api("GET", apiPath("/api/v1/campaigns/%d/checklist", created.ID), atok, ""), http.StatusOK, &items)
		if len(items.Items) != 2 || !items.Items[0].Done || items.Items[1].Done {
			t.Fatalf("checklist: %+v", items.Items)
		}

		// Letters: logged by staff; the totals follow.
		today := civil.Of(time.Now().UTC()).String()
		var letter api.Letter
		res = c.api("POST", apiPath("/api/v1/campaigns/%d/letters", created.ID), tok, `{"count": 40, "delivered_on": "`+today+`", "note": "Ministry"}`)
		apiJSON(t, res, http.StatusCreated, &letter)
		apiWantKeys(t, "Letter", json.RawMessage(res.Body), "id", "count", "delivered_on", "note", "created_at")
		apiJSON(t, c.api("POST", apiPath("/api/v1/campaigns/%d/letters", created.ID), tok, `{"count": 12}`), http.StatusCreated, &letter)
		if !letter.DeliveredOn.IsZero() {
			t.Fatalf("undelivered letter: %+v", letter)
		}
		if r := c.api("POST", apiPath("/api/v1/campaigns/%d/letters", created.ID), atok, `{"count": 1}`); r.StatusCode != http.StatusNotFound {
			t.Fatalf("partner logs letters: %d", r.StatusCode)
		}
		var letters struct{ Items []api.Letter }
		apiJSON(t, c.api("GET", apiPath("/api/v1/campaigns/%d/letters", created.ID), atok, ""), http.StatusOK, &letters)
		if len(letters.Items) != 2 || letters.Items[0].Count != 40 {
			t.Fatalf("letters: %+v", letters.Items)
		}
		apiJSON(t, c.api("GET", apiPath("/api/v1/campaigns/%d", created.ID), atok, ""), http.StatusOK, &got)
		if got.Letters != (api.LetterTotals{Written: 52, Delivered: 40}) {
			t.Fatalf("totals: %+v", got.Letters)
		}

		// A reaches its campaign only, and is refused staff work.
		var list struct{ Items []api.Campaign }
		apiJSON(t, c.api("GET", "/api/v1/campaigns", atok, ""), http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].ID != created.ID {
			t.Fatalf("A's list: %+v", list.Items)
		}
		for _, p := range []string{"", "/notes", "/checklist", "/letters"} {
			if r := c.api("GET", apiPath("/api/v1/campaigns/%d%s", other.ID, p), atok, ""); r.StatusCode != http.StatusNotFound || apiErr(t, r).Code != "not_found" {
				t.Errorf("A reads B's campaign%s: %d", p, r.StatusCode)
			}
		}
		if r := c.api("POST", apiPath("/api/v1/campaigns/%d/notes", other.ID), atok, `{"stage": "implementation", "text": "Hi"}`); r.StatusCode != http.StatusNotFound {
			t.Errorf("A writes on B's campaign: %d", r.StatusCode)
		}
		// Staff work is refused: routes of no object with 403, routes that
		// name an object as if it did not exist.
		for r, code := range map[*response]string{
			c.api("POST", "/api/v1/campaigns", atok, `{"title": {"en": "Ours"}}`):                                       "forbidden",
			c.api("PATCH", apiPath("/api/v1/campaigns/%d", created.ID), atok, `{"title": {"en": "Ours"}}`):              "not_found",
			c.api("POST", apiPath("/api/v1/campaigns/%d/advance", created.ID), atok, ""):                                "not_found",
			c.api("PUT", apiPath("/api/v1/campaigns/%d/partners/%d", created.ID, pa), atok, `{"stages": ["planning"]}`): "not_found",
			c.api("GET", "/api/v1/reports/involvement", atok, ""):                                                       "forbidden",
		} {
			if r.StatusCode >= 500 || r.StatusCode < 400 || apiErr(t, r).Code != code {
				t.Errorf("partner did staff work: %d %s, want %s", r.StatusCode, r.Body, code)
			}
		}

		// The report, with titles in the request's language.
		var report struct {
			Items []json.RawMessage `json:"items"`
		}
		apiJSON(t, c.api("GET", "/api/v1/reports/involvement?lang=mn", tok, ""), http.StatusOK, &report)
		if len(report.Items) != 2 {
			t.Fatalf("report: %d rows", len(report.Items))
		}
		apiWantKeys(t, "report row", report.Items[0], "campaign_id", "title", "stage", "partners", "implementation_only")
		want := []string{
			fmt.Sprintf(`{"campaign_id":%d,"title":"Үг хэлэх эрх","stage":"monitoring","partners":[{"partner_id":%d,"name":"Youth council","stages":["planning","evaluation"]}],"implementation_only":false}`, created.ID, pa),
			fmt.Sprintf(`{"campaign_id":%d,"title":"Lettres","stage":"planning","partners":[{"partner_id":%d,"name":"Student union","stages":["implementation"]}],"implementation_only":true}`, other.ID, pb),
		}
		for i, w := range want {
			if string(report.Items[i]) != w {
				t.Errorf("report row %d:\n%s\nwant\n%s", i, report.Items[i], w)
			}
		}
		// Evaluation is the last stage.
		apiJSON(t, c.api("POST", apiPath("/api/v1/campaigns/%d/advance", created.ID), tok, ""), http.StatusOK, &got)
		if r := c.api("POST", apiPath("/api/v1/campaigns/%d/advance", created.ID), tok, ""); r.StatusCode != http.StatusConflict {
			t.Fatalf("advance past evaluation: %d", r.StatusCode)
		}
	})
}

func TestAPICampaignBadInput(t *testing.T) {
	t.Parallel()
	const campaignPath, partnersPath = "/api/v1/campaigns/%[1]d", "/api/v1/campaigns/%[1]d/partners/%[2]d"
	rows := []struct {
		name, method, path, body string
		status                   int
		code, field, msg         string // msg: the id of the field's message, or of the error's when no field
		args                     []any
	}{
		{"note at an unknown stage", "POST", campaignPath + "/notes", `{"stage": "party", "text": "Hi"}`, 422, "validation_failed", "stage", "error_stage_unknown", nil},
		{"empty note", "POST", campaignPath + "/notes", `{"stage": "planning", "text": "   "}`, 422, "validation_failed", "text", "error_required", nil},
		{"note too long", "POST", campaignPath + "/notes", `{"stage": "planning", "text": "` + strings.Repeat("ü", campaigns.MaxNote+1) + `"}`, 422, "validation_failed", "text", "error_too_long", []any{"Max", campaigns.MaxNote}},
		{"note without a body", "POST", campaignPath + "/notes", ``, 400, "bad_request", "", "error_json_malformed", nil},
		{"involvement at an unknown stage", "PUT", partnersPath, `{"stages": ["planning", "party"]}`, 422, "validation_failed", "stages", "error_stage_unknown", nil},
		{"involvement without stages", "PUT", partnersPath, `{}`, 422, "validation_failed", "stages", "error_required", nil},
		{"partner that does not exist", "PUT", "/api/v1/campaigns/%[1]d/partners/99999", `{"stages": ["planning"]}`, 404, "not_found", "", "error_partner_unknown", nil},
		{"checklist at an unknown stage", "POST", campaignPath + "/checklist", `{"stage": "party", "text": "Book"}`, 422, "validation_failed", "stage", "error_stage_unknown", nil},
		{"empty checklist item", "POST", campaignPath + "/checklist", `{"stage": "planning", "text": ""}`, 422, "validation_failed", "text", "error_required", nil},
		{"checklist item too long", "POST", campaignPath + "/checklist", `{"stage": "planning", "text": "` + strings.Repeat("x", campaigns.MaxItem+1) + `"}`, 422, "validation_failed", "text", "error_too_long", []any{"Max", campaigns.MaxItem}},
		{"tick without done", "POST", campaignPath + "/checklist/%[3]d", `{}`, 422, "validation_failed", "done", "error_required", nil},
		{"empty title in every language", "POST", "/api/v1/campaigns", `{"title": {"en": " ", "fr": "", "mn": "", "id": "  "}}`, 422, "validation_failed", "title", "error_title_required", nil},
		{"no title", "POST", "/api/v1/campaigns", `{"summary": {"en": "Letters"}}`, 422, "validation_failed", "title", "error_title_required", nil},
		{"title in an unknown language", "POST", "/api/v1/campaigns", `{"title": {"de": "Briefe"}}`, 422, "validation_failed", "title", "error_locale_unknown", nil},
		{"ends before starts", "POST", "/api/v1/campaigns", `{"title": {"en": "X"}, "starts_on": "2027-03-02", "ends_on": "2027-03-01"}`, 422, "validation_failed", "ends_on", "error_campaign_ends_before_starts", nil},
		{"not a date", "POST", "/api/v1/campaigns", `{"title": {"en": "X"}, "starts_on": "2027-02-30"}`, 422, "validation_failed", "starts_on", "error_campaign_date", nil},
		{"unknown lead", "POST", "/api/v1/campaigns", `{"title": {"en": "X"}, "lead_id": %[4]d}`, 422, "validation_failed", "lead_id", "error_campaign_lead", nil},
		{"unknown stage", "POST", "/api/v1/campaigns", `{"title": {"en": "X"}, "stage": "party"}`, 422, "validation_failed", "stage", "error_stage_unknown", nil},
		{"unknown partner in the body", "POST", "/api/v1/campaigns", `{"title": {"en": "X"}, "partners": [{"partner_id": 99999, "stages": ["planning"]}]}`, 422, "validation_failed", "partners", "error_partner_unknown", nil},
		{"bad tag", "POST", "/api/v1/campaigns", `{"title": {"en": "X"}, "tags": ["a,b"]}`, 422, "validation_failed", "tags", "error_tag_invalid", nil},
		{"letters given", "POST", "/api/v1/campaigns", `{"title": {"en": "X"}, "letters": {"written": 5, "delivered": 0}}`, 422, "validation_failed", "letters", "error_read_only", nil},
		{"malformed JSON", "POST", "/api/v1/campaigns", `{"title": {"en": "X"}`, 400, "bad_request", "", "error_json_malformed", nil},
		{"unknown field", "POST", "/api/v1/campaigns", `{"title": {"en": "X"}, "colour": "red"}`, 400, "bad_request", "", "error_json_malformed", nil},
		{"patch another id", "PATCH", campaignPath, `{"id": 99999}`, 422, "validation_failed", "id", "error_read_only", nil},
		{"patch a stage too far", "PATCH", campaignPath, `{"stage": "evaluation", "title": {"en": "Changed"}}`, 409, "conflict", "", "error_stage_change", nil},
		{"patch a stage back", "PATCH", campaignPath, `{"stage": "planning"}`, 409, "conflict", "", "error_stage_change", nil},
		{"patch not a date", "PATCH", campaignPath, `{"starts_on": "soon"}`, 422, "validation_failed", "starts_on", "error_campaign_date", nil},
		{"patch ends before starts", "PATCH", campaignPath, `{"ends_on": "2027-02-01"}`, 422, "validation_failed", "ends_on", "error_campaign_ends_before_starts", nil},
		{"letters count 0", "POST", campaignPath + "/letters", `{"count": 0}`, 422, "validation_failed", "count", "error_letter_count", []any{"Max", campaigns.MaxLetters}},
		{"letters count missing", "POST", campaignPath + "/letters", `{"note": "x"}`, 422, "validation_failed", "count", "error_letter_count", []any{"Max", campaigns.MaxLetters}},
		{"letters count not whole", "POST", campaignPath + "/letters", `{"count": 1.5}`, 400, "bad_request", "", "error_json_malformed", nil},
		{"delivered in the future", "POST", campaignPath + "/letters", `{"count": 3, "delivered_on": "%[5]s"}`, 422, "validation_failed", "delivered_on", "error_delivered_future", nil},
		{"delivered on no date", "POST", campaignPath + "/letters", `{"count": 3, "delivered_on": "yesterday"}`, 422, "validation_failed", "delivered_on", "error_campaign_date", nil},
		{"campaign that does not exist", "POST", "/api/v1/campaigns/99999/notes", `{"stage": "planning", "text": "Hi"}`, 404, "not_found", "", "error_not_found", nil},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		pa := e.campPartner("Youth council")
		participant := e.user("p@example.org", access.Participant)
		camp := campCreate(t, c, tok, fmt.Sprintf(`{"title": {"en": "Rights"}, "stage": "implementation", "starts_on": "2027-03-01",
			"partners": [{"partner_id": %d, "stages": ["planning"]}]}`, pa))
		var item api.ChecklistItem
		apiJSON(t, c.api("POST", apiPath("/api/v1/campaigns/%d/checklist", camp.ID), tok, `{"stage": "planning", "text": "Book"}`), http.StatusCreated, &item)
		future := civil.Of(time.Now().UTC().Add(48 * time.Hour)).String()
		before := e.campCounts()
		for i, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				lang := []string{"fr", "mn"}[i%2]
				l := e.srv.Catalog.Localizer(lang)
				// Paths and bodies name the ids they need by position.
				fill := func(s string) string {
					if !strings.Contains(s, "%[") {
						return s
					}
					return fmt.Sprintf(s, camp.ID, pa, item.ID, participant.ID, future)
				}
				res := c.api(row.method, fill(row.path)+"?lang="+lang, tok, fill(row.body))
				if res.StatusCode != row.status {
					t.Fatalf("%d %s, want %d", res.StatusCode, res.Body, row.status)
				}
				b := apiErr(t, res)
				if b.Code != row.code {
					t.Errorf("code %q, want %q", b.Code, row.code)
				}
				if row.field == "" {
					if want := l.T(row.msg); b.Message != want {
						t.Errorf("message %q, want %q", b.Message, want)
					}
				} else {
					if want := l.T("error_validation"); b.Message != want {
						t.Errorf("message %q, want %q", b.Message, want)
					}
					if want := l.T(row.msg, row.args...); b.Fields[row.field] != want {
						t.Errorf("fields %v, want %s: %q", b.Fields, row.field, want)
					}
					if len(b.Fields) != 1 {
						t.Errorf("fields %v name more than %s", b.Fields, row.field)
					}
				}
				if after := e.campCounts(); !reflect.DeepEqual(after, before) {
					t.Errorf("written: %v, before %v", after, before)
				}
			})
		}
		var got api.Campaign
		apiJSON(t, c.api("GET", apiPath("/api/v1/campaigns/%d", camp.ID), tok, ""), http.StatusOK, &got)
		if got.Stage != "implementation" || got.Title["en"] != "Rights" || got.EndsOn != (civil.Date{}) {
			t.Fatalf("the campaign changed: %+v", got)
		}
	})
}

// namesObject matches a path with an object's id in it.
var namesObject = regexp.MustCompile(`/\d+(/|$)`)

func TestCampaignRoutesByRole(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		pa := e.campPartner("Youth council")
		clients := map[string]*client{"anonymous": e.client()}
		tokens := map[string]string{}
		for _, role := range []string{access.Participant, access.Facilitator, access.Partner, access.Coordinator, access.Admin} {
			email := role + "@example.org"
			if role == access.Partner {
				e.campMember(email, pa)
			} else {
				e.user(email, role)
			}
			clients[role] = e.client()
			clients[role].login(email)
			tokens[role] = e.token(email)
		}
		camp, err := e.srv.Campaigns.Create(context.Background(), access.Viewer{UserID: e.userID("coordinator@example.org"), Staff: true},
			campaigns.Input{Title: map[string]string{"en": "Rights"}, Partners: &[]campaigns.Involvement{{PartnerID: pa, Stages: []string{"planning"}}}})
		if err != nil {
			t.Fatal(err)
		}
		staff := []string{access.Coordinator, access.Admin}
		withPartner := []string{access.Partner, access.Coordinator, access.Admin}
		for _, r := range []struct {
			path    string
			allowed []string
		}{
			{"/manage/campaigns", staff},
			{"/manage/campaigns/new", staff},
			{apiPath("/manage/campaigns/%d", camp.ID), staff},
			{apiPath("/manage/campaigns/%d/edit", camp.ID), staff},
			{"/manage/reports/involvement", staff},
			{apiPath("/partner/campaigns/%d", camp.ID), []string{access.Partner}},
			{"/api/v1/campaigns", withPartner},
			{apiPath("/api/v1/campaigns/%d", camp.ID), withPartner},
			{apiPath("/api/v1/campaigns/%d/notes", camp.ID), withPartner},
			{apiPath("/api/v1/campaigns/%d/checklist", camp.ID), withPartner},
			{apiPath("/api/v1/campaigns/%d/letters", camp.ID), withPartner},
			{"/api/v1/reports/involvement", staff},
		} {
			for role, c := range clients {
				var res *response
				api := strings.HasPrefix(r.path, "/api/")
				if api {
					res = c.api("GET", r.path, tokens[role], "")
				} else {
					res = c.get(r.path)
				}
				want := http.StatusForbidden
				switch {
				case containsString(r.allowed, role):
					want = http.StatusOK
				case role == "anonymous" && api:
					want = http.StatusUnauthorized
				case role == "anonymous":
					want = http.StatusSeeOther
				case role == access.Partner && namesObject.MatchString(r.path):
					// A partner member is told the section's objects do not exist.
					want = http.StatusNotFound
				}
				if res.StatusCode != want {
					t.Errorf("GET %s as %s: %d, want %d", r.path, role, res.StatusCode, want)
				}
			}
		}
		// Staff see the campaigns link; the partner member does not.
		if home := clients[access.Coordinator].get("/"); !strings.Contains(home.Body, `href="/manage/campaigns"`) {
			t.Error("coordinator navigation lacks campaigns")
		}
		if home := clients[access.Partner].get("/"); strings.Contains(home.Body, `href="/manage/campaigns"`) {
			t.Error("partner navigation offers the staff campaigns")
		}
	})
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestAPICampaignPetitions: a campaign shows its petitions and their
// signatures together, and a GET body with them can be sent back.
func TestAPICampaignPetitions(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		camp := campCreate(t, c, tok, `{"title": {"en": "Free to speak"}, "tags": ["privacy"]}`)
		for _, slug := range []string{"speak-one", "speak-two"} {
			body := fmt.Sprintf(`{"campaign_id": %d, "slug": %q, "title": {"en": "Sign"}, "text": {"en": "Please"}, "goal": 10}`, camp.ID, slug)
			if res := c.api("POST", "/api/v1/petitions", tok, body); res.StatusCode != http.StatusCreated {
				t.Fatalf("petition: %d %s", res.StatusCode, res.Body)
			}
		}
		for i, slug := range []string{"speak-one", "speak-one", "speak-two"} {
			body := fmt.Sprintf(`{"given_name": "Saraa", "email": "s%d@example.org", "consent": true}`, i)
			if res := c.api("POST", "/api/v1/petitions/"+slug+"/signatures", tok, body); res.StatusCode != http.StatusCreated {
				t.Fatalf("signature: %d %s", res.StatusCode, res.Body)
			}
		}
		res := c.api("GET", "/api/v1/campaigns/"+itoa(camp.ID), tok, "")
		var got api.Campaign
		apiJSON(t, res, http.StatusOK, &got)
		if got.Signatures != 3 || len(got.Petitions) != 2 || got.Petitions[0].Slug != "speak-two" || got.Petitions[0].Signatures != 1 {
			t.Fatalf("campaign shows %d signatures and petitions %+v", got.Signatures, got.Petitions)
		}
		if back := c.api("PATCH", "/api/v1/campaigns/"+itoa(camp.ID), tok, res.Body); back.StatusCode != http.StatusOK {
			t.Fatalf("a GET body sent back: %d %s", back.StatusCode, back.Body)
		}
		c.login("coord@example.org")
		page := c.get("/manage/campaigns/" + itoa(camp.ID))
		if !strings.Contains(page.Body, `href="/p/speak-one"`) || !strings.Contains(page.Body, `id="campaign-signatures"`) {
			t.Fatal("the campaign page does not list its petitions")
		}
	})
}
