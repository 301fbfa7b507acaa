package registration_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// The emergency contact and medical needs the safety tests give.
const (
	secretContact = "Bat-Erdene 99112233-5e0f"
	secretMedical = "epipen-peanuts-91ab"
)

// Who reads which answer, and when: one rule over role × date. The camp is
// in Ulaanbaatar (UTC+8) from 1 to 5 July 2027, its facilitators reading
// the pack's answers from 7 days before: the window opens at midnight on
// 24 June and closes at midnight after 6 July, Ulaanbaatar time, which
// UTC dates alone would get wrong by eight hours.
func TestMaySeeSealed(t *testing.T) {
	t.Parallel()
	ub := time.FixedZone("UB", 8*3600)
	a := &activities.Activity{ID: 7, Timezone: "Asia/Ulaanbaatar", SafetyPack: true, SafetyDaysBefore: 7,
		StartsAt:     time.Date(2027, 7, 1, 9, 0, 0, 0, ub),
		EndsAt:       time.Date(2027, 7, 5, 17, 0, 0, 0, ub),
		Facilitators: []activities.Facilitator{{ActivityID: 7, UserID: 41}}}
	safety := &activities.Question{Key: activities.SafetyMedical, Sealed: true}
	ownSealed := &activities.Question{Key: "passport", Sealed: true}
	ordinary := &activities.Question{Key: "tshirt"}
	var (
		coordinator = access.Viewer{UserID: 1, Staff: true}
		facilitator = access.Viewer{UserID: 41}
		other       = access.Viewer{UserID: 42} // leads other activities
		partner     = access.Viewer{UserID: 43, PartnerID: 3}
		partnerFac  = access.Viewer{UserID: 41, PartnerID: 3} // the facilitator's id, speaking for a partner
		anonymous   = access.Viewer{}
	)
	dates := []struct {
		name   string
		at     time.Time
		inside bool
	}{
		{"a month before", time.Date(2027, 6, 1, 12, 0, 0, 0, ub), false},
		{"the evening before the window", time.Date(2027, 6, 23, 23, 59, 59, 0, ub), false},
		{"the first day, at midnight", time.Date(2027, 6, 24, 0, 0, 0, 0, ub), true},
		{"during the camp", time.Date(2027, 7, 3, 12, 0, 0, 0, ub), true},
		{"the last day, the day after the end", time.Date(2027, 7, 6, 23, 59, 59, 0, ub), true},
		{"after, though still 6 July in UTC", time.Date(2027, 7, 7, 0, 0, 0, 0, ub), false},
		{"a week after, before the purge", time.Date(2027, 7, 12, 12, 0, 0, 0, ub), false},
	}
	for _, d := range dates {
		for _, c := range []struct {
			who  string
			v    access.Viewer
			q    *activities.Question
			pack bool
			want bool
		}{
			{"coordinator, safety", coordinator, safety, true, true},
			{"coordinator, own sealed", coordinator, ownSealed, true, true},
			{"facilitator, safety", facilitator, safety, true, d.inside},
			{"facilitator, own sealed", facilitator, ownSealed, true, false},
			{"facilitator, ordinary", facilitator, ordinary, true, true},
			{"facilitator, medical without the pack", facilitator, safety, false, false},
			{"other facilitator, safety", other, safety, true, false},
			{"other facilitator, ordinary", other, ordinary, true, false},
			{"partner, safety", partner, safety, true, false},
			{"partner, ordinary", partner, ordinary, true, false},
			{"partner with the facilitator's id", partnerFac, safety, true, false},
			{"anonymous", anonymous, safety, true, false},
		} {
			act := *a
			act.SafetyPack = c.pack
			if got := registration.MaySeeSealed(c.v, &act, c.q, d.at.UTC()); got != c.want {
				t.Errorf("%s, %s: %v, want %v", d.name, c.who, got, c.want)
			}
		}
	}
}

