package people_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

func newStore(t *testing.T, db *gorm.DB) *people.Store {
	t.Helper()
	sealer, err := people.NewSealer(keys.Derive([]byte("0123456789abcdef0123456789abcdef")).Seal)
	if err != nil {
		t.Fatal(err)
	}
	return people.NewStore(db, sealer, clock.System)
}

// count is the rows of a table.
func count(t *testing.T, db *gorm.DB, table string) int64 {
	t.Helper()
	var n int64
	if err := db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// auditOf is the details of the audit entries with action, oldest first.
func auditOf(t *testing.T, db *gorm.DB, action string) []string {
	t.Helper()
	entries, err := audit.List(context.Background(), db, audit.Filter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		out[len(entries)-1-i] = e.Details
	}
	return out
}

// TestStaffCreateUpdate: staff create and change people; tags are a set,
// emails unique without letter case, the audit log names the fields and
// never their values, and a refusal writes nothing.
func TestStaffCreateUpdate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := newStore(t, db)
		year := 2004
		saraa, err := s.Create(ctx, 7, people.Input{GivenName: "Сараа", FamilyName: "Болд", Email: "Saraa@Example.org",
			BirthYear: &year, Region: "MN-057", Locality: people.Rural, Tags: []string{"Privacy", "climate"}, Volunteer: true}, true, false)
		if err != nil {
			t.Fatal(err)
		}
		if *saraa.Email != "saraa@example.org" || saraa.Source != people.SourceStaff || !slices.Equal(saraa.Tags, []string{"climate", "privacy"}) ||
			len(saraa.Consents) != 1 || !saraa.Consents[0].Given || saraa.Consents[0].Source != people.ConsentStaff ||
			saraa.ConsentAt == nil || saraa.ConsentVersion != people.ConsentVersion || !saraa.Consenting() {
			t.Fatalf("created %+v", saraa)
		}
		if got := auditOf(t, db, "person.create"); len(got) != 1 ||
			got[0] != `{"fields":["given_name","family_name","email","birth_year","region","locality","volunteer","tags","consent"]}` {
			t.Fatalf("audit of the creation: %v", got)
		}
		bat, err := s.Create(ctx, 7, people.Input{GivenName: "Bat", Email: "bat@example.org"}, false, false)
		if err != nil {
			t.Fatal(err)
		}
		if bat.ConsentAt != nil || len(bat.Consents) != 0 || bat.Consenting() {
			t.Fatalf("a person created without consent: %+v", bat)
		}

		// Refusals write nothing.
		before := [3]int64{count(t, db, "people"), count(t, db, "person_tags"), count(t, db, "audit_log")}
		for name, try := range map[string]func() error{
			"same email, other case": func() error {
				_, err := s.Create(ctx, 7, people.Input{GivenName: "X", Email: "SARAA@example.ORG", Tags: []string{"new-tag"}}, true, false)
				return err
			},
			"no name": func() error {
				_, err := s.Create(ctx, 7, people.Input{Email: "x@example.org"}, true, false)
				return err
			},
			"update to a taken email": func() error {
				_, err := s.Update(ctx, 7, bat.ID, people.Input{GivenName: "Bat", Email: "saraa@EXAMPLE.org", Tags: []string{"new-tag"}})
				return err
			},
			"update with a bad region": func() error {
				_, err := s.Update(ctx, 7, bat.ID, people.Input{GivenName: "Bat", Region: "XX-1"})
				return err
			},
		} {
			err := try()
			var ae *apperr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("%s: %v", name, err)
			}
			if strings.Contains(name, "email") && (ae.Kind != apperr.Conflict || ae.Fields["email"].ID != "error_person_email_taken") {
				t.Errorf("%s: %+v, want a conflict on email", name, ae)
			}
			if !strings.Contains(name, "email") && ae.Kind != apperr.Invalid {
				t.Errorf("%s: %+v, want invalid", name, ae)
			}
		}
		if after := [3]int64{count(t, db, "people"), count(t, db, "person_tags"), count(t, db, "audit_log")}; after != before {
			t.Fatalf("refusals wrote: %v, then %v", before, after)
		}
		if _, err := s.Update(ctx, 7, 9999, people.Input{GivenName: "Nobody"}); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("update of nobody: %v", err)
		}

		// An update: the tags become exactly the new set.
		in := saraa.Input()
		in.FamilyName, in.Tags = "Bold", []string{"privacy", "LGBTI rights"}
		updated, err := s.Update(ctx, 8, saraa.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if updated.FamilyName != "Bold" || !slices.Equal(updated.Tags, []string{"lgbti rights", "privacy"}) || updated.Locality != people.Rural {
			t.Fatalf("updated %+v", updated)
		}
		if got := auditOf(t, db, "person.update"); len(got) != 1 || got[0] != `{"fields":["family_name","tags"]}` {
			t.Fatalf("audit of the update: %v", got)
		}
		for _, e := range auditOf(t, db, "") {
			for _, value := range []string{"Bold", "lgbti", "saraa@", "MN-057", "2004"} {
				if strings.Contains(e, value) {
					t.Errorf("the audit log holds the value %q: %s", value, e)
				}
			}
		}
		if _, err := s.Update(ctx, 8, saraa.ID, updated.Input()); err != nil {
			t.Fatal(err)
		}
		if got := auditOf(t, db, "person.update"); len(got) != 1 {
			t.Fatalf("an update that changes nothing was audited: %v", got)
		}
		tags, err := people.TagsOf(db, []int64{saraa.ID, bat.ID})
		if err != nil || len(tags[saraa.ID]) != 2 || len(tags[bat.ID]) != 0 || count(t, db, "person_tags") != 2 {
			t.Fatalf("tag links: %v %v", tags, err)
		}
	})
}

