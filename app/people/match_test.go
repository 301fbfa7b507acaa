package people_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func TestNormalizeHandle(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{" @Saraa ": "saraa", "saraa": "saraa", "@@x": "@x", "": "", "@": "", "Болор": "болор",
		"https://twitter.com/Saraa": "saraa", "x.com/saraa/": "saraa", "www.tiktok.com/@Saraa?lang=mn": "saraa"} {
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
		for i, p := range []struct{ email, handle string }{{"saraa@example.org", "@Saraa"}, {"bat@example.org", ""}, {"dewi@example.org", "dewi_id"},
			{"bolor@example.org", "@БОЛОР"}} {
			if err := db.Exec("INSERT INTO people (id, given_name, email, handle, created_at, updated_at) VALUES (?, 'P', ?, ?, ?, ?)",
				i+1, p.email, p.handle, now, now).Error; err != nil {
				t.Fatal(err)
			}
		}
		if _, err := people.IndexPending(context.Background(), db); err != nil {
			t.Fatal(err)
		}
		s := people.NewStore(db, nil, clock.System)
		got, err := s.Match(context.Background(),
			[]string{"SARAA@example.org", " bat@example.org", "saraa@example.org", "new@example.org", "", "New@Example.org"},
			[]string{"saraa", "@DEWI_ID", "@nobody", "nobody", "@", "https://twitter.com/Saraa", "x.com/dewi_id/", "Болор"})
		if err != nil {
			t.Fatal(err)
		}
		want := people.MatchResult{Matched: 5, Unmatched: 2, UnmatchedValues: []string{"new@example.org", "@nobody"}}
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

func TestHandleOfLink(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"https://twitter.com/saraa", "@saraa"},
		{"http://twitter.com/saraa", "@saraa"},
		{"HTTPS://Twitter.com/Saraa", "@Saraa"},
		{"https://www.twitter.com/saraa/", "@saraa"},
		{"https://mobile.twitter.com/saraa", "@saraa"},
		{"twitter.com/saraa", "@saraa"},
		{"www.x.com/saraa", "@saraa"},
		{"https://x.com/saraa?s=21&t=abc", "@saraa"},
		{"x.com/saraa/status/123", "@saraa"},
		{"https://x.com/saraa#top", "@saraa"},
		{"https://www.instagram.com/saraa.b/?igsh=xyz", "@saraa.b"},
		{"https://www.tiktok.com/@saraa", "@saraa"},
		{"t.me/saraa", "@saraa"},
		{"@saraa", "@saraa"},
		{"saraa", "saraa"},
		{"https://twitter.com/", "https://twitter.com/"}, // no name: left as it is
		{"https://example.org/saraa", "https://example.org/saraa"},
		{"ftp://twitter.com/saraa", "ftp://twitter.com/saraa"},
		{"notx.com/saraa", "notx.com/saraa"},
		{"", ""},
	} {
		if got := people.HandleOfLink(c.in); got != c.want {
			t.Errorf("HandleOfLink(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzHandleOfLink: the handle of a link is "@" and a name without a
// slash, a query or a fragment, and reading it again changes nothing;
// anything else comes back as it was given.
func FuzzHandleOfLink(f *testing.F) {
	for _, s := range []string{"https://twitter.com/saraa", "x.com/@a/b?c#d", "www.t.me/", "saraa", "://x.com/a", "m.www.x.com/a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := people.HandleOfLink(s)
		if got == s {
			return
		}
		name, ok := strings.CutPrefix(got, "@")
		if !ok || name == "" || strings.ContainsAny(name, "/?#") {
			t.Fatalf("HandleOfLink(%q) = %q", s, got)
		}
		if again := people.HandleOfLink(got); again != got {
			t.Fatalf("HandleOfLink(%q) = %q, then %q", s, got, again)
		}
	})
}
