package database_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// rightsVersion is the migration that lets registrations outlive their
// person (00010_rights.sql).
const rightsVersion = 10

// dump renders the rows of a query, for comparing schemas.
func dump(t *testing.T, db *gorm.DB, q string) string {
	t.Helper()
	rows, err := db.Raw(q).Rows()
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		cells := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			cells[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(cells, " "))
	}
	return strings.Join(out, "\n")
}

// schemaOf describes a table as the database sees it: columns (type, null,
// default), foreign keys with their actions, indexes, triggers.
func schemaOf(t *testing.T, db *gorm.DB, table string) string {
	t.Helper()
	if database.Dialect(db) == database.SQLite {
		return strings.Join([]string{
			dump(t, db, "PRAGMA table_info("+table+")"),
			dump(t, db, "PRAGMA foreign_key_list("+table+")"),
			dump(t, db, "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = '"+table+"' AND type IN ('index', 'trigger') ORDER BY name"),
		}, "\n--\n")
	}
	return strings.Join([]string{
		dump(t, db, "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_name = '"+table+"' ORDER BY ordinal_position"),
		dump(t, db, "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '"+table+"'::regclass ORDER BY conname"),
		dump(t, db, "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = '"+table+"' ORDER BY indexname"),
		dump(t, db, "SELECT tgname FROM pg_trigger WHERE tgrelid = '"+table+"'::regclass AND NOT tgisinternal ORDER BY tgname"),
	}, "\n--\n")
}

// TestRightsMigration: 00010 keeps every registration and its id sequence,
// makes person_id nullable with ON DELETE SET NULL, and its Down gives back
// the tables exactly as they were, without the rows it cannot hold (those
// of erased people) and with the seat counters recounted.
func TestRightsMigration(t *testing.T) {
	t.Parallel()
	for _, dialect := range testdb.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			db := testdb.At(t, testdb.URL(t, dialect), rightsVersion-1)
			p, err := database.Migrator(db)
			if err != nil {
				t.Fatal(err)
			}
			before := map[string]string{}
			for _, table := range []string{"registrations", "sessions", "audit_log"} {
				before[table] = schemaOf(t, db, table)
			}
			now := time.Now().UTC()
			exec := func(q string, args ...any) { t.Helper(); testdb.Exec(t, db, q, args...) }
			exec("INSERT INTO people (id, given_name, email, created_at, updated_at) VALUES (1, 'Saraa', 's@example.org', ?, ?), (2, 'Bataa', 'b@example.org', ?, ?)", now, now, now, now)
			exec("INSERT INTO activities (id, slug, kind, starts_at, ends_at, capacity, status, created_at, updated_at) VALUES (1, 'camp', 'camp', ?, ?, 5, 'published', ?, ?)", now, now, now, now)
			reg := "INSERT INTO registrations (id, activity_id, person_id, status, pool, waitlist_order, declared_sensitive, consent_version, consent_at, created_at, updated_at) VALUES (?, 1, ?, ?, 'general', ?, ?, 'v', ?, ?, ?)"
			exec(reg, 1, 1, "confirmed", 1, []byte{1, 2, 3}, now, now, now)
			exec(reg, 2, 2, "confirmed", 2, nil, now, now, now)
			exec(reg, 3, 2, "cancelled", 3, nil, now, now, now)
			exec("DELETE FROM registrations WHERE id = 3") // the id sequence is past the rows
			if database.Dialect(db) == database.Postgres { // explicit ids leave the identity behind
				exec("SELECT setval(pg_get_serial_sequence('registrations', 'id'), 3)")
			}
			exec("INSERT INTO activity_seats (activity_id, general, last_order) VALUES (1, 2, 3)")

			if _, err := p.UpTo(ctx, rightsVersion); err != nil {
				t.Fatal(err)
			}
			if got := dump(t, db, "SELECT id, person_id, status, waitlist_order, declared_sensitive FROM registrations ORDER BY id"); got != "1 1 confirmed 1 \x01\x02\x03\n2 2 confirmed 2 <nil>" {
				t.Fatalf("rows after up: %q", got)
			}
			exec("INSERT INTO registrations (activity_id, person_id, status, waitlist_order, consent_version, consent_at, created_at, updated_at) VALUES (1, 1, 'cancelled', 4, 'v', ?, ?, ?)", now, now, now)
			var newID int64
			db.Raw("SELECT MAX(id) FROM registrations").Scan(&newID)
			if newID != 4 {
				t.Fatalf("a new registration got id %d: the sequence went back", newID)
			}
			// Deleting a person keeps their registrations, anonymous.
			exec("DELETE FROM people WHERE id = 1")
			if got := dump(t, db, "SELECT id, person_id IS NULL FROM registrations ORDER BY id"); got != "1 true\n2 false\n4 true" && got != "1 1\n2 0\n4 1" {
				t.Fatalf("after deleting a person: %q", got)
			}
			// Sessions can name their user, and go with the account.
			exec("INSERT INTO users (id, email, display_name, password_hash, created_at, updated_at) VALUES (7, 'u@example.org', 'U', 'x', ?, ?)", now, now)
			exec("INSERT INTO sessions (id, data, expires_at, user_id) VALUES ('s', ?, 0, 7)", []byte("x"))
			exec("DELETE FROM users WHERE id = 7")
			if got := dump(t, db, "SELECT COUNT(*) FROM sessions"); got != "0" {
				t.Fatalf("sessions of a deleted account: %s", got)
			}
			exec("INSERT INTO sessions (id, data, expires_at) VALUES ('kept', ?, 0)", []byte("x"))

			if _, err := p.DownTo(ctx, rightsVersion-1); err != nil {
				t.Fatal(err)
			}
			for table, want := range before {
				if got := schemaOf(t, db, table); got != want {
					t.Errorf("%s after down:\n%s\nwant:\n%s", table, got, want)
				}
			}
			if got := dump(t, db, "SELECT id, person_id FROM registrations ORDER BY id"); got != "2 2" {
				t.Errorf("rows after down: %q", got)
			}
			if got := dump(t, db, "SELECT general, waitlisted, last_order FROM activity_seats"); got != "1 0 4" && got != "1 0 3" {
				t.Errorf("seat counters after down: %q", got)
			}
			if got := dump(t, db, "SELECT id FROM sessions"); got != "kept" {
				t.Errorf("sessions after down: %q", got)
			}
			// Down left a table the app can write, with its sequence.
			exec("INSERT INTO registrations (activity_id, person_id, status, waitlist_order, consent_version, consent_at, created_at, updated_at) VALUES (1, 2, 'cancelled', 5, 'v', ?, ?, ?)", now, now, now)
			db.Raw("SELECT MAX(id) FROM registrations").Scan(&newID)
			if newID != 5 {
				t.Errorf("after down a new registration got id %d", newID)
			}
			// Up again.
			if _, err := p.UpTo(ctx, rightsVersion); err != nil {
				t.Fatal(err)
			}
			var nullable sql.NullString
			if database.Dialect(db) == database.Postgres {
				db.Raw("SELECT is_nullable FROM information_schema.columns WHERE table_name = 'registrations' AND column_name = 'person_id'").Scan(&nullable)
				if nullable.String != "YES" {
					t.Errorf("person_id nullable: %q", nullable.String)
				}
			}
		})
	}
}
