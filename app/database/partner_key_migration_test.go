package database_test

import (
	"context"
	"testing"
	"time"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/testdb"
)

// partnerKeyVersion is the migration that gives SQLite's users.partner_id
// its foreign key (00014_users_partner_key.sql).
const partnerKeyVersion = 14

// TestPartnerKeyMigrationKeepsRows: rebuilding users on SQLite keeps every
// user, id sequence and row that refers to a user (the drop would have
// cascaded with foreign keys on), and the key refuses an unknown
// organisation afterwards; down and up again keep them too.
func TestPartnerKeyMigrationKeepsRows(t *testing.T) {
	ctx := context.Background()
	db := testdb.At(t, testdb.URL(t, database.SQLite), partnerKeyVersion-1)
	now := time.Now().UTC()
	testdb.Exec(t, db, "INSERT INTO partners (id, name, kind, created_at, updated_at) VALUES (7, 'Seven', 'other', ?, ?)", now, now)
	testdb.Exec(t, db, `INSERT INTO users (id, email, display_name, password_hash, partner_id, created_at, updated_at)
		VALUES (41, 'a@example.org', 'A', 'x', 7, ?, ?), (42, 'b@example.org', 'B', 'x', NULL, ?, ?)`, now, now, now, now)
	testdb.Exec(t, db, "DELETE FROM users WHERE id = 42") // the sequence stays at 42
	testdb.Exec(t, db, "INSERT INTO role_assignments (user_id, role, scope, created_at) VALUES (41, 'partner', '', ?)", now)
	testdb.Exec(t, db, "INSERT INTO sessions (id, data, expires_at, user_id) VALUES ('s', x'00', 0, 41)")
	testdb.Exec(t, db, "INSERT INTO saved_segments (name, name_key, created_by, created_at, updated_at) VALUES ('s', 's', 41, ?, ?)", now, now)

	check := func(when string) {
		t.Helper()
		for q, want := range map[string]int{
			"SELECT COUNT(*) FROM users WHERE id = 41 AND partner_id = 7":       1,
			"SELECT COUNT(*) FROM role_assignments WHERE user_id = 41":          1,
			"SELECT COUNT(*) FROM sessions WHERE user_id = 41":                  1,
			"SELECT COUNT(*) FROM saved_segments WHERE created_by = 41":         1,
			"SELECT seq FROM sqlite_sequence WHERE name = 'users'":              42,
			"SELECT COUNT(*) FROM pragma_foreign_key_check":                     0,
			"SELECT foreign_keys FROM pragma_foreign_keys":                      1,
			"SELECT COUNT(*) FROM sqlite_master WHERE name = 'users_email_key'": 1,
		} {
			var got int
			if err := db.Raw(q).Scan(&got).Error; err != nil {
				t.Fatalf("%s: %s: %v", when, q, err)
			}
			if got != want {
				t.Errorf("%s: %s = %d, want %d", when, q, got, want)
			}
		}
	}
	p, err := database.Migrator(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, partnerKeyVersion); err != nil {
		t.Fatal(err)
	}
	check("up")
	err = db.Exec("INSERT INTO users (email, display_name, password_hash, partner_id, created_at, updated_at) VALUES ('c@example.org', 'C', 'x', 8, ?, ?)", now, now).Error
	if err == nil {
		t.Error("a user of an unknown organisation was inserted")
	}
	if _, err := p.Down(ctx); err != nil {
		t.Fatal(err)
	}
	check("down")
	if _, err := p.UpTo(ctx, partnerKeyVersion); err != nil {
		t.Fatal(err)
	}
	check("up again")
}

// TestPartnerKeyMigrationRefusesUnknownOrganisation: a user whose
// organisation is missing stops the migration with users unchanged.
func TestPartnerKeyMigrationRefusesUnknownOrganisation(t *testing.T) {
	db := testdb.At(t, testdb.URL(t, database.SQLite), partnerKeyVersion-1)
	now := time.Now().UTC()
	testdb.Exec(t, db, "INSERT INTO partners (id, name, kind, created_at, updated_at) VALUES (9, 'Nine', 'other', ?, ?)", now, now)
	testdb.Exec(t, db, `INSERT INTO users (id, email, display_name, password_hash, partner_id, created_at, updated_at)
		VALUES (41, 'a@example.org', 'A', 'x', 9, ?, ?)`, now, now)
	// Before this version nothing held the user's organisation.
	testdb.Exec(t, db, "DELETE FROM partnerships WHERE partner_id = 9")
	testdb.Exec(t, db, "DELETE FROM partners WHERE id = 9")
	p, err := database.Migrator(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), partnerKeyVersion); err == nil {
		t.Fatal("migrated with a user of an unknown organisation")
	}
	var n int
	if err := db.Raw("SELECT COUNT(*) FROM users WHERE id = 41").Scan(&n).Error; err != nil || n != 1 {
		t.Fatalf("users after the refused migration: %d, %v", n, err)
	}
}
