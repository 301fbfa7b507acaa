package auth_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h, err := auth.DefaultParams().Hash("s3cret-passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not carry its parameters", h)
	}
	h2, _ := auth.DefaultParams().Hash("s3cret-passphrase")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if ok, err := auth.CheckPassword(h, "s3cret-passphrase"); !ok || err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if ok, _ := auth.CheckPassword(h, "s3cret-passphrasE"); ok {
		t.Fatal("wrong password accepted")
	}
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=0,t=1,p=1$AA$AA", "$argon2id$v=19$m=1,t=1,p=1$!!$AA"} {
		if ok, err := auth.CheckPassword(bad, "x"); ok || err == nil {
			t.Errorf("malformed hash %q: ok=%v err=%v", bad, ok, err)
		}
	}
}

// The store of the server and the CLI hashes at production's costs, and a
// hash made at other costs (the tests', or an older default) still signs in.
func TestPasswordParams(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		prod := auth.NewStore(db, clock.System)
		u, err := prod.CreateUser(ctx, 0, auth.NewUser{Email: "prod@example.org", DisplayName: "Prod", Password: "long-enough-pw", Role: access.Coordinator})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Fatalf("NewStore hashes with %q, not production's costs", u.PasswordHash)
		}
		cheap, err := auth.NewStoreWithParams(db, clock.System, auth.TestParams()).CreateUser(ctx, 0, auth.NewUser{Email: "cheap@example.org", DisplayName: "Cheap", Password: "long-enough-pw", Role: access.Coordinator})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(cheap.PasswordHash, "$argon2id$v=19$m=64,t=1,p=1$") {
			t.Fatalf("TestParams hash %q", cheap.PasswordHash)
		}
		for _, email := range []string{"prod@example.org", "cheap@example.org"} {
			if _, err := prod.Authenticate(ctx, email, "long-enough-pw"); err != nil {
				t.Errorf("%s: %v", email, err)
			}
			if _, err := prod.Authenticate(ctx, email, "long-enough-pW"); !errors.Is(err, auth.ErrBadCredentials) {
				t.Errorf("%s with a wrong password: %v", email, err)
			}
		}
	})
}

