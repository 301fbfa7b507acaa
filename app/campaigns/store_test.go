package campaigns_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

var ctx = context.Background()

// world is a database with staff, two partner organisations and a member
// of each.
type world struct {
	t      *testing.T
	db     *gorm.DB
	store  *campaigns.Store
	staff  access.Viewer
	a, b   access.Viewer // members of partners A and B
	pa, pb int64
}

func newWorld(t *testing.T, db *gorm.DB) *world {
	t.Helper()
	users := auth.NewStoreWithParams(db, clock.System, auth.TestParams())
	w := &world{t: t, db: db, store: campaigns.NewStore(db, users, clock.System)}
	w.pa, w.pb = w.partner("Youth council"), w.partner("Student union")
	w.staff = access.Viewer{UserID: w.user("coord@example.org", access.Coordinator, 0), Staff: true}
	w.a = access.Viewer{UserID: w.user("a@example.org", access.Partner, w.pa), PartnerID: w.pa}
	w.b = access.Viewer{UserID: w.user("b@example.org", access.Partner, w.pb), PartnerID: w.pb}
	return w
}

func (w *world) partner(name string) int64 {
	w.t.Helper()
	now := time.Now().UTC()
	if err := w.db.Exec("INSERT INTO partners (name, kind, created_at, updated_at) VALUES (?, 'other', ?, ?)", name, now, now).Error; err != nil {
		w.t.Fatal(err)
	}
	var id int64
	if err := w.db.Raw("SELECT id FROM partners WHERE name = ?", name).Scan(&id).Error; err != nil {
		w.t.Fatal(err)
	}
	return id
}

func (w *world) user(email, role string, partnerID int64) int64 {
	w.t.Helper()
	u, err := auth.NewStoreWithParams(w.db, clock.System, auth.TestParams()).CreateUser(ctx, 0, auth.NewUser{Email: email, DisplayName: strings.Split(email, "@")[0],
		Password: "correct-horse-battery", Role: role, PartnerID: partnerID})
	if err != nil {
		w.t.Fatal(err)
	}
	return u.ID
}

// campaign creates a campaign titled title with partners at stages.
func (w *world) campaign(title string, partners ...campaigns.Involvement) *campaigns.Campaign {
	w.t.Helper()
	c, err := w.store.Create(ctx, w.staff, campaigns.Input{Title: map[string]string{"en": title}, Partners: &partners})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) count(table string) int64 {
	w.t.Helper()
	var n int64
	if err := w.db.Table(table).Count(&n).Error; err != nil {
		w.t.Fatal(err)
	}
	return n
}

// wantKind fails unless err is a domain error of kind (and, for Invalid,
// names field).
func wantKind(t *testing.T, what string, err error, kind apperr.Kind, field string) {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != kind {
		t.Fatalf("%s: %v, want kind %d", what, err, kind)
	}
	if field != "" {
		if _, ok := ae.Fields[field]; !ok {
			t.Fatalf("%s: %v names no field %s", what, err, field)
		}
	}
}

func involve(id int64, stages ...string) campaigns.Involvement {
	return campaigns.Involvement{PartnerID: id, Stages: stages}
}

