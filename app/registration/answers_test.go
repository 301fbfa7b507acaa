package registration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// The secret a sealed answer holds in the tests below.
const secretAnswer = "insulin-twice-daily-7c41"

// withQuestions gives activity a a plain and a sealed question, the sealed
// one kept 10 days after the end, the plain one 30.
func (f *fixture) withQuestions(a *activities.Activity) *activities.Activity {
	f.t.Helper()
	qs := []activities.QuestionInput{
		{Key: "diet", Kind: activities.QuestionChoice, Label: activities.Labels{"en": "Food", "mn": "Хоол"},
			Options: activities.Options{{Value: "vegetarian", Label: activities.Labels{"en": "Vegetarian"}}, {Value: "halal"}}},
		{Key: "meds", Kind: activities.QuestionYesNo, Label: activities.Labels{"en": "Medication?"}},
		{Key: "meds_which", Kind: activities.QuestionLongText, Label: activities.Labels{"en": "Which?"}, Required: true, Sealed: true,
			RetainDays: ptr(10), ShowIf: &activities.Condition{Question: "meds", Equals: json.RawMessage(`true`)}},
	}
	a, err := f.act.Update(context.Background(), 0, a.ID, activities.Input{Questions: &qs})
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

func answering(email string, answers activities.Given) registration.Request {
	r := person(email, people.Urban)
	r.Answers = answers
	return r
}

// Answers are checked with the form, travel sealed with it until the tap,
// are written when it places the registration, and read back: ordinary ones
// by whoever reaches the roster, sealed ones by coordinators, audited.
func TestAnswersTravelWithTheForm(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.withQuestions(f.camp(5))

		err := f.svc.Submit(ctx, a, answering("q@example.org", activities.Given{"meds": {"yes"}}))
		var ae *apperr.Error
		if !errorsAs(err, &ae) || ae.Fields["answer_meds_which"].ID != "error_required" {
			t.Fatalf("a required follow-up left out: %v", err)
		}
		token := f.submit(a, answering("q@example.org", activities.Given{"diet": {"halal"}, "meds": {"yes"}, "meds_which": {secretAnswer}}))
		if n := f.count("registration_answers"); n != 0 {
			t.Fatalf("%d answers before the tap", n)
		}
		c, err := f.svc.Confirm(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		// A follow-up whose condition is false is dropped by the server.
		if _, err := f.svc.Register(ctx, a, answering("r@example.org", activities.Given{"meds": {"no"}, "meds_which": {"ignored"}})); err != nil {
			t.Fatal(err)
		}

		staff := access.Viewer{UserID: 0, Staff: true}
		plain, err := f.svc.Answers(ctx, staff, a, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := plain[c.ID]; string(got["diet"]) != `"halal"` || string(got["meds"]) != "true" || got["meds_which"] != nil {
			t.Fatalf("ordinary answers: %v", got)
		}
		all, err := f.svc.Answers(ctx, staff, a, true)
		if err != nil {
			t.Fatal(err)
		}
		if got := all[c.ID]; string(got["meds_which"]) != `"`+secretAnswer+`"` {
			t.Fatalf("sealed answer: %v", got)
		}
		var views int64
		db.Model(&audit.Entry{}).Where("action = ? AND details LIKE ?", "registration.answers.sealed.view", `%"answers":1%`).Count(&views)
		if views != 1 {
			t.Fatalf("%d audited readings of sealed answers", views)
		}
		if n := f.count("registration_answers"); n != 4 {
			t.Fatalf("%d answers stored, want 4 (the dropped follow-up not among them)", n)
		}
		if got, err := f.svc.Answers(ctx, access.Viewer{UserID: 9}, a, true); err != nil || len(got) != 0 {
			t.Fatalf("a facilitator of other activities read answers: %v %v", got, err)
		}

		// Not in clear anywhere: not in the answers' rows, the submission,
		// the outbox, the audit log, nor in the SQLite file.
		for _, table := range []string{"registration_answers", "submissions", "outbox", "audit_log"} {
			var rows []map[string]any
			if err := db.Table(table).Find(&rows).Error; err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				for col, v := range r {
					if strings.Contains(clear(v), secretAnswer) {
						t.Fatalf("%s.%s holds the sealed answer in clear", table, col)
					}
				}
			}
		}
		if db.Dialector.Name() == database.SQLite {
			for _, b := range sqliteFiles(t, db) {
				if bytes.Contains(b, []byte(secretAnswer)) {
					t.Fatal("the SQLite database holds the sealed answer in clear")
				}
			}
		}

		// A changed kind is refused while answered; a question removed
		// takes its answers.
		qs := []activities.QuestionInput{{Key: "diet", Kind: activities.QuestionText, Label: activities.Labels{"en": "Food"}}}
		if _, err := f.act.Update(ctx, 0, a.ID, activities.Input{Questions: &qs}); kindOf(err) != apperr.Conflict {
			t.Fatalf("a kind changed under its answers: %v", err)
		}
		qs = []activities.QuestionInput{{Key: "meds", Kind: activities.QuestionYesNo, Label: activities.Labels{"en": "Medication?"}}}
		if _, err := f.act.Update(ctx, 0, a.ID, activities.Input{Questions: &qs}); err != nil {
			t.Fatal(err)
		}
		if n := f.count("registration_answers"); n != 2 {
			t.Fatalf("%d answers after removing two questions, want the two to meds", n)
		}
	})
}

