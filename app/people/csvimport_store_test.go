package people_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// importCount counts the rows of table matching where.
func importCount(t *testing.T, db *gorm.DB, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := db.Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// importFingerprint is what an import may change, to prove that a refused
// one changed nothing.
func importFingerprint(t *testing.T, db *gorm.DB) string {
	t.Helper()
	var parts []string
	for _, table := range []string{"people", "person_tags", "tags", "person_consents", "audit_log", "import_uploads"} {
		parts = append(parts, fmt.Sprint(importCount(t, db, table, "")))
	}
	var updated []time.Time
	if err := db.Table("people").Order("id").Pluck("updated_at", &updated).Error; err != nil {
		t.Fatal(err)
	}
	return strings.Join(parts, " ") + fmt.Sprint(updated)
}

func importPerson(t *testing.T, db *gorm.DB, email string) (people.Person, []string) {
	t.Helper()
	var p people.Person
	if err := db.Where("email = ?", email).Take(&p).Error; err != nil {
		t.Fatalf("%s: %v", email, err)
	}
	tags, err := people.TagsOf(db, []int64{p.ID})
	if err != nil {
		t.Fatal(err)
	}
	return p, tags[p.ID]
}

// TestImportStore: a file creates people with their tags and consent, then
// a second file skips or updates them (only the cells it gives), a repeated
// email is rejected, and a refused import writes nothing.
func TestImportStore(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		at := now
		s := people.NewStore(db, nil, func() time.Time { return at })
		first := "given_name,family_name,email,phone,birth_year,region,locality,handle,volunteer,tags,consent\n" +
			"Сараа,Болд,Saraa@Example.org,+976 99 11 22 33,2004,MN-057,rural,@saraa,yes,Privacy;LGBTI rights,yes\n" +
			"Bat,Dorj,bat@example.org,,,,,,,privacy,\n" +
			"Dewi,,dewi@,,,,,,,,\n" +
			"Ayu,,SARAA@EXAMPLE.ORG,,,,,,,,\n"
		rep, err := s.Import(ctx, []byte(first), people.ImportOptions{ActorID: 0})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 2 || rep.Updated != 0 || rep.Skipped != 0 || len(rep.Rejected) != 2 ||
			rep.Rejected[0].Line != 4 || rep.Rejected[1].Line != 5 || rep.Rejected[1].Reason.ID != "import_error_same_email" {
			t.Fatalf("first import: %+v", rep)
		}
		saraa, tags := importPerson(t, db, "saraa@example.org")
		if saraa.GivenName != "Сараа" || saraa.Phone != "+976 99 11 22 33" || saraa.Locality != "rural" || !saraa.Volunteer ||
			saraa.Source != people.ConsentImport || saraa.ConsentAt == nil || saraa.ConsentVersion != people.ConsentVersion ||
			!reflect.DeepEqual(tags, []string{"lgbti rights", "privacy"}) {
			t.Fatalf("Saraa = %+v, tags %v", saraa, tags)
		}
		bat, tags := importPerson(t, db, "bat@example.org")
		if bat.ConsentAt != nil || bat.Volunteer || !reflect.DeepEqual(tags, []string{"privacy"}) {
			t.Fatalf("Bat = %+v, tags %v", bat, tags)
		}
		if n := importCount(t, db, "person_consents", "person_id = ? AND given AND source = ?", saraa.ID, people.ConsentImport); n != 1 {
			t.Fatalf("%d consents of Saraa", n)
		}
		if n := importCount(t, db, "audit_log", "action = 'people.import'"); n != 1 {
			t.Fatalf("%d audit entries", n)
		}

		// Known people are skipped by default…
		second := "email,given_name,phone,volunteer,tags,consent,region\n" +
			"saraa@example.org,Saraa,,no,camps,no,\n" +
			"new@example.org,Nomin,,,,,\n"
		before := importFingerprint(t, db)
		at = now.Add(time.Minute)
		rep, err = s.Import(ctx, []byte(second), people.ImportOptions{})
		if err != nil || rep.Created != 1 || rep.Skipped != 1 || rep.Updated != 0 {
			t.Fatalf("skip: %+v %v", rep, err)
		}
		if after, _ := importPerson(t, db, "saraa@example.org"); !after.UpdatedAt.Equal(saraa.UpdatedAt) || after.GivenName != "Сараа" {
			t.Fatalf("a skipped person changed: %+v", after)
		}
		if importFingerprint(t, db) == before {
			t.Fatal("the skipping import wrote nothing")
		}
		// …and updated when asked: only the cells the row gives; tags are
		// added; consent "no" withdraws.
		at = now.Add(2 * time.Minute)
		rep, err = s.Import(ctx, []byte(second), people.ImportOptions{Update: true})
		if err != nil || rep.Created != 0 || rep.Updated != 2 || rep.Skipped != 0 {
			t.Fatalf("update: %+v %v", rep, err)
		}
		after, tags := importPerson(t, db, "saraa@example.org")
		if after.GivenName != "Saraa" || after.FamilyName != "Болд" || after.Phone != "+976 99 11 22 33" || after.Volunteer ||
			after.Region != "MN-057" || *after.BirthYear != 2004 || after.ConsentAt != nil || after.ConsentVersion != "" ||
			!reflect.DeepEqual(tags, []string{"camps", "lgbti rights", "privacy"}) || !after.UpdatedAt.After(saraa.UpdatedAt) {
			t.Fatalf("updated Saraa = %+v, tags %v", after, tags)
		}
		if n := importCount(t, db, "person_consents", "person_id = ? AND NOT given", saraa.ID); n != 1 {
			t.Fatalf("%d withdrawals of Saraa", n)
		}
		// Consent again, by update.
		at = now.Add(3 * time.Minute)
		if _, err := s.Import(ctx, []byte("email,given_name,consent\nsaraa@example.org,Saraa,oui\n"),
			people.ImportOptions{Update: true}); err != nil {
			t.Fatal(err)
		}
		if again, _ := importPerson(t, db, "saraa@example.org"); again.ConsentAt == nil || again.ConsentVersion != people.ConsentVersion {
			t.Fatalf("consent again: %+v", again)
		}

		// All or nothing: a bad row, and nothing is written.
		before = importFingerprint(t, db)
		rep, err = s.Import(ctx, []byte("email,given_name\nfresh@example.org,Fresh\nbad,Bad\n"),
			people.ImportOptions{AllOrNothing: true})
		if !errors.Is(err, people.ErrImportRejected) || len(rep.Rejected) != 1 || rep.Rejected[0].Line != 3 || rep.Created != 0 {
			t.Fatalf("all or nothing: %+v %v", rep, err)
		}
		if importFingerprint(t, db) != before {
			t.Fatal("a refused all-or-nothing import wrote")
		}
		// Without a bad row it writes.
		rep, err = s.Import(ctx, []byte("email,given_name\nfresh@example.org,Fresh\n"), people.ImportOptions{AllOrNothing: true})
		if err != nil || rep.Created != 1 {
			t.Fatalf("all or nothing, all good: %+v %v", rep, err)
		}
	})
}