func TestCreateAndGet(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		starts, ends := civil.Date{Year: 2027, Month: 3, Day: 1}, civil.Date{Year: 2027, Month: 3, Day: 1}
		tags := []string{" Privacy ", "lgbti-rights", "privacy"}
		parts := []campaigns.Involvement{involve(w.pb, "monitoring", "planning"), involve(w.pa, "implementation"), involve(w.pb, "planning")}
		c, err := w.store.Create(ctx, w.staff, campaigns.Input{
			Title: map[string]string{"en": " Free to speak ", "mn": "Үг хэлэх эрх"}, Summary: map[string]string{"en": "Letters"},
			Tags: &tags, StartsOn: &starts, EndsOn: &ends, Partners: &parts})
		if err != nil {
			t.Fatal(err)
		}
		if c.Stage != campaigns.StagePlanning || c.LeadID == nil || *c.LeadID != w.staff.UserID {
			t.Fatalf("defaults: stage %q lead %v", c.Stage, c.LeadID)
		}
		if c.StartsOn != starts || c.EndsOn != ends || !reflect.DeepEqual(c.Tags, []string{"lgbti-rights", "privacy"}) {
			t.Fatalf("stored: %+v", c)
		}
		if got := c.TextIn("en", "en"); got.Title != "Free to speak" || got.Summary != "Letters" {
			t.Fatalf("text: %+v", got)
		}
		want := []campaigns.Involvement{
			{PartnerID: w.pa, Name: "Youth council", Stages: []string{"implementation"}},
			{PartnerID: w.pb, Name: "Student union", Stages: []string{"planning", "monitoring"}},
		}
		if !reflect.DeepEqual(c.Partners, want) {
			t.Fatalf("partners %+v, want %+v", c.Partners, want)
		}
		// Another coordinator may lead; a lead given is kept.
		other := w.user("admin@example.org", access.Admin, 0)
		c2, err := w.store.Create(ctx, w.staff, campaigns.Input{Title: map[string]string{"fr": "Lettres"}, LeadID: &other,
			Stage: ptr(campaigns.StageMonitoring)})
		if err != nil || *c2.LeadID != other || c2.Stage != campaigns.StageMonitoring || len(c2.Partners) != 0 || len(c2.Tags) != 0 {
			t.Fatalf("second: %+v %v", c2, err)
		}
		list, err := w.store.List(ctx, w.staff)
		if err != nil || len(list) != 2 || list[0].ID != c.ID {
			t.Fatalf("list: %v %v", list, err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestCreateRefusals(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		participant := w.user("p@example.org", access.Participant, 0)
		early, late := civil.Date{Year: 2027, Month: 3, Day: 1}, civil.Date{Year: 2027, Month: 3, Day: 2}
		title := map[string]string{"en": "Rights"}
		cases := []struct {
			name, field string
			in          campaigns.Input
		}{
			{"no title", "title", campaigns.Input{}},
			{"blank titles", "title", campaigns.Input{Title: map[string]string{"en": " ", "fr": ""}}},
			{"unknown language", "title", campaigns.Input{Title: map[string]string{"de": "Rechte"}}},
			{"title too long", "title", campaigns.Input{Title: map[string]string{"en": strings.Repeat("x", campaigns.MaxTitle+1)}}},
			{"ends before starts", "ends_on", campaigns.Input{Title: title, StartsOn: &late, EndsOn: &early}},
			{"participant leads", "lead_id", campaigns.Input{Title: title, LeadID: &participant}},
			{"nobody leads", "lead_id", campaigns.Input{Title: title, LeadID: ptr(int64(99999))}},
			{"unknown stage", "stage", campaigns.Input{Title: title, Stage: ptr("party")}},
			{"bad tag", "tags", campaigns.Input{Title: title, Tags: &[]string{"a,b"}}},
			{"unknown partner", "partners", campaigns.Input{Title: title, Partners: &[]campaigns.Involvement{involve(99999, "planning")}}},
			{"partner at unknown stage", "partners", campaigns.Input{Title: title, Partners: &[]campaigns.Involvement{involve(w.pa, "party")}}},
		}
		for _, tc := range cases {
			_, err := w.store.Create(ctx, w.staff, tc.in)
			wantKind(t, tc.name, err, apperr.Invalid, tc.field)
		}
		_, err := w.store.Create(ctx, w.a, campaigns.Input{Title: title})
		wantKind(t, "partner creates", err, apperr.Forbidden, "")
		for _, table := range []string{"campaigns", "campaign_translations", "campaign_partners", "tags"} {
			if n := w.count(table); n != 0 {
				t.Errorf("%d rows written to %s", n, table)
			}
		}
	})
}

func TestScoping(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		onlyB := w.campaign("B's", involve(w.pb, "planning", "evaluation"))
		both := w.campaign("Both", involve(w.pa, "planning"), involve(w.pb, "implementation"))
		none := w.campaign("Nobody's")
		item, err := w.store.AddItem(ctx, w.staff, onlyB.ID, "planning", "Book a room")
		if err != nil {
			t.Fatal(err)
		}
		before := map[string]int64{}
		for _, table := range []string{"campaign_notes", "campaign_checklist", "letters", "campaign_partners", "audit_log"} {
			before[table] = w.count(table)
		}
		for _, id := range []int64{onlyB.ID, none.ID} {
			_, err := w.store.Get(ctx, w.a, id)
			wantKind(t, "get", err, apperr.NotFound, "")
			_, err = w.store.Notes(ctx, w.a, id)
			wantKind(t, "notes", err, apperr.NotFound, "")
			_, err = w.store.AddNote(ctx, w.a, id, "planning", "Hello")
			wantKind(t, "add note", err, apperr.NotFound, "")
			_, err = w.store.Checklist(ctx, w.a, id)
			wantKind(t, "checklist", err, apperr.NotFound, "")
			_, err = w.store.Letters(ctx, w.a, id)
			wantKind(t, "letters", err, apperr.NotFound, "")
			_, err = w.store.Update(ctx, w.a, id, campaigns.Input{Title: map[string]string{"en": "Mine"}})
			wantKind(t, "update", err, apperr.NotFound, "")
			_, err = w.store.Advance(ctx, w.a, id)
			wantKind(t, "advance", err, apperr.NotFound, "")
			_, err = w.store.SetInvolvement(ctx, w.a, id, w.pa, []string{"planning"})
			wantKind(t, "involve", err, apperr.NotFound, "")
			_, err = w.store.AddLetter(ctx, w.a, id, campaigns.LetterInput{Count: 1})
			wantKind(t, "add letters", err, apperr.NotFound, "")
		}
		_, err = w.store.Tick(ctx, w.a, onlyB.ID, item.ID, true)
		wantKind(t, "tick", err, apperr.NotFound, "")
		// An item of another campaign is not found through this one.
		_, err = w.store.Tick(ctx, w.staff, both.ID, item.ID, true)
		wantKind(t, "tick through another campaign", err, apperr.NotFound, "")
		for table, n := range before {
			if got := w.count(table); got != n {
				t.Errorf("%s: %d rows, want %d", table, got, n)
			}
		}
		// A reads the campaign it takes part in, with every partner.
		got, err := w.store.Get(ctx, w.a, both.ID)
		if err != nil || len(got.Partners) != 2 {
			t.Fatalf("A's campaign: %+v %v", got, err)
		}
		list, err := w.store.List(ctx, w.a)
		if err != nil || len(list) != 1 || list[0].ID != both.ID {
			t.Fatalf("A's list: %+v %v", list, err)
		}
		list, err = w.store.List(ctx, w.b)
		if err != nil || len(list) != 2 {
			t.Fatalf("B's list: %d %v", len(list), err)
		}
		// Someone who is neither staff nor a partner member reaches nothing.
		nobody := access.Viewer{UserID: w.staff.UserID}
		if list, err := w.store.List(ctx, nobody); err != nil || len(list) != 0 {
			t.Fatalf("nobody's list: %d %v", len(list), err)
		}
		_, err = w.store.Get(ctx, nobody, both.ID)
		wantKind(t, "nobody gets", err, apperr.NotFound, "")

		// The campaigns of a partner, with its stages: its own, or any for staff.
		mine, err := w.store.ForPartner(ctx, w.b, w.pb)
		if err != nil || len(mine) != 2 || mine[0].Campaign.ID != onlyB.ID ||
			!reflect.DeepEqual(mine[0].Stages, []string{"planning", "evaluation"}) || !reflect.DeepEqual(mine[1].Stages, []string{"implementation"}) {
			t.Fatalf("B's campaigns: %+v %v", mine, err)
		}
		_, err = w.store.ForPartner(ctx, w.a, w.pb)
		wantKind(t, "A asks about B", err, apperr.NotFound, "")
		if theirs, err := w.store.ForPartner(ctx, w.staff, w.pa); err != nil || len(theirs) != 1 || theirs[0].Campaign.ID != both.ID {
			t.Fatalf("staff asks about A: %+v %v", theirs, err)
		}
	})
}

