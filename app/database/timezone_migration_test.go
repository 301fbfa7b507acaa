package database_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/testdb"
)

// timezoneVersion gives activities their zone (00016_activity_timezone.sql).
const timezoneVersion = 16

// TestTimezoneMigrationBackfills: every existing activity takes its
// region's zone as regions.Zone gives it (the migration's table and the
// Go one agree, region by region), one without a region UTC; down and up
// again give the same.
func TestTimezoneMigrationBackfills(t *testing.T) {
	t.Parallel()
	for _, dialect := range testdb.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.At(t, testdb.URL(t, dialect), timezoneVersion-1)
			now := time.Now().UTC()
			want := map[string]string{"": "UTC"}
			codes := []string{""}
			for _, r := range regions.All() {
				codes = append(codes, r.Code)
				want[r.Code] = regions.Zone(r.Code)
			}
			for i, code := range codes {
				testdb.Exec(t, db, `INSERT INTO activities (slug, kind, region, starts_at, ends_at, capacity, created_at, updated_at)
					VALUES (?, 'camp', ?, ?, ?, 10, ?, ?)`, fmt.Sprintf("a-%d", i), code, now, now.Add(time.Hour), now, now)
			}
			p, err := database.Migrator(db)
			if err != nil {
				t.Fatal(err)
			}
			check := func(when string) {
				t.Helper()
				var rows []struct{ Region, Timezone string }
				if err := db.Raw("SELECT region, timezone FROM activities").Scan(&rows).Error; err != nil {
					t.Fatal(err)
				}
				if len(rows) != len(codes) {
					t.Fatalf("%s: %d rows, want %d", when, len(rows), len(codes))
				}
				for _, r := range rows {
					if r.Timezone != want[r.Region] {
						t.Errorf("%s: region %q has zone %q, want %q", when, r.Region, r.Timezone, want[r.Region])
					}
				}
			}
			if _, err := p.UpTo(ctx, timezoneVersion); err != nil {
				t.Fatal(err)
			}
			check("up")
			if _, err := p.Down(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(ctx, timezoneVersion); err != nil {
				t.Fatal(err)
			}
			check("up again")
		})
	}
}