func fieldsOf(t *testing.T, err error) map[string]apperr.Msg {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.Invalid {
		t.Fatalf("want a validation error, got %v", err)
	}
	return ae.Fields
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := auth.NewStoreWithParams(db, clock.System, auth.TestParams())
		u, err := s.CreateUser(ctx, 0, auth.NewUser{Email: "  Saraa@Example.ORG ", DisplayName: "Saraa", Password: "long-enough-pw", Role: access.Coordinator})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "saraa@example.org" {
			t.Errorf("email not case-folded: %q", u.Email)
		}
		if len(u.Roles) != 1 || u.Roles[0].Role != access.Coordinator || u.Roles[0].Scope != "*" {
			t.Errorf("roles: %+v", u.Roles)
		}
		// The same address in another case is the same account.
		_, err = s.CreateUser(ctx, 0, auth.NewUser{Email: "SARAA@example.org", DisplayName: "Other", Password: "long-enough-pw", Role: access.Participant})
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Kind != apperr.Conflict {
			t.Fatalf("duplicate email: %v", err)
		}
		name, kind := "Youth council", partners.KindYouthCouncil
		org, err := partners.NewStore(db, clock.System).Create(ctx, access.Viewer{Staff: true}, partners.Input{Name: &name, Kind: &kind})
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.CreateUser(ctx, 0, auth.NewUser{Email: "p@example.org", DisplayName: "Partner", Password: "long-enough-pw", Role: access.Partner, PartnerID: org.ID})
		if err != nil {
			t.Fatal(err)
		}
		if p.Roles[0].Scope != access.PartnerScope(org.ID) || p.PartnerID == nil || *p.PartnerID != org.ID {
			t.Errorf("partner scope: %+v", p.Roles)
		}
		if members, err := s.PartnerMembers(ctx, org.ID); err != nil || len(members) != 1 || members[0].ID != p.ID {
			t.Errorf("members of the organisation: %v, %v", members, err)
		}
		entries, _ := audit.List(ctx, db, audit.Filter{Action: "user.create"})
		if len(entries) != 2 {
			t.Errorf("%d user.create audit entries, want 2", len(entries))
		}
		if strings.Contains(entries[0].Details, "long-enough-pw") {
			t.Error("the audit log holds a password")
		}

		for _, tc := range []struct {
			name  string
			in    auth.NewUser
			field string
		}{
			{"bad email", auth.NewUser{Email: "nope", DisplayName: "x", Password: "long-enough-pw", Role: access.Participant}, "email"},
			{"email with name", auth.NewUser{Email: "A <a@b.org>", DisplayName: "x", Password: "long-enough-pw", Role: access.Participant}, "email"},
			{"no name", auth.NewUser{Email: "a@b.org", DisplayName: "  ", Password: "long-enough-pw", Role: access.Participant}, "display_name"},
			{"short password", auth.NewUser{Email: "a@b.org", DisplayName: "x", Password: "short", Role: access.Participant}, "password"},
			{"unknown role", auth.NewUser{Email: "a@b.org", DisplayName: "x", Password: "long-enough-pw", Role: "root"}, "role"},
			{"anonymous is not assignable", auth.NewUser{Email: "a@b.org", DisplayName: "x", Password: "long-enough-pw", Role: access.Anonymous}, "role"},
			{"partner without organisation", auth.NewUser{Email: "a@b.org", DisplayName: "x", Password: "long-enough-pw", Role: access.Partner}, "partner"},
			// SQLite has no foreign key on users.partner_id: the store checks.
			{"organisation that does not exist", auth.NewUser{Email: "a@b.org", DisplayName: "x", Password: "long-enough-pw", Role: access.Partner, PartnerID: 999}, "partner"},
			{"organisation for a non-partner", auth.NewUser{Email: "a@b.org", DisplayName: "x", Password: "long-enough-pw", Role: access.Admin, PartnerID: 2}, "partner"},
			{"unknown locale", auth.NewUser{Email: "a@b.org", DisplayName: "x", Password: "long-enough-pw", Role: access.Admin, Locale: "de"}, "locale"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.CreateUser(ctx, 0, tc.in)
				if _, ok := fieldsOf(t, err)[tc.field]; !ok {
					t.Fatalf("no error on %s: %v", tc.field, err)
				}
			})
		}
		var n int64
		db.Model(&auth.User{}).Count(&n)
		if n != 2 {
			t.Fatalf("%d users after refused creations, want 2", n)
		}
	})
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := auth.NewStoreWithParams(db, clock.System, auth.TestParams())
		u, err := s.CreateUser(ctx, 0, auth.NewUser{Email: "a@example.org", DisplayName: "A", Password: "long-enough-pw", Role: access.Participant})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.Authenticate(ctx, "A@EXAMPLE.org", "long-enough-pw"); err != nil || got.ID != u.ID {
			t.Fatalf("right credentials: %v", err)
		}
		for _, tc := range [][2]string{{"a@example.org", "wrong-password"}, {"nobody@example.org", "long-enough-pw"}, {"", ""}} {
			if _, err := s.Authenticate(ctx, tc[0], tc[1]); err != auth.ErrBadCredentials {
				t.Errorf("Authenticate(%q, %q) = %v", tc[0], tc[1], err)
			}
		}
		db.Model(&auth.User{}).Where("id = ?", u.ID).Update("disabled_at", gorm.Expr("CURRENT_TIMESTAMP"))
		if _, err := s.Authenticate(ctx, "a@example.org", "long-enough-pw"); err != auth.ErrBadCredentials {
			t.Errorf("disabled user signed in: %v", err)
		}
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := auth.NewStoreWithParams(db, clock.System, auth.TestParams())
		u, _ := s.CreateUser(ctx, 0, auth.NewUser{Email: "a@example.org", DisplayName: "A", Password: "long-enough-pw", Role: access.Coordinator})
		tok, rec, err := s.CreateToken(ctx, "a@example.org", "sync")
		if err != nil {
			t.Fatal(err)
		}
		var row struct{ TokenHash []byte }
		db.Raw("SELECT token_hash FROM api_tokens WHERE id = ?", rec.ID).Scan(&row)
		if strings.Contains(string(row.TokenHash), tok) || len(row.TokenHash) != 32 {
			t.Fatal("the token is stored, not its hash")
		}
		got, err := s.UserByToken(ctx, tok)
		if err != nil || got.ID != u.ID || !got.HasRole(access.Coordinator) {
			t.Fatalf("UserByToken: %v", err)
		}
		for _, bad := range []string{"", "gtg_", "gtg_wrong", tok + "x", strings.TrimPrefix(tok, "gtg_")} {
			if _, err := s.UserByToken(ctx, bad); err != auth.ErrBadToken {
				t.Errorf("UserByToken(%q) = %v", bad, err)
			}
		}
		if err := s.RevokeToken(ctx, rec.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, tok); err != auth.ErrBadToken {
			t.Fatalf("revoked token accepted: %v", err)
		}
		if err := s.RevokeToken(ctx, rec.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("second revoke: %v", err)
		}
		if _, _, err := s.CreateToken(ctx, "nobody@example.org", "x"); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("token for nobody: %v", err)
		}
	})
}

