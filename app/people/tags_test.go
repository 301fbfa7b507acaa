package people_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func TestValidateTags(t *testing.T) {
	t.Parallel()
	f := apperr.Fields{}
	got := people.ValidateTags(f, "tags", []string{" Privacy ", "privacy", "LGBTI-rights", "climate"})
	if want := []string{"climate", "lgbti-rights", "privacy"}; !slices.Equal(got, want) || len(f) != 0 {
		t.Fatalf("ValidateTags = %v (%v), want %v", got, f, want)
	}
	for _, bad := range []string{"", "  ", strings.Repeat("x", people.MaxTagRunes+1), "a,b", "a\nb"} {
		f := apperr.Fields{}
		people.ValidateTags(f, "tags", []string{bad})
		if _, ok := f["tags"]; !ok {
			t.Errorf("tag %q accepted", bad)
		}
	}
}

// TestTags: tags are found or created once whoever asks at the same time,
// and tagging a person twice keeps one link.
func TestTags(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		if err := db.Exec("INSERT INTO people (id, given_name, email, created_at, updated_at) VALUES (1, 'A', 'a@example.org', ?, ?), (2, 'B', 'b@example.org', ?, ?)", now, now, now, now).Error; err != nil {
			t.Fatal(err)
		}
		names := []string{"privacy", "climate", "lgbti-rights"}
		var wg sync.WaitGroup
		results := make([]map[string]int64, 8)
		errs := make([]error, 8)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = database.Tx(ctx, db, func(tx *gorm.DB) error {
					ids, err := people.EnsureTags(tx, slices.Clone(names))
					results[i] = ids
					return err
				})
			}()
		}
		wg.Wait()
		for i := range results {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if len(results[i]) != 3 || results[i]["privacy"] != results[0]["privacy"] {
				t.Fatalf("caller %d got %v, caller 0 %v", i, results[i], results[0])
			}
		}
		var n int64
		db.Model(&people.Tag{}).Count(&n)
		if n != 3 {
			t.Fatalf("%d tags, want 3", n)
		}
		ids := []int64{results[0]["privacy"], results[0]["climate"]}
		for range 2 {
			if err := people.TagPeople(db, []int64{1, 2}, ids); err != nil {
				t.Fatal(err)
			}
		}
		got, err := people.TagsOf(db, []int64{1, 2})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got[1], []string{"climate", "privacy"}) || !slices.Equal(got[2], got[1]) {
			t.Fatalf("TagsOf = %v", got)
		}
	})
}
