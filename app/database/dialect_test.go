package database_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// counterTable is a scratch table for the locking tests.
func counterTable(t *testing.T, db *gorm.DB) {
	t.Helper()
	testdb.Exec(t, db, "CREATE TABLE counters (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)")
	testdb.Exec(t, db, "INSERT INTO counters (id, n) VALUES (1, 0), (2, 0)")
}

// increments runs workers transactions at once, each reading counter 1
// after lock has held it and writing it back one more; a lost update
// leaves fewer.
func increments(t *testing.T, db *gorm.DB, lock func(tx *gorm.DB) error, read func(tx *gorm.DB) *gorm.DB) {
	t.Helper()
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			errs <- database.Tx(context.Background(), db, func(tx *gorm.DB) error {
				if err := lock(tx); err != nil {
					return err
				}
				var n int64
				if err := read(tx.Table("counters").Where("id = 1")).Pluck("n", &n).Error; err != nil {
					return err
				}
				time.Sleep(5 * time.Millisecond) // room for another to read the same n
				return tx.Exec("UPDATE counters SET n = ? WHERE id = 1", n+1).Error
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int64
	if err := db.Table("counters").Where("id = 1").Pluck("n", &n).Error; err != nil {
		t.Fatal(err)
	}
	if n != workers {
		t.Fatalf("counter = %d after %d increments: an update was lost", n, workers)
	}
}

func TestForUpdateHoldsRows(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		counterTable(t, db)
		increments(t, db, func(*gorm.DB) error { return nil }, database.ForUpdate)
	})
}

func TestLockHoldsRows(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		counterTable(t, db)
		increments(t, db, func(tx *gorm.DB) error {
			return database.Lock(tx.Table("counters").Where("id = 1"))
		}, func(q *gorm.DB) *gorm.DB { return q })
	})
}

// TestSkipLocked: a claim passes over a row another transaction holds
// (PostgreSQL), and the claiming statement runs on both databases.
func TestSkipLocked(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		counterTable(t, db)
		claim := func(db *gorm.DB) ([]int64, error) {
			var ids []int64
			err := db.Raw(`UPDATE counters SET n = n + 1 WHERE id IN (
				SELECT id FROM counters ORDER BY id LIMIT 1` + database.SkipLocked(db) + `) RETURNING id`).Scan(&ids).Error
			return ids, err
		}
		if database.Dialect(db) == database.Postgres {
			// Row 1 held by an open transaction: the claim takes row 2, at once.
			held := make(chan struct{})
			release := make(chan struct{})
			done := make(chan error, 1)
			go func() {
				done <- db.Transaction(func(tx *gorm.DB) error {
					var n []int64
					if err := database.ForUpdate(tx.Table("counters").Where("id = 1")).Pluck("n", &n).Error; err != nil {
						close(held)
						return err
					}
					close(held)
					<-release
					return nil
				})
			}()
			<-held
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			ids, err := claim(db.WithContext(ctx))
			cancel()
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if err != nil || len(ids) != 1 || ids[0] != 2 {
				t.Fatalf("claim beside a held row = %v, %v; want [2]", ids, err)
			}
			return
		}
		if ids, err := claim(db); err != nil || len(ids) != 1 || ids[0] != 1 {
			t.Fatalf("claim = %v, %v; want [1]", ids, err)
		}
	})
}

// TestAllowGenericPlans: PostgreSQL's plan cache mode changes for the
// transaction only; SQLite has nothing to change and no error.
func TestAllowGenericPlans(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		pg := database.Dialect(db) == database.Postgres
		err := database.Tx(context.Background(), db, func(tx *gorm.DB) error {
			if err := database.AllowGenericPlans(tx); err != nil {
				return err
			}
			if pg {
				var mode string
				if err := tx.Raw("SHOW plan_cache_mode").Scan(&mode).Error; err != nil {
					return err
				}
				if mode != "auto" {
					return fmt.Errorf("plan_cache_mode in the transaction = %q", mode)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if pg {
			var mode string
			if err := db.Raw("SHOW plan_cache_mode").Scan(&mode).Error; err != nil || mode != "force_custom_plan" {
				t.Fatalf("plan_cache_mode after the transaction = %q, %v", mode, err)
			}
		}
	})
}

// TestBulkWritesEveryRow inserts more rows than one SQLite statement takes,
// with every type and NULLs, and reads them back.
func TestBulkWritesEveryRow(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		stamp := "DATETIME"
		if database.Dialect(db) == database.Postgres {
			stamp = "TIMESTAMPTZ"
		}
		testdb.Exec(t, db, "CREATE TABLE bulk_rows (id BIGINT PRIMARY KEY, label TEXT, yes BOOLEAN, at "+stamp+")")
		cols := []database.BulkColumn{{Name: "id", PGType: "bigint"}, {Name: "label", PGType: "text"},
			{Name: "yes", PGType: "boolean"}, {Name: "at", PGType: "timestamptz"}}
		at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
		const n = 1000
		statements := 0
		err := database.Tx(context.Background(), db, func(tx *gorm.DB) error {
			return database.Bulk(tx, cols, n, func(i int) []any {
				if i%10 == 0 {
					return []any{int64(i), nil, nil, nil}
				}
				return []any{int64(i), fmt.Sprint("row ", i), i%2 == 0, at.Add(time.Duration(i) * time.Second)}
			}, func(source string, args []any) error {
				statements++
				q := "INSERT INTO bulk_rows (" + database.BulkNames(cols) + ") SELECT * FROM " + source
				_, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, q, args...)
				return err
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		if database.Dialect(db) == database.Postgres && statements != 1 {
			t.Errorf("%d statements on PostgreSQL, want 1", statements)
		}
		var rows []struct {
			ID    int64
			Label *string
			Yes   *bool
			At    *time.Time
		}
		if err := db.Table("bulk_rows").Order("id").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != n {
			t.Fatalf("%d rows, want %d", len(rows), n)
		}
		for i, r := range rows {
			if i%10 == 0 {
				if r.Label != nil || r.Yes != nil || r.At != nil {
					t.Fatalf("row %d: %v %v %v, want NULLs", i, r.Label, r.Yes, r.At)
				}
				continue
			}
			if r.ID != int64(i) || *r.Label != fmt.Sprint("row ", i) || *r.Yes != (i%2 == 0) ||
				!r.At.Equal(at.Add(time.Duration(i)*time.Second)) {
				t.Fatalf("row %d = %d %q %v %v", i, r.ID, *r.Label, *r.Yes, *r.At)
			}
		}
	})
}