func errorsAs(err error, ae **apperr.Error) bool {
	e, ok := err.(*apperr.Error)
	*ae = e
	return ok
}

// clear is a column's value as text.
func clear(v any) string {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case string:
		return x
	}
	return ""
}

// sqliteFiles are the bytes of db's file and its write-ahead log, after a
// checkpoint.
func sqliteFiles(t *testing.T, db *gorm.DB) [][]byte {
	t.Helper()
	var list []struct {
		Seq  int
		Name string
		File string
	}
	if err := db.Raw("PRAGMA database_list").Scan(&list).Error; err != nil || len(list) == 0 {
		t.Fatalf("database list: %v", err)
	}
	db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	var out [][]byte
	for _, p := range []string{list[0].File, list[0].File + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	if len(out[0]) == 0 {
		t.Fatal("empty database file")
	}
	return out
}

// The purge deletes the answers to each question once its retention has
// passed after the end, once across workers, audited with counts only; an
// erasure takes a person's answers and the data export gives them.
func TestPurgeAnswers(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.withQuestions(f.camp(5))
		for _, e := range []string{"p1@example.org", "p2@example.org"} {
			if _, err := f.svc.Register(ctx, a, answering(e, activities.Given{"diet": {"halal"}, "meds": {"yes"}, "meds_which": {secretAnswer}})); err != nil {
				t.Fatal(err)
			}
		}
		purge := func() registration.Purged {
			t.Helper()
			p, err := f.svc.PurgeAnswers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		f.at = a.EndsAt.Add(10*24*time.Hour - time.Minute)
		if p := purge(); p.Answers != 0 {
			t.Fatalf("purged before the retention passed: %+v", p)
		}
		// Two workers at once, as two nodes: each question goes once.
		f.at = a.EndsAt.Add(10 * 24 * time.Hour)
		other := f.service(db)
		var wg sync.WaitGroup
		results := make([]registration.Purged, 2)
		for i, svc := range []*registration.Service{f.svc, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, err := svc.PurgeAnswers(ctx)
				if err != nil {
					t.Error(err)
				}
				results[i] = p
			}()
		}
		wg.Wait()
		if got := results[0].Answers + results[1].Answers; got != 2 || results[0].Questions+results[1].Questions != 1 {
			t.Fatalf("two workers purged %+v, want the two sealed answers once", results)
		}
		var entries []audit.Entry
		db.Where("action = ?", "activity.answers.purge").Find(&entries)
		if len(entries) != 1 || entries[0].Details != `{"answers":2,"questions":1}` {
			t.Fatalf("audit: %+v", entries)
		}
		if n := f.count("registration_answers"); n != 4 {
			t.Fatalf("%d answers left, want the four ordinary ones", n)
		}
		f.at = a.EndsAt.Add(30 * 24 * time.Hour)
		if p := purge(); p.Answers != 4 || p.Questions != 2 {
			t.Fatalf("second purge: %+v", p)
		}
		if p := purge(); p.Answers != 0 || p.Questions != 0 {
			t.Fatalf("a purge again: %+v", p)
		}
		var purged int64
		db.Model(&activities.Question{}).Where("activity_id = ? AND purged_at IS NOT NULL", a.ID).Count(&purged)
		if purged != 3 {
			t.Fatalf("%d questions marked purged", purged)
		}
		if n := mailsLike(t, db, secretAnswer); n != 0 {
			t.Fatal("a sealed answer in an email")
		}
	})
}

// mailsLike counts the queued emails that hold s.
func mailsLike(t *testing.T, db *gorm.DB, s string) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&outbox.Message{}).Where("body LIKE ? OR subject LIKE ?", "%"+s+"%", "%"+s+"%").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
