package database_test

import (
	"context"
	"testing"
	"time"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/testdb"
)

// mailingsVersion mirrors consent to news on people (00021_mailings.sql).
const mailingsVersion = 21

// TestNewsMigrationBackfills: people.news_at is the time of the newest
// consent to news where that one gave it, and NULL where it was withdrawn
// or never given, whatever the other purposes of the history say.
func TestNewsMigrationBackfills(t *testing.T) {
	t.Parallel()
	for _, dialect := range testdb.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.At(t, testdb.URL(t, dialect), mailingsVersion-1)
			t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
			history := map[string][]struct {
				purpose string
				given   bool
			}{
				"given":     {{"news", true}},
				"withdrawn": {{"news", true}, {"news", false}},
				"again":     {{"news", false}, {"news", true}},
				"data only": {{"data", true}},
				"none":      nil,
			}
			for name, rows := range history {
				testdb.Exec(t, db, `INSERT INTO people (given_name, family_name, email, created_at, updated_at) VALUES (?, '', ?, ?, ?)`,
					name, name+"@example.org", t0, t0)
				for i, r := range rows {
					testdb.Exec(t, db, `INSERT INTO person_consents (person_id, given, version, source, purpose, at)
						SELECT id, ?, '2026-11', 'staff', ?, ? FROM people WHERE given_name = ?`, r.given, r.purpose, t0.Add(time.Duration(i)*time.Hour), name)
				}
			}
			p, err := database.Migrator(db)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(ctx, mailingsVersion); err != nil {
				t.Fatal(err)
			}
			var got []struct {
				GivenName string
				NewsAt    *time.Time
			}
			if err := db.Raw("SELECT given_name, news_at FROM people").Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			want := map[string]*time.Time{"given": &t0, "again": ptr(t0.Add(time.Hour))}
			for _, r := range got {
				w := want[r.GivenName]
				if (w == nil) != (r.NewsAt == nil) || w != nil && !w.Equal(*r.NewsAt) {
					t.Errorf("%s: news_at %v, want %v", r.GivenName, r.NewsAt, w)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
