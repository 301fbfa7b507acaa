package database_test

import (
	"context"
	"database/sql"
	"io"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/formlimit"
	"github.com/gotong/gotong/app/mailings"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/partners"
	youthpath "github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/segments"
	"github.com/gotong/gotong/app/submissions"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/migrations"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// kvTable is the shape of the key-value tables behind sessions and limits.
type kvTable struct {
	ID        string `gorm:"primaryKey"`
	Data      []byte
	ExpiresAt int64
}

// sessionTable is the sessions table: a key-value table that also knows
// the user of each session, so that deleting an account ends its sessions.
type sessionTable struct {
	ID        string `gorm:"primaryKey"`
	Data      []byte
	ExpiresAt int64
	UserID    *int64
}

// models maps every migrated table to the GORM model that reads it, or to
// the columns its package reads and writes by name (activity_seats, whose
// counts follow the quota registry). A table without a model, or a model
// whose fields and the table's columns differ, fails TestModelsMatchSchema.
var models = map[string]any{
	"users":                 &auth.User{},
	"role_assignments":      &auth.RoleAssignment{},
	"api_tokens":            &auth.APIToken{},
	"audit_log":             &audit.Entry{},
	"outbox":                &outbox.Message{},
	"sessions":              &sessionTable{},
	"people":                &people.Person{},
	"person_sensitive":      &people.SensitiveRow{},
	"activities":            &activities.Activity{},
	"activity_translations": &activities.Translation{},
	"quota_rules":           &activities.QuotaRule{},
	"activity_facilitators": &activities.Facilitator{},
	"registrations":         &registration.Registration{},
	"activity_seats":        registration.SeatColumns(),
	"rate_limits":           &kvTable{},
	"form_limits":           &formlimit.Counter{},
	"submissions":           &submissions.Submission{},
	"registration_links":    &registration.Link{},
	"registration_answers":  &registration.Answer{},
	// Partners.
	"partners":             &partners.Partner{},
	"partner_descriptions": &partners.Description{},
	"partnerships":         &partners.Partnership{},
	"partnership_changes":  &partners.Change{},
	"activity_partners":    &activities.CoHost{},
	"activity_questions":   &activities.Question{},

	// -

	// Campaigns.
	"campaigns":             &campaigns.Campaign{},
	"campaign_translations": &campaigns.Translation{},
	"campaign_tags":         &campaigns.CampaignTag{},
	"campaign_partners":     &campaigns.PartnerStage{},
	"campaign_notes":        &campaigns.Note{},
	"campaign_checklist":    &campaigns.ChecklistItem{},
	"letters":               &campaigns.Letter{},

	// -

	// Petitions and tags.
	"tags":                  &people.Tag{},
	"person_tags":           &people.PersonTag{},
	"petitions":             &petitions.Petition{},
	"petition_translations": &petitions.Translation{},
	"signatures":            &petitions.Signature{},

	// -

	// People: consent history and saved segments.
	"person_consents": &people.Consent{},
	"saved_segments":  &segments.Saved{},

	// -

	// People: CSV files between upload and import.
	"import_uploads": &people.ImportUpload{},

	// -

	// Mailings.
	"mailings":           &mailings.Mailing{},
	"mailing_texts":      &mailings.Text{},
	"mailing_recipients": &mailings.Recipient{},
	"mailing_links":      &mailings.Link{},
	"mailing_clicks":     &mailings.ClickCount{},

	// -

	// The youth path: certificates.
	"certificates": &youthpath.Certificate{},
	// Surveys.
	"surveys":            &youthpath.Survey{},
	"survey_invitations": &youthpath.Invitation{},
	"survey_responses":   &youthpath.Response{},
	"survey_answers":     &youthpath.Answer{},
}

func tables(t *testing.T, db *gorm.DB) []string {
	names, err := db.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range names {
		if n != "goose_db_version" && n != "sqlite_sequence" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func TestMigrationsUpDownUp(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		want := tables(t, db)
		if len(want) == 0 {
			t.Fatal("no tables after migrating up")
		}
		st, err := database.MigrationStatus(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		for range st {
			if _, err := database.MigrateDown(ctx, db); err != nil {
				t.Fatal(err)
			}
		}
		if got := tables(t, db); len(got) != 0 {
			t.Fatalf("tables left after migrating all the way down: %v", got)
		}
		if err := database.MigrateUp(ctx, db, quiet); err != nil {
			t.Fatal(err)
		}
		if got := tables(t, db); !equal(got, want) {
			t.Fatalf("tables after up, down, up = %v, want %v", got, want)
		}
		st, err = database.MigrationStatus(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range st {
			if m.AppliedAt.IsZero() {
				t.Errorf("migration %d not applied", m.Source.Version)
			}
		}
	})
}

func TestMigrationsSameVersionsInBothDialects(t *testing.T) {
	t.Parallel()
	names := map[string][]string{}
	for _, d := range []string{"sqlite", "postgres"} {
		files, err := fs.Glob(migrations.FS, d+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			names[d] = append(names[d], path.Base(f))
		}
	}
	if len(names["sqlite"]) == 0 || !equal(names["sqlite"], names["postgres"]) {
		t.Fatalf("migration files differ: sqlite %v, postgres %v", names["sqlite"], names["postgres"])
	}
}

func TestModelsMatchSchema(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		for _, table := range tables(t, db) {
			model, ok := models[table]
			if !ok {
				t.Errorf("table %s has no model in this test", table)
				continue
			}
			fields := map[string]bool{}
			if names, ok := model.([]string); ok {
				for _, n := range names {
					fields[n] = true
				}
			} else {
				s, err := schema.Parse(model, &sync.Map{}, db.NamingStrategy)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range s.Fields {
					if f.DBName != "" {
						fields[f.DBName] = true
					}
				}
			}
			cols, err := db.Migrator().ColumnTypes(table)
			if err != nil {
				t.Fatal(err)
			}
			columns := map[string]bool{}
			for _, c := range cols {
				columns[c.Name()] = true
				if !fields[c.Name()] {
					t.Errorf("%s.%s has no field in %T", table, c.Name(), model)
				}
			}
			for f := range fields {
				if !columns[f] {
					t.Errorf("%T field %s has no column in %s", model, f, table)
				}
			}
		}
	})
}

// TestTxRollsBack proves a failing transaction leaves nothing behind.
func TestTxRollsBack(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		err := database.Tx(context.Background(), db, func(tx *gorm.DB) error {
			if err := audit.Record(tx, 0, "test.first", "", "", nil); err != nil {
				return err
			}
			// A NOT NULL violation fails the second write.
			return tx.Exec("INSERT INTO audit_log (at, action) VALUES (?, NULL)", time.Now()).Error
		})
		if err == nil {
			t.Fatal("transaction succeeded")
		}
		var n int64
		db.Model(&audit.Entry{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d audit entries after a failed transaction", n)
		}
	})
}

