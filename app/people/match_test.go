package people_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func TestNormalizeHandle(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{" @Saraa ": "saraa", "saraa": "saraa", "@@x": "@x", "": "", "@": "", "Болор": "болор"} {
		if got := people.NormalizeHandle(in); got != want {
			t.Errorf("NormalizeHandle(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMatch: emails and handles are found whatever their letter case and @,
// each value counts once, and the unmatched come back as given.
func TestMatch(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Now().UTC()
		for i, p := range []struct{ email, handle string }{{"saraa@example.org", "@Saraa"}, {"bat@example.org", ""}, {"dewi@example.org", "dewi_id"}} {
			if err := db.Exec("INSERT INTO people (id, given_name, email, handle, created_at, updated_at) VALUES (?, 'P', ?, ?, ?, ?)",
				i+1, p.email, p.handle, now, now).Error; err != nil {
				t.Fatal(err)
			}
		}
		s := people.NewStore(db, nil, clock.System)
		got, err := s.Match(context.Background(),
			[]string{"SARAA@example.org", " bat@example.org", "saraa@example.org", "new@example.org", "", "New@Example.org"},
			[]string{"saraa", "@DEWI_ID", "@nobody", "nobody", "@"})
		if err != nil {
			t.Fatal(err)
		}
		want := people.MatchResult{Matched: 4, Unmatched: 2, UnmatchedValues: []string{"new@example.org", "@nobody"}}
		if got.Matched != want.Matched || got.Unmatched != want.Unmatched || !slices.Equal(got.UnmatchedValues, want.UnmatchedValues) {
			t.Fatalf("Match = %+v, want %+v", got, want)
		}
		// More values than one statement takes.
		many := make([]string, 12000)
		for i := range many {
			many[i] = fmt.Sprintf("follower%d", i)
		}
		many[11999] = "Saraa"
		got, err = s.Match(context.Background(), nil, many)
		if err != nil || got.Matched != 1 || got.Unmatched != 11999 {
			t.Fatalf("12,000 handles: %d matched, %d not, %v", got.Matched, got.Unmatched, err)
		}
	})
}