func TestPartnerWritesAtItsStagesOnly(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		c := w.campaign("Both", involve(w.pa, "planning"), involve(w.pb, "monitoring"))
		n, err := w.store.AddNote(ctx, w.a, c.ID, "planning", "  We can host the first meeting.  ")
		if err != nil {
			t.Fatal(err)
		}
		if n.Text != "We can host the first meeting." || n.AuthorName != "a" || n.PartnerName != "Youth council" ||
			n.PartnerID == nil || *n.PartnerID != w.pa || n.AuthorID == nil || *n.AuthorID != w.a.UserID {
			t.Fatalf("note: %+v", n)
		}
		_, err = w.store.AddNote(ctx, w.a, c.ID, "monitoring", "Not my stage")
		wantKind(t, "note at another's stage", err, apperr.Forbidden, "")
		if got := w.count("campaign_notes"); got != 1 {
			t.Fatalf("%d notes, want 1", got)
		}
		// Staff write at every stage; their notes carry no organisation.
		staffNote, err := w.store.AddNote(ctx, w.staff, c.ID, "evaluation", "Plan the review")
		if err != nil || staffNote.PartnerID != nil || staffNote.PartnerName != "" || staffNote.AuthorName != "coord" {
			t.Fatalf("staff note: %+v %v", staffNote, err)
		}
		// A reads every stage's notes, oldest first.
		list, err := w.store.Notes(ctx, w.a, c.ID)
		if err != nil || len(list) != 2 || list[0].ID != n.ID || list[1].ID != staffNote.ID {
			t.Fatalf("notes: %+v %v", list, err)
		}

		plan, err := w.store.AddItem(ctx, w.staff, c.ID, "planning", "Book a room")
		if err != nil {
			t.Fatal(err)
		}
		mon, err := w.store.AddItem(ctx, w.staff, c.ID, "monitoring", "Count the letters")
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.store.AddItem(ctx, w.a, c.ID, "planning", "Mine")
		wantKind(t, "partner adds an item", err, apperr.Forbidden, "")
		_, err = w.store.Tick(ctx, w.a, c.ID, mon.ID, true)
		wantKind(t, "tick at another's stage", err, apperr.Forbidden, "")
		ticked, err := w.store.Tick(ctx, w.a, c.ID, plan.ID, true)
		if err != nil || ticked.DoneAt == nil || ticked.DoneBy == nil || *ticked.DoneBy != w.a.UserID ||
			ticked.DoneByName != "a" || ticked.DoneByPartner != "Youth council" {
			t.Fatalf("tick: %+v %v", ticked, err)
		}
		// Ticking again keeps the first tick; unticking clears it.
		again, err := w.store.Tick(ctx, w.staff, c.ID, plan.ID, true)
		if err != nil || *again.DoneBy != w.a.UserID || !again.DoneAt.Equal(*ticked.DoneAt) {
			t.Fatalf("tick again: %+v %v", again, err)
		}
		unticked, err := w.store.Tick(ctx, w.a, c.ID, plan.ID, false)
		if err != nil || unticked.DoneAt != nil || unticked.DoneBy != nil || unticked.DoneByName != "" {
			t.Fatalf("untick: %+v %v", unticked, err)
		}
		items, err := w.store.Checklist(ctx, w.a, c.ID)
		if err != nil || len(items) != 2 || items[0].ID != plan.ID || items[1].DoneAt != nil {
			t.Fatalf("checklist: %+v %v", items, err)
		}
		for what, err := range map[string]error{
			"update":  errOf(w.store.Update(ctx, w.a, c.ID, campaigns.Input{Title: map[string]string{"en": "Ours"}})),
			"advance": errOf(w.store.Advance(ctx, w.a, c.ID)),
			"involve": errOf(w.store.SetInvolvement(ctx, w.a, c.ID, w.pa, campaigns.Stages)),
			"letters": errOf(w.store.AddLetter(ctx, w.a, c.ID, campaigns.LetterInput{Count: 3})),
		} {
			wantKind(t, "partner "+what, err, apperr.Forbidden, "")
		}
		got, _ := w.store.Get(ctx, w.staff, c.ID)
		if got.Stage != "planning" || got.TextIn("en", "en").Title != "Both" || !reflect.DeepEqual(got.StagesOf(w.pa), []string{"planning"}) ||
			got.Letters.Written != 0 {
			t.Fatalf("a partner changed the campaign: %+v", got)
		}
	})
}