// TestSetConsent: staff record consent withdrawn and given again; the
// history keeps every change, the person keeps the latest given consent.
func TestSetConsent(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := newStore(t, db)
		p, err := s.Create(ctx, 7, people.Input{GivenName: "Dewi"}, true, false)
		if err != nil {
			t.Fatal(err)
		}
		given := *p.ConsentAt
		for i, step := range []struct {
			given, changed, standing bool
			history                  int
		}{
			{true, false, true, 1},  // already given to the current text
			{false, true, false, 2}, // withdrawn
			{false, false, false, 2},
			{true, true, true, 3}, // given again
		} {
			changed, err := s.SetConsent(ctx, 7, p.ID, step.given)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Get(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if changed != step.changed || got.Consenting() != step.standing || len(got.Consents) != step.history {
				t.Fatalf("step %d: changed %v, standing %v, %d in the history", i, changed, got.Consenting(), len(got.Consents))
			}
			if i == 1 && !got.ConsentAt.Equal(given) {
				t.Fatalf("a withdrawal moved the latest given consent: %v, was %v", got.ConsentAt, given)
			}
			if i == 3 && (got.ConsentAt.Before(given) || got.Consents[0].Source != people.ConsentStaff || got.Consents[1].Given) {
				t.Fatalf("given again: %+v", got)
			}
		}
		if got := auditOf(t, db, "person.consent"); !slices.Equal(got, []string{`{"given":false}`, `{"given":true}`}) {
			t.Fatalf("audit of consents: %v", got)
		}
		if _, err := s.SetConsent(ctx, 7, 9999, true); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("consent of nobody: %v", err)
		}
		// A person from before the history: their consent on the record stands.
		old := time.Now().UTC().Add(-48 * time.Hour)
		var oldID int64
		if err := db.Raw("INSERT INTO people (given_name, consent_version, consent_at, created_at, updated_at) VALUES ('Old', '2025-01', ?, ?, ?) RETURNING id", old, old, old).Scan(&oldID).Error; err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Get(ctx, oldID); !got.Consenting() {
			t.Fatal("a consent recorded before the history does not stand")
		}
		if changed, err := s.SetConsent(ctx, 7, oldID, true); err != nil || !changed {
			t.Fatalf("consent to the current text over an older one: %v %v", changed, err)
		}
	})
}

// statements counts the SQL statements a database handle runs.
type statements struct {
	logger.Interface
	n atomic.Int64
}

func (s *statements) LogMode(logger.LogLevel) logger.Interface { return s }
func (s *statements) Trace(context.Context, time.Time, func() (string, int64), error) {
	s.n.Add(1)
}