// TestImportBatches: a file of several batches is written whole, and a
// CSV error in its last batch undoes the batches written before it.
func TestImportBatches(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := people.NewStore(db, nil, clock.System)
		n := 2*people.ImportBatch + 500
		var b strings.Builder
		b.WriteString("email,given_name,tags\n")
		for i := range n {
			fmt.Fprintf(&b, "p%d@example.org,P%d,t%d;all\n", i, i, i%7)
		}
		// A file whose last record is not CSV.
		broken := b.String() + "late@example.org,\"Late\n"
		before := importFingerprint(t, db)
		if _, err := s.Import(ctx, []byte(broken), people.ImportOptions{}); err == nil {
			t.Fatal("a broken file imports")
		} else if _, id := importErrID(t, err); id != "import_error_csv" {
			t.Fatalf("broken file: %v", err)
		}
		if importFingerprint(t, db) != before {
			t.Fatal("a broken file left batches behind")
		}
		rep, err := s.Import(ctx, []byte(b.String()), people.ImportOptions{})
		if err != nil || rep.Created != n || len(rep.Rejected) != 0 {
			t.Fatalf("%d rows: %+v %v", n, rep, err)
		}
		if got := importCount(t, db, "people", ""); got != int64(n) {
			t.Fatalf("%d people", got)
		}
		if got := importCount(t, db, "person_tags", ""); got != int64(2*n) {
			t.Fatalf("%d tag links, want %d", got, 2*n)
		}
		if got := importCount(t, db, "tags", ""); got != 8 {
			t.Fatalf("%d tags", got)
		}
		// Again, updating: every person is known.
		rep, err = s.Import(ctx, []byte(b.String()), people.ImportOptions{Update: true})
		if err != nil || rep.Updated != n || rep.Created != 0 {
			t.Fatalf("again: %+v %v", rep, err)
		}
	})
}