func errOf[T any](_ T, err error) error { return err }

func TestNoteAndItemRefusals(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		c := w.campaign("Rights", involve(w.pa, "planning"))
		for _, tc := range []struct{ name, stage, text, field string }{
			{"unknown stage", "party", "Hello", "stage"},
			{"empty", "planning", "   ", "text"},
			{"too long", "planning", strings.Repeat("é", campaigns.MaxNote+1), "text"},
		} {
			_, err := w.store.AddNote(ctx, w.a, c.ID, tc.stage, tc.text)
			wantKind(t, "note "+tc.name, err, apperr.Invalid, tc.field)
		}
		if _, err := w.store.AddNote(ctx, w.a, c.ID, "planning", strings.Repeat("é", campaigns.MaxNote)); err != nil {
			t.Fatalf("a note of the longest length: %v", err)
		}
		for _, tc := range []struct{ name, stage, text, field string }{
			{"unknown stage", "party", "Hello", "stage"},
			{"empty", "planning", "", "text"},
			{"too long", "planning", strings.Repeat("x", campaigns.MaxItem+1), "text"},
		} {
			_, err := w.store.AddItem(ctx, w.staff, c.ID, tc.stage, tc.text)
			wantKind(t, "item "+tc.name, err, apperr.Invalid, tc.field)
		}
		if n := w.count("campaign_notes"); n != 1 {
			t.Errorf("%d notes, want 1", n)
		}
		if n := w.count("campaign_checklist"); n != 0 {
			t.Errorf("%d checklist items written", n)
		}
		// Items line up in the order they were added, per stage.
		for i, text := range []string{"First", "Second"} {
			it, err := w.store.AddItem(ctx, w.staff, c.ID, "planning", text)
			if err != nil || it.Position != i {
				t.Fatalf("item %s: %+v %v", text, it, err)
			}
		}
		if it, err := w.store.AddItem(ctx, w.staff, c.ID, "evaluation", "Other stage"); err != nil || it.Position != 0 {
			t.Fatalf("item of another stage: %+v %v", it, err)
		}
	})
}

