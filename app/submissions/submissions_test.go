package submissions_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/links"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/submissions"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func TestMain(m *testing.M) { testdb.Main(m) }

type form struct {
	Email      string
	Disability bool
}

func newStore(t *testing.T, db *gorm.DB, now *time.Time) *submissions.Store {
	sealer, err := people.NewSealer(keys.Derive([]byte("0123456789abcdef0123456789abcdef")).Seal)
	if err != nil {
		t.Fatal(err)
	}
	return submissions.NewStore(db, sealer, func() time.Time { return *now })
}

func create(t *testing.T, db *gorm.DB, s *submissions.Store, f form) string {
	var token string
	err := database.Tx(context.Background(), db, func(tx *gorm.DB) error {
		var err error
		token, err = s.Create(tx, submissions.KindRegistration, 7, f, "mn")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func TestSubmissionLifecycle(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2027, 3, 2, 10, 0, 0, 0, time.UTC)
		s := newStore(t, db, &now)
		token := create(t, db, s, form{Email: "saraa@example.org", Disability: true})

		// Nothing of the form is readable in the row, nor the token.
		var row submissions.Submission
		if err := db.Take(&row).Error; err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"saraa", token} {
			if bytes.Contains(row.Payload, []byte(secret)) || bytes.Contains(row.TokenHash, []byte(secret)) {
				t.Fatalf("row holds %q in clear", secret)
			}
		}

		sub, err := s.Find(ctx, submissions.KindRegistration, token)
		if err != nil {
			t.Fatal(err)
		}
		var got form
		if err := s.Form(sub, &got); err != nil || got != (form{Email: "saraa@example.org", Disability: true}) {
			t.Fatalf("form = %+v, %v", got, err)
		}
		if sub.TargetID != 7 || sub.Locale != "mn" || sub.UsedAt != nil {
			t.Fatalf("submission = %+v", sub)
		}
		// Another kind, junk, or an unknown token find nothing, alike.
		other, _ := links.New()
		for _, tc := range []struct{ kind, token string }{
			{submissions.KindSignature, token}, {submissions.KindRegistration, "x"},
			{submissions.KindRegistration, other}, {submissions.KindRegistration, token + "'--"},
		} {
			if _, err := s.Find(ctx, tc.kind, tc.token); !errors.Is(err, submissions.ErrLinkExpired) {
				t.Errorf("Find(%s, %q) = %v", tc.kind, tc.token, err)
			}
		}

		// Many taps at once: one claims it.
		var wg sync.WaitGroup
		var mu sync.Mutex
		claimed := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := database.Tx(ctx, db, func(tx *gorm.DB) error {
					ok, err := s.Claim(tx, sub.ID)
					if ok[sub.ID] {
						mu.Lock()
						claimed++
						mu.Unlock()
						return s.SetResults(tx, map[int64]int64{sub.ID: 31})
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if claimed != 1 {
			t.Fatalf("%d taps claimed the submission", claimed)
		}
		sub, err = s.Find(ctx, submissions.KindRegistration, token)
		if err != nil || sub.UsedAt == nil || sub.ResultID == nil || *sub.ResultID != 31 {
			t.Fatalf("after the tap: %+v, %v", sub, err)
		}

		// Past its lifetime the link is dead, and the purge takes the form.
		now = now.Add(submissions.Lifetime)
		if _, err := s.Find(ctx, submissions.KindRegistration, token); !errors.Is(err, submissions.ErrLinkExpired) {
			t.Fatalf("expired link: %v", err)
		}
		fresh := create(t, db, s, form{Email: "bold@example.org"})
		n, err := s.Purge(ctx)
		if err != nil || n != 1 {
			t.Fatalf("purge = %d, %v", n, err)
		}
		if _, err := s.Find(ctx, submissions.KindRegistration, fresh); err != nil {
			t.Fatalf("the live submission went too: %v", err)
		}
	})
}

// FindAll reads several links at once (the taps of a rush) and finds each
// as Find would: a malformed, unknown or expired token, or one of another
// kind, is simply not in the answer.
func TestFindAll(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2027, 3, 2, 10, 0, 0, 0, time.UTC)
		s := newStore(t, db, &now)
		first := create(t, db, s, form{Email: "saraa@example.org"})
		second := create(t, db, s, form{Email: "bold@example.org"})
		var signature string
		if err := database.Tx(ctx, db, func(tx *gorm.DB) error {
			var err error
			signature, err = s.Create(tx, submissions.KindSignature, 7, form{Email: "tuya@example.org"}, "mn")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		unknown, _ := links.New()
		found, err := s.FindAll(ctx, submissions.KindRegistration, []string{first, "not a token", second, unknown, signature})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 2 || found[first] == nil || found[second] == nil {
			t.Fatalf("found %d of the 2 registration links: %v", len(found), found)
		}
		var f form
		if err := s.Form(found[second], &f); err != nil || f.Email != "bold@example.org" {
			t.Fatalf("the second link opened %+v (%v)", f, err)
		}
		if none, err := s.FindAll(ctx, submissions.KindRegistration, []string{"x"}); err != nil || len(none) != 0 {
			t.Fatalf("malformed only: %v, %v", none, err)
		}
		now = now.Add(submissions.Lifetime + time.Second)
		if gone, err := s.FindAll(ctx, submissions.KindRegistration, []string{first, second}); err != nil || len(gone) != 0 {
			t.Fatalf("expired links found: %v, %v", gone, err)
		}
	})
}