// TestImportUploads: an upload is its uploader's only, lasts an hour, and
// goes with its import, once.
func TestImportUploads(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		users := auth.NewStoreWithParams(db, clock.System, auth.TestParams())
		var ids []int64
		for _, email := range []string{"a@example.org", "b@example.org"} {
			u, err := users.CreateUser(ctx, 0, auth.NewUser{Email: email, DisplayName: "x", Password: "correct-horse-battery", Role: "coordinator"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, u.ID)
		}
		now := time.Now().UTC()
		at := now
		s := people.NewStore(db, nil, func() time.Time { return at })
		up := &people.ImportUpload{UserID: ids[0], Filename: "list.csv", Data: []byte("email,given_name\nx@example.org,X\n")}
		if err := s.SaveUpload(ctx, up); err != nil {
			t.Fatal(err)
		}
		gone := func(id, user int64, when time.Time) bool {
			at = when
			defer func() { at = now }()
			_, err := s.Upload(ctx, id, user)
			var ae *apperr.Error
			return errors.As(err, &ae) && ae.Kind == apperr.NotFound
		}
		if got, err := s.Upload(ctx, up.ID, ids[0]); err != nil || string(got.Data) != string(up.Data) {
			t.Fatalf("own upload: %v", err)
		}
		if !gone(up.ID, ids[1], now) || !gone(up.ID, ids[0], now.Add(people.ImportUploadLifetime)) {
			t.Fatal("an upload reaches another user, or outlives its hour")
		}
		at = now.Add(time.Minute)
		if err := s.SweepUploads(ctx); err != nil || importCount(t, db, "import_uploads", "") != 1 {
			t.Fatalf("a live upload was swept: %v", err)
		}
		at = now
		opts := people.ImportOptions{UploadID: up.ID, ActorID: ids[0]}
		if rep, err := s.Import(ctx, up.Data, opts); err != nil || rep.Created != 1 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		if !gone(up.ID, ids[0], now) {
			t.Fatal("an imported upload stays")
		}
		// A second click imports nothing.
		before := importFingerprint(t, db)
		if _, err := s.Import(ctx, []byte("email,given_name\ny@example.org,Y\n"), opts); err == nil {
			t.Fatal("an upload imports twice")
		}
		if importFingerprint(t, db) != before {
			t.Fatal("the second import wrote")
		}
		// Expired uploads are swept.
		at = now.Add(-2 * time.Hour)
		old := &people.ImportUpload{UserID: ids[1], Data: []byte("x")}
		if err := s.SaveUpload(ctx, old); err != nil {
			t.Fatal(err)
		}
		at = now
		if err := s.SweepUploads(ctx); err != nil || importCount(t, db, "import_uploads", "") != 0 {
			t.Fatalf("an expired upload stays: %v", err)
		}
	})
}