func TestAdvance(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		c := w.campaign("Rights")
		// PATCH-like updates: the current stage changes nothing; skipping,
		// going back or an unknown stage are refused and change nothing.
		if _, err := w.store.Update(ctx, w.staff, c.ID, campaigns.Input{Stage: ptr("planning")}); err != nil {
			t.Fatalf("same stage: %v", err)
		}
		_, err := w.store.Update(ctx, w.staff, c.ID, campaigns.Input{Stage: ptr("monitoring"), Title: map[string]string{"en": "Changed"}})
		wantKind(t, "skip a stage", err, apperr.Conflict, "")
		_, err = w.store.Update(ctx, w.staff, c.ID, campaigns.Input{Stage: ptr("party")})
		wantKind(t, "unknown stage", err, apperr.Invalid, "stage")
		got, _ := w.store.Get(ctx, w.staff, c.ID)
		if got.Stage != "planning" || got.TextIn("en", "en").Title != "Rights" {
			t.Fatalf("a refused update changed %+v", got)
		}
		got, err = w.store.Update(ctx, w.staff, c.ID, campaigns.Input{Stage: ptr("implementation")})
		if err != nil || got.Stage != "implementation" {
			t.Fatalf("next stage by update: %+v %v", got, err)
		}
		_, err = w.store.Update(ctx, w.staff, c.ID, campaigns.Input{Stage: ptr("planning")})
		wantKind(t, "back a stage", err, apperr.Conflict, "")
		for _, want := range []string{"monitoring", "evaluation"} {
			got, err = w.store.Advance(ctx, w.staff, c.ID)
			if err != nil || got.Stage != want {
				t.Fatalf("advance to %s: %+v %v", want, got, err)
			}
		}
		_, err = w.store.Advance(ctx, w.staff, c.ID)
		wantKind(t, "advance past evaluation", err, apperr.Conflict, "")
		var n int64
		db.Table("audit_log").Where("action = 'campaign.advance'").Count(&n)
		if n != 3 {
			t.Fatalf("%d advances audited, want 3", n)
		}
	})
}