// safetyCamp is a camp in Ulaanbaatar with the safety pack and an ordinary
// question, led by the users facilitators (made here).
func (f *fixture) safetyCamp(facilitators ...int64) *activities.Activity {
	f.t.Helper()
	now := time.Now().UTC()
	for _, id := range facilitators {
		testdb.Exec(f.t, f.db, "INSERT INTO users (id, email, display_name, password_hash, created_at, updated_at) VALUES (?, ?, 'F', 'x', ?, ?)",
			id, "f"+strconv.FormatInt(id, 10)+"@example.org", now, now)
	}
	a := f.campIn(30*24*time.Hour, 10)
	qs := []activities.QuestionInput{{Key: "tshirt", Kind: activities.QuestionText, Label: activities.Labels{"en": "T-shirt size"}}}
	a, err := f.act.Update(context.Background(), 0, a.ID, activities.Input{SafetyPack: ptr(true), Questions: &qs,
		Timezone: ptr("Asia/Ulaanbaatar"), Facilitators: &facilitators})
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// The window through Registrations.Answers, on the service's clock: the
// activity's facilitators read the pack's answers only inside it (days in
// the activity's zone), coordinators until the purge, nobody else ever;
// each reading that opened any is audited with its count alone, and the
// answers are in clear in no table, email, audit entry nor database file.
func TestSafetyWindow(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.safetyCamp(101)
		testdb.Exec(t, db, "INSERT INTO users (id, email, display_name, password_hash, created_at, updated_at) VALUES (102, 'o@example.org', 'O', 'x', ?, ?)",
			time.Now(), time.Now())

		r, err := f.svc.Register(ctx, a, answering("s@example.org", activities.Given{
			"tshirt": {"M"}, "emergency_contact": {secretContact}, "medical": {secretMedical}, "diet": {"halal"}}))
		if err != nil {
			t.Fatal(err)
		}
		// The window's days, counted here from the local dates.
		loc, _ := activities.LoadZone("Asia/Ulaanbaatar")
		s, e := a.StartsAt.In(loc), a.EndsAt.In(loc)
		first := time.Date(s.Year(), s.Month(), s.Day()-7, 0, 0, 0, 0, loc)
		after := time.Date(e.Year(), e.Month(), e.Day()+2, 0, 0, 0, 0, loc)
		var (
			coordinator = access.Viewer{UserID: 1, Staff: true}
			facilitator = access.Viewer{UserID: 101}
			other       = access.Viewer{UserID: 102}
			partner     = access.Viewer{UserID: 103, PartnerID: 5}
		)
		views := func() int64 {
			var n int64
			db.Model(&audit.Entry{}).Where("action = ?", "registration.answers.sealed.view").Count(&n)
			return n
		}
		for _, c := range []struct {
			name   string
			at     time.Time
			v      access.Viewer
			sealed bool // the pack's answers are read
			plain  bool // the ordinary answer is read
		}{
			{"facilitator, before the window", first.Add(-time.Second), facilitator, false, true},
			{"facilitator, the first day", first, facilitator, true, true},
			{"facilitator, the last day", after.Add(-time.Second), facilitator, true, true},
			{"facilitator, after the window", after, facilitator, false, true},
			{"coordinator, before the window", first.Add(-time.Second), coordinator, true, true},
			{"coordinator, after the window", after.Add(20 * 24 * time.Hour), coordinator, true, true},
			{"another facilitator, inside", first, other, false, false},
			{"a partner, inside", first, partner, false, false},
		} {
			f.at = c.at.UTC()
			before := views()
			got, err := f.svc.Answers(ctx, c.v, a, true)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			mine := got[r.ID]
			if (string(mine["tshirt"]) == `"M"`) != c.plain {
				t.Errorf("%s: ordinary answer %v, want read %v", c.name, mine, c.plain)
			}
			read := string(mine["emergency_contact"]) == `"`+secretContact+`"` && string(mine["medical"]) == `"`+secretMedical+`"` &&
				string(mine["diet"]) == `"halal"`
			if read != c.sealed || (!c.sealed && (mine["emergency_contact"] != nil || mine["medical"] != nil)) {
				t.Errorf("%s: safety answers %v, want read %v", c.name, mine, c.sealed)
			}
			if audited := views() - before; (audited == 1) != c.sealed || audited > 1 {
				t.Errorf("%s: %d audited readings", c.name, audited)
			}
			// Without sealed, nobody's reading opens any.
			if plain, _ := f.svc.Answers(ctx, c.v, a, false); plain[r.ID]["medical"] != nil {
				t.Errorf("%s: a sealed answer read without asking", c.name)
			}
		}
		var entries []audit.Entry
		db.Where("action = ?", "registration.answers.sealed.view").Find(&entries)
		for _, en := range entries {
			if en.Details != `{"answers":3}` {
				t.Fatalf("an audited reading: %q", en.Details)
			}
		}

		// Not in clear in any table, email, audit entry nor the file.
		for _, secret := range []string{secretContact, secretMedical} {
			for _, table := range []string{"registration_answers", "submissions", "outbox", "audit_log", "activity_questions"} {
				var rows []map[string]any
				if err := db.Table(table).Find(&rows).Error; err != nil {
					t.Fatal(err)
				}
				for _, row := range rows {
					for col, v := range row {
						if strings.Contains(clear(v), secret) {
							t.Fatalf("%s.%s holds a safety answer in clear", table, col)
						}
					}
				}
			}
			if n := mailsLike(t, db, secret); n != 0 {
				t.Fatal("a safety answer in an email")
			}
			if db.Dialector.Name() == database.SQLite {
				for _, b := range sqliteFiles(t, db) {
					if bytes.Contains(b, []byte(secret)) {
						t.Fatal("the SQLite database holds a safety answer in clear")
					}
				}
			}
		}

		// The purge, 30 days after the end, takes them from coordinators too.
		f.at = a.EndsAt.Add(30 * 24 * time.Hour)
		if p, err := f.svc.PurgeAnswers(ctx); err != nil || p.Questions != 5 {
			t.Fatalf("the purge: %+v %v", p, err)
		}
		if got, err := f.svc.Answers(ctx, coordinator, a, true); err != nil || len(got[r.ID]) != 0 {
			t.Fatalf("answers after the purge: %v %v", got, err)
		}
	})
}

