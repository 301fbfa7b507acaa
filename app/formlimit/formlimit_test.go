package formlimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/formlimit"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func TestCount(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
		count := func(at time.Time, hits map[string]int) map[string]int {
			t.Helper()
			var out map[string]int
			if err := database.Tx(context.Background(), db, func(tx *gorm.DB) (err error) {
				out, err = formlimit.Count(tx, hits, at)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		a, b := formlimit.Key("a@example.org"), formlimit.Key("b@example.org")
		if got := count(now, map[string]int{a: 2, b: 1}); got[a] != 2 || got[b] != 1 {
			t.Fatalf("first hits: %v", got)
		}
		if got := count(now.Add(time.Minute), map[string]int{a: 3}); got[a] != 5 || len(got) != 1 {
			t.Fatalf("a second batch adds up: %v", got)
		}
		// The window of a began at its first hit; a later one starts afresh.
		if got := count(now.Add(formlimit.Window), map[string]int{a: 1, b: 1}); got[a] != 1 || got[b] != 1 {
			t.Fatalf("after the window: %v", got)
		}
		if got := count(now.Add(formlimit.Window+time.Minute), map[string]int{a: 1}); got[a] != 2 {
			t.Fatalf("the new window counts on: %v", got)
		}
		// A transaction that rolls back takes its hits with it.
		_ = database.Tx(context.Background(), db, func(tx *gorm.DB) error {
			if _, err := formlimit.Count(tx, map[string]int{a: 100}, now.Add(formlimit.Window+2*time.Minute)); err != nil {
				t.Fatal(err)
			}
			return context.Canceled
		})
		if got := count(now.Add(formlimit.Window+3*time.Minute), map[string]int{a: 1}); got[a] != 3 {
			t.Fatalf("a rolled-back count stayed: %v", got)
		}
		if err := formlimit.Sweep(db, now.Add(3*formlimit.Window)); err != nil {
			t.Fatal(err)
		}
		var left int64
		db.Model(&formlimit.Counter{}).Count(&left)
		if left != 0 {
			t.Fatalf("%d counters left after their windows ended", left)
		}
	})
}