func TestInvolvement(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		c := w.campaign("Rights", involve(w.pb, "planning"))
		got, err := w.store.SetInvolvement(ctx, w.staff, c.ID, w.pa, []string{"monitoring", "planning", "planning"})
		if err != nil || !reflect.DeepEqual(got.StagesOf(w.pa), []string{"planning", "monitoring"}) {
			t.Fatalf("involve: %+v %v", got, err)
		}
		got, err = w.store.SetInvolvement(ctx, w.staff, c.ID, w.pa, []string{"implementation"})
		if err != nil || !reflect.DeepEqual(got.StagesOf(w.pa), []string{"implementation"}) {
			t.Fatalf("replace: %+v %v", got, err)
		}
		_, err = w.store.SetInvolvement(ctx, w.staff, c.ID, w.pa, []string{"implementation", "party"})
		wantKind(t, "unknown stage", err, apperr.Invalid, "stages")
		_, err = w.store.SetInvolvement(ctx, w.staff, c.ID, 99999, []string{"planning"})
		wantKind(t, "unknown partner", err, apperr.NotFound, "")
		_, err = w.store.SetInvolvement(ctx, w.staff, 99999, w.pa, []string{"planning"})
		wantKind(t, "unknown campaign", err, apperr.NotFound, "")
		got, _ = w.store.Get(ctx, w.staff, c.ID)
		if !reflect.DeepEqual(got.StagesOf(w.pa), []string{"implementation"}) || len(got.Partners) != 2 {
			t.Fatalf("a refusal changed the involvement: %+v", got.Partners)
		}
		// The report sees implementation-only partners until B plans too.
		rows, err := w.store.InvolvementReport(ctx, w.staff)
		if err != nil || len(rows) != 1 || rows[0].ImplementationOnly {
			t.Fatalf("report: %+v %v", rows, err)
		}
		got, err = w.store.SetInvolvement(ctx, w.staff, c.ID, w.pb, nil)
		if err != nil || len(got.Partners) != 1 || got.Involved(w.pb, "") {
			t.Fatalf("remove: %+v %v", got.Partners, err)
		}
		rows, _ = w.store.InvolvementReport(ctx, w.staff)
		if !rows[0].ImplementationOnly || rows[0].Partners[0].Name != "Youth council" {
			t.Fatalf("report after removal: %+v", rows)
		}
		// B no longer reaches the campaign.
		_, err = w.store.Get(ctx, w.b, c.ID)
		wantKind(t, "removed partner gets", err, apperr.NotFound, "")
		// Update replaces every partner at once.
		got, err = w.store.Update(ctx, w.staff, c.ID, campaigns.Input{Partners: &[]campaigns.Involvement{involve(w.pb, "evaluation")}})
		if err != nil || len(got.Partners) != 1 || !got.Involved(w.pb, "evaluation") {
			t.Fatalf("update partners: %+v %v", got.Partners, err)
		}
	})
}

func TestLetters(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		c := w.campaign("Rights")
		tomorrowEverywhere := civil.Of(time.Now().UTC().Add(38 * time.Hour))
		for _, tc := range []struct {
			name, field string
			in          campaigns.LetterInput
		}{
			{"no letters", "count", campaigns.LetterInput{Count: 0}},
			{"negative", "count", campaigns.LetterInput{Count: -4}},
			{"too many", "count", campaigns.LetterInput{Count: campaigns.MaxLetters + 1}},
			{"delivered in the future", "delivered_on", campaigns.LetterInput{Count: 2, DeliveredOn: tomorrowEverywhere}},
			{"note too long", "note", campaigns.LetterInput{Count: 2, Note: strings.Repeat("x", campaigns.MaxLetterNote+1)}},
		} {
			_, err := w.store.AddLetter(ctx, w.staff, c.ID, tc.in)
			wantKind(t, tc.name, err, apperr.Invalid, tc.field)
		}
		if n := w.count("letters"); n != 0 {
			t.Fatalf("%d letters written", n)
		}
		today := civil.Of(time.Now().UTC())
		if _, err := w.store.AddLetter(ctx, w.staff, c.ID, campaigns.LetterInput{Count: 40, DeliveredOn: today, Note: " To the ministry "}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.store.AddLetter(ctx, w.staff, c.ID, campaigns.LetterInput{Count: 12}); err != nil {
			t.Fatal(err)
		}
		list, err := w.store.Letters(ctx, w.staff, c.ID)
		if err != nil || len(list) != 2 || list[0].Count != 40 || list[0].DeliveredOn != today || list[0].Note != "To the ministry" ||
			!list[1].DeliveredOn.IsZero() {
			t.Fatalf("letters: %+v %v", list, err)
		}
		got, _ := w.store.Get(ctx, w.staff, c.ID)
		if got.Letters != (campaigns.LetterTotals{Written: 52, Delivered: 40}) {
			t.Fatalf("totals: %+v", got.Letters)
		}
	})
}