// The switch: on, it adds the four sealed questions after the activity's
// own, labelled from the locale files in every language, the emergency
// contact required; read back and sent again, they stay the pack's; it
// cannot take over an id the activity uses; off, it takes them away, but
// not once they have answers.
func TestSafetyPackSwitch(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.safetyCamp()
		if a.SafetyDaysBefore != activities.DefaultSafetyDaysBefore {
			t.Fatalf("safety_days_before %d, want the default", a.SafetyDaysBefore)
		}
		stored, err := f.act.Get(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		keys := func(a *activities.Activity) string {
			var out []string
			for _, q := range a.Questions {
				out = append(out, q.Key)
			}
			return strings.Join(out, ",")
		}
		if got := keys(stored); got != "tshirt,emergency_contact,medical,diet,accessibility" {
			t.Fatalf("questions %s", got)
		}
		for _, q := range stored.Questions[1:] {
			if !q.Sealed || q.Required != (q.Key == activities.SafetyEmergencyContact) || q.RetainDays != activities.DefaultRetainDays {
				t.Fatalf("a safety question: %+v", q)
			}
			for _, lang := range i18n.Supported {
				if want := f.cat.Localizer(lang).T("safety_question_" + q.Key); q.Label[lang] != want || want == "" {
					t.Fatalf("%s in %s: %q, want %q", q.Key, lang, q.Label[lang], want)
				}
			}
		}
		if k := stored.Questions[1].Kind; k != activities.QuestionText {
			t.Fatalf("the emergency contact is %s", k)
		}

		// Sent back as read, even changed, the pack's questions stay its own.
		qs := []activities.QuestionInput{
			{Key: "diet", Kind: activities.QuestionChoice, Label: activities.Labels{"en": "Food"}, Options: activities.Options{{Value: "halal"}}},
			{Key: "tshirt", Kind: activities.QuestionText, Label: activities.Labels{"en": "T-shirt size"}},
		}
		a, err = f.act.Update(ctx, 0, a.ID, activities.Input{Questions: &qs})
		if err != nil {
			t.Fatal(err)
		}
		if got := keys(a); got != "tshirt,emergency_contact,medical,diet,accessibility" || a.Questions[3].Kind != activities.QuestionText {
			t.Fatalf("after a round trip: %s %+v", got, a.Questions[3])
		}

		// The emergency contact is required.
		err = f.svc.Submit(ctx, a, answering("m@example.org", activities.Given{"medical": {"asthma"}}))
		var ae *apperr.Error
		if !errorsAs(err, &ae) || ae.Fields["answer_emergency_contact"].ID != "error_required" {
			t.Fatalf("no emergency contact: %v", err)
		}
		if _, err := f.svc.Register(ctx, a, answering("s@example.org", activities.Given{"emergency_contact": {secretContact}})); err != nil {
			t.Fatal(err)
		}

		// Off: refused once answered, and nothing changes.
		if _, err := f.act.Update(ctx, 0, a.ID, activities.Input{SafetyPack: ptr(false)}); !errorsAs(err, &ae) ||
			ae.Kind != apperr.Conflict || ae.Message.ID != "error_safety_pack_answered" {
			t.Fatalf("the pack switched off under its answers: %v", err)
		}
		if n := f.count("registration_answers"); n != 1 {
			t.Fatalf("%d answers after a refused switch", n)
		}

		// Another camp: off before any answer, the questions go; the pack
		// does not take over a question the activity asks under its ids.
		b := f.safetyCamp()
		if b, err = f.act.Update(ctx, 0, b.ID, activities.Input{SafetyPack: ptr(false)}); err != nil || keys(b) != "tshirt" {
			t.Fatalf("switched off: %v %v", keys(b), err)
		}
		qs = []activities.QuestionInput{{Key: "diet", Kind: activities.QuestionText, Label: activities.Labels{"en": "Food"}}}
		if b, err = f.act.Update(ctx, 0, b.ID, activities.Input{Questions: &qs}); err != nil {
			t.Fatal(err)
		}
		_, err = f.act.Update(ctx, 0, b.ID, activities.Input{SafetyPack: ptr(true)})
		if !errorsAs(err, &ae) || ae.Fields["safety_pack"].ID != "error_safety_pack_id_taken" {
			t.Fatalf("the pack over the activity's own diet: %v", err)
		}
		for _, days := range []int{-1, activities.MaxSafetyDaysBefore + 1} {
			_, err = f.act.Update(ctx, 0, b.ID, activities.Input{SafetyDaysBefore: ptr(days)})
			if !errorsAs(err, &ae) || ae.Fields["safety_days_before"].ID != "error_safety_days_before_range" {
				t.Fatalf("safety_days_before %d: %v", days, err)
			}
		}
		if b, err = f.act.Update(ctx, 0, b.ID, activities.Input{SafetyDaysBefore: ptr(0)}); err != nil || b.SafetyDaysBefore != 0 {
			t.Fatalf("safety_days_before 0: %v", err)
		}
	})
}