func TestKV(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		kv := database.NewKV(db, "sessions")
		if v, err := kv.Get("missing"); err != nil || v != nil {
			t.Fatalf("Get(missing) = %q, %v", v, err)
		}
		if err := kv.Set("a", []byte("1"), 0); err != nil {
			t.Fatal(err)
		}
		if err := kv.Set("a", []byte("2"), time.Hour); err != nil {
			t.Fatal(err)
		}
		if v, _ := kv.Get("a"); string(v) != "2" {
			t.Fatalf("Get(a) = %q after overwrite", v)
		}
		if err := kv.Set("old", []byte("x"), time.Nanosecond); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1100 * time.Millisecond)
		if v, _ := kv.Get("old"); v != nil {
			t.Fatalf("expired key still read: %q", v)
		}
		if err := kv.Sweep(); err != nil {
			t.Fatal(err)
		}
		var n int64
		db.Table("sessions").Where("id = ?", "old").Count(&n)
		if n != 0 {
			t.Fatal("sweep left an expired key")
		}
		if err := kv.Delete("a"); err != nil {
			t.Fatal(err)
		}
		if v, _ := kv.Get("a"); v != nil {
			t.Fatal("deleted key still read")
		}
		// A cookie may name a key that no row can have: absent, not an error.
		for _, key := range []string{"a\x00b", "a\xffb"} {
			if v, err := kv.Get(key); err != nil || v != nil {
				t.Errorf("Get(%q) = %q, %v", key, v, err)
			}
			if err := kv.Delete(key); err != nil {
				t.Errorf("Delete(%q): %v", key, err)
			}
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestCustomPlans: every PostgreSQL connection plans each statement for its
// own parameters, so a plan made while a table was empty is never kept.
func TestCustomPlans(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		if database.Dialect(db) != database.Postgres {
			t.Skip("a PostgreSQL setting")
		}
		sqlDB, err := db.DB()
		if err != nil {
			t.Fatal(err)
		}
		// Several connections at once, so that more than one is asked.
		conns := make([]*sql.Conn, 3)
		for i := range conns {
			if conns[i], err = sqlDB.Conn(context.Background()); err != nil {
				t.Fatal(err)
			}
			defer conns[i].Close()
			var mode string
			if err := conns[i].QueryRowContext(context.Background(), "SHOW plan_cache_mode").Scan(&mode); err != nil {
				t.Fatal(err)
			}
			if mode != "force_custom_plan" {
				t.Fatalf("connection %d: plan_cache_mode = %q", i, mode)
			}
		}
	})
}