// ListByRole gives the enabled holders of the roles asked for, and nobody else.
func TestListByRole(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := auth.NewStoreWithParams(db, clock.System, auth.TestParams())
		ids := map[string]int64{}
		for _, u := range []struct{ email, role string }{{"lead@example.org", access.Facilitator},
			{"coord@example.org", access.Coordinator}, {"admin@example.org", access.Admin}, {"gone@example.org", access.Facilitator}} {
			made, err := s.CreateUser(ctx, 0, auth.NewUser{Email: u.email, DisplayName: u.email, Password: "long-enough-pw", Role: u.role})
			if err != nil {
				t.Fatal(err)
			}
			ids[u.email] = made.ID
		}
		if err := db.Model(&auth.User{}).Where("id = ?", ids["gone@example.org"]).Update("disabled_at", time.Now()).Error; err != nil {
			t.Fatal(err)
		}
		emails := func(roles ...string) []string {
			users, err := s.ListByRole(ctx, roles...)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, u := range users {
				out = append(out, u.Email)
			}
			return out
		}
		if got := emails(access.Facilitator); !slices.Equal(got, []string{"lead@example.org"}) {
			t.Errorf("facilitators %v, want the enabled one only", got)
		}
		if got := emails(access.Coordinator, access.Admin); !slices.Equal(got, []string{"admin@example.org", "coord@example.org"}) {
			t.Errorf("coordinators and admins %v", got)
		}
		if got := emails(access.Partner); len(got) != 0 {
			t.Errorf("partners %v, want none", got)
		}
		// The audit log names actors by email, disabled ones too; an id
		// without an account names nobody.
		byID, err := s.EmailsByID(ctx, []int64{ids["lead@example.org"], ids["gone@example.org"], 999999})
		if err != nil || len(byID) != 2 || byID[ids["lead@example.org"]] != "lead@example.org" || byID[ids["gone@example.org"]] != "gone@example.org" {
			t.Errorf("EmailsByID = %v, %v", byID, err)
		}
		if none, err := s.EmailsByID(ctx, nil); err != nil || len(none) != 0 {
			t.Errorf("EmailsByID(nil) = %v, %v", none, err)
		}
	})
}

// TestDatedByTheClock: accounts, roles, profiles and tokens, and a token's
// use and revocation, are dated by the store's clock, not the machine's.
func TestDatedByTheClock(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		at := time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)
		s := auth.NewStore(db, func() time.Time { return at })
		u, err := s.CreateUser(ctx, 0, auth.NewUser{Email: "a@example.org", DisplayName: "A", Password: "long-enough-pw", Role: access.Coordinator})
		if err != nil {
			t.Fatal(err)
		}
		tok, rec, err := s.CreateToken(ctx, "a@example.org", "sync")
		if err != nil {
			t.Fatal(err)
		}
		at = at.Add(time.Hour)
		if err := s.UpdateProfile(ctx, u.ID, "B", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		at = at.Add(time.Hour)
		if err := s.RevokeToken(ctx, rec.ID); err != nil {
			t.Fatal(err)
		}
		got, err := s.UserByEmail(ctx, "a@example.org")
		if err != nil {
			t.Fatal(err)
		}
		start := at.Add(-2 * time.Hour)
		if !got.CreatedAt.Equal(start) || !got.Roles[0].CreatedAt.Equal(start) || !got.UpdatedAt.Equal(start.Add(time.Hour)) {
			t.Errorf("user created %v, role %v, updated %v; want %v and an hour later", got.CreatedAt, got.Roles[0].CreatedAt, got.UpdatedAt, start)
		}
		ts, err := s.ListTokens(ctx, "a@example.org")
		if err != nil || len(ts) != 1 {
			t.Fatalf("tokens %v, %v", ts, err)
		}
		if tk := ts[0]; !tk.CreatedAt.Equal(start) || tk.LastUsedAt == nil || !tk.LastUsedAt.Equal(start.Add(time.Hour)) ||
			tk.RevokedAt == nil || !tk.RevokedAt.Equal(at) {
			t.Errorf("token created %v, used %v, revoked %v", tk.CreatedAt, tk.LastUsedAt, tk.RevokedAt)
		}
	})
}