// TestRecordConsents: consent given through a form is one history row per
// person in one statement; people found rather than created get it as their
// latest consent in one more statement, only when there are such people.
func TestRecordConsents(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := newStore(t, db)
		old := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Second)
		var knownID int64
		if err := db.Raw("INSERT INTO people (given_name, email, consent_version, consent_at, created_at, updated_at) VALUES ('Known', 'known@example.org', '2025-01', ?, ?, ?) RETURNING id", old, old, old).Scan(&knownID).Error; err != nil {
			t.Fatal(err)
		}
		decl := func(email string) people.Declared {
			return people.Declared{GivenName: "A", Email: email, BirthYear: 2004, Locality: people.Rural}
		}
		run := func(decls []people.Declared) (int64, time.Time) {
			t.Helper()
			now := time.Now().UTC().Truncate(time.Microsecond)
			counter := &statements{Interface: logger.Discard}
			err := database.Tx(ctx, db, func(tx *gorm.DB) error {
				found, err := s.FindOrCreate(tx, decls, "registration", now)
				if err != nil {
					return err
				}
				var list []*people.Person
				for _, d := range decls {
					list = append(list, found[d.Email])
				}
				return s.RecordConsents(tx.Session(&gorm.Session{Logger: counter}), list, people.ConsentRegistration, now)
			})
			if err != nil {
				t.Fatal(err)
			}
			return counter.n.Load(), now
		}
		if n, _ := run([]people.Declared{decl("new1@example.org"), decl("new2@example.org"), decl("new1@example.org")}); n != 1 {
			t.Fatalf("new people only: %d statements, want 1", n)
		}
		n, now := run([]people.Declared{decl("known@example.org"), decl("new3@example.org")})
		if n != 2 {
			t.Fatalf("a known person among new ones: %d statements, want 2", n)
		}
		var rows []people.Consent
		if err := db.Order("id").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 {
			t.Fatalf("%d consent rows, want 4 (new1, new2, known, new3)", len(rows))
		}
		for _, r := range rows {
			if !r.Given || r.Source != people.ConsentRegistration || r.Version != people.ConsentVersion {
				t.Fatalf("row %+v", r)
			}
		}
		known, err := s.Get(ctx, knownID)
		if err != nil {
			t.Fatal(err)
		}
		if known.ConsentVersion != people.ConsentVersion || !known.ConsentAt.Equal(now) || len(known.Consents) != 1 {
			t.Fatalf("the known person's latest consent: %+v", known.Person)
		}
	})
}

func TestChangedFields(t *testing.T) {
	t.Parallel()
	year, other := 2004, 2005
	base := people.Input{GivenName: "A", Email: "a@example.org", BirthYear: &year, Tags: []string{"b", "a"}}
	for _, tc := range []struct {
		name string
		edit func(*people.Input)
		want []string
	}{
		{"nothing", func(*people.Input) {}, []string{}},
		{"tags in another order", func(in *people.Input) { in.Tags = []string{"a", "b"} }, []string{}},
		{"a tag fewer", func(in *people.Input) { in.Tags = []string{"a"} }, []string{"tags"}},
		{"birth year cleared", func(in *people.Input) { in.BirthYear = nil }, []string{"birth_year"}},
		{"birth year changed", func(in *people.Input) { in.BirthYear = &other }, []string{"birth_year"}},
		{"several", func(in *people.Input) { in.Email, in.Volunteer, in.Handle = "", true, "@a" }, []string{"email", "handle", "volunteer"}},
	} {
		after := base
		after.Tags = slices.Clone(base.Tags)
		tc.edit(&after)
		if got := people.ChangedFields(base, after); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestTitlesIn(t *testing.T) {
	t.Parallel()
	titles := people.Titles{"en": "Camp", "mn": "Зуслан", "fr": ""}
	for _, tc := range []struct{ lang, def, want string }{
		{"mn", "en", "Зуслан"}, {"fr", "en", "Camp"}, {"id", "mn", "Зуслан"}, {"id", "fr", "Camp"},
	} {
		if got := titles.In(tc.lang, tc.def); got != tc.want {
			t.Errorf("In(%s, %s) = %q, want %q", tc.lang, tc.def, got, tc.want)
		}
	}
	if got := (people.Titles{}).In("en", "en"); got != "" {
		t.Errorf("no titles: %q", got)
	}
}
