package segments

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// TestValues: a filter's canonical query reads back as the same filter,
// and two spellings of one filter are spelt alike.
func TestValues(t *testing.T) {
	t.Parallel()
	for _, q := range []string{
		"", "q=Saraa", "tag=Privacy&tag=climate&any_tag=b&any_tag=a", "region=MN-057&locality=rural",
		"age_min=16&age_max=30", "volunteer=yes", "volunteer=0", "attended=camp&signed=3&created_since=2026-01-01",
	} {
		v, _ := url.ParseQuery(q)
		f, err := Parse(v)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		again, err := Parse(f.Values())
		if err != nil || !reflect.DeepEqual(again, f) {
			t.Errorf("%s: %+v read back as %+v (%v)", q, f, again, err)
		}
	}
	a, _ := ParseQuery("query", "?volunteer=yes&tag=Privacy&locality=rural")
	b, _ := ParseQuery("query", "locality=rural&volunteer=true&tag=privacy&tag=PRIVACY")
	if a.Values().Encode() != b.Values().Encode() || a.Values().Encode() != "locality=rural&tag=privacy&volunteer=true" {
		t.Fatalf("two spellings: %q and %q", a.Values().Encode(), b.Values().Encode())
	}
	for _, bad := range []string{"colour=red", "age_min=x", "%zz"} {
		_, err := ParseQuery("query", bad)
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Kind != apperr.Invalid || len(ae.Fields) != 1 || ae.Fields["query"].ID == "" {
			t.Errorf("%s: %v, want one error on query", bad, err)
		}
	}
}

// FuzzValues: whatever query Parse accepts, its canonical spelling gives the
// same filter.
func FuzzValues(f *testing.F) {
	for _, s := range []string{"tag=privacy&age_min=16&age_max=30", "q=%25_%5C", "any_tag=a&signed=3&volunteer=no"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		v, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		flt, err := Parse(v)
		if err != nil {
			return
		}
		again, err := Parse(flt.Values())
		if err != nil || !reflect.DeepEqual(again, flt) {
			t.Fatalf("%q: %+v read back as %+v (%v)", query, flt, again, err)
		}
	})
}

// counter counts the SQL statements a handle runs.
type counter struct {
	logger.Interface
	n atomic.Int64
}

func (c *counter) LogMode(logger.LogLevel) logger.Interface { return c }
func (c *counter) Trace(context.Context, time.Time, func() (string, int64), error) {
	c.n.Add(1)
}

// TestSavedSegments: segments are saved under names unique without letter
// case, listed with their counts (counted in one statement), and deleted;
// refusals write nothing.
func TestSavedSegments(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		for i, p := range []struct {
			locality  string
			volunteer bool
		}{{"rural", true}, {"rural", false}, {"urban", true}, {"rural", true}} {
			if err := db.Exec("INSERT INTO people (given_name, locality, volunteer, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
				"P"+string(rune('a'+i)), p.locality, p.volunteer, now, now).Error; err != nil {
				t.Fatal(err)
			}
		}
		s := NewStore(db, discard, clock.System)
		rural, err := s.Save(ctx, 0, " Rural volunteers ", "volunteer=yes&locality=rural")
		if err != nil {
			t.Fatal(err)
		}
		if rural.Name != "Rural volunteers" || rural.Query != "locality=rural&volunteer=true" {
			t.Fatalf("saved %+v", rural)
		}
		if _, err := s.Save(ctx, 0, "Хөдөөгийн залуус", "locality=rural"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Save(ctx, 0, "Everyone", ""); err != nil {
			t.Fatal(err)
		}
		var n int64
		db.Model(&Saved{}).Count(&n)
		for _, tc := range []struct {
			name, query, field string
			kind               apperr.Kind
		}{
			{"RURAL VOLUNTEERS", "", "name", apperr.Conflict},
			{"хөдөөгийн ЗАЛУУС", "", "name", apperr.Conflict},
			{"  ", "", "name", apperr.Invalid},
			{strings.Repeat("я", MaxNameRunes+1), "", "name", apperr.Invalid},
			{"Bad query", "colour=red", "query", apperr.Invalid},
			{"Upside down", "age_min=30&age_max=16", "query", apperr.Invalid},
			{"Too many tags", manyTags(MaxTags + 1).Encode(), "query", apperr.Invalid},
		} {
			_, err := s.Save(ctx, 0, tc.name, tc.query)
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != tc.kind || ae.Fields[tc.field].ID == "" {
				t.Errorf("%q %q: %v, want %v on %s", tc.name, tc.query, err, tc.kind, tc.field)
			}
		}
		var after int64
		db.Model(&Saved{}).Count(&after)
		if after != n {
			t.Fatalf("refusals wrote: %d segments, then %d", n, after)
		}
		// A query saved before a rule changed no longer reads: it is
		// listed without a count.
		if err := db.Create(&Saved{Name: "Old", NameKey: "old", Query: "colour=red", CreatedAt: now, UpdatedAt: now}).Error; err != nil {
			t.Fatal(err)
		}
		c := &counter{Interface: logger.Discard}
		list, err := NewStore(db.Session(&gorm.Session{Logger: c}), discard, clock.System).ListSaved(ctx, civil.Of(now))
		if err != nil {
			t.Fatal(err)
		}
		if c.n.Load() != 2 {
			t.Errorf("listing 4 segments with their counts took %d statements, want 2", c.n.Load())
		}
		got := map[string]any{}
		for _, x := range list {
			if x.Count == nil {
				got[x.Name] = nil
			} else {
				got[x.Name] = *x.Count
			}
		}
		want := map[string]any{"Rural volunteers": int64(2), "Хөдөөгийн залуус": int64(3), "Everyone": int64(4), "Old": nil}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("counts %v, want %v", got, want)
		}
		for _, x := range list {
			if x.Unreadable != (x.Name == "Old") {
				t.Errorf("%s: unreadable %v", x.Name, x.Unreadable)
			}
		}
		if list[0].Name != "Everyone" || list[3].Name != "Хөдөөгийн залуус" {
			t.Errorf("not listed by name: %v", list)
		}
		if err := s.DeleteSaved(ctx, 0, rural.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSaved(ctx, 0, rural.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("deleted twice: %v", err)
		}
		if _, err := s.Save(ctx, 0, "rural VOLUNTEERS", "locality=rural"); err != nil {
			t.Fatalf("the name of a deleted segment is free again: %v", err)
		}
	})
}

// discard is a logger that writes nothing.
var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// manyTags is a filter of n tags.
func manyTags(n int) url.Values {
	v := url.Values{}
	for i := range n {
		v.Add("tag", "t"+strconv.Itoa(i))
	}
	return v
}

// TestSavedCountsUnknown: a saved segment that cannot be counted, because
// it was stored with 2,000 tags before the cap, or because counting failed
// or took too long, is listed with its count unknown, never an error; the
// failure is logged with the segments' ids alone. On PostgreSQL the count
// that took too long is gone from the server too.
func TestSavedCountsUnknown(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		today := civil.Of(now)
		var logs bytes.Buffer
		s := NewStore(db, slog.New(slog.NewTextHandler(&logs, nil)), clock.System)
		old := Saved{Name: "Old", NameKey: "old", Query: manyTags(2000).Encode(), CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&old).Error; err != nil {
			t.Fatal(err)
		}
		named, err := s.Save(ctx, 0, "Named", "q=Saraa")
		if err != nil {
			t.Fatal(err)
		}
		counts := func() map[string]any {
			t.Helper()
			list, err := s.ListSaved(ctx, today)
			if err != nil {
				t.Fatalf("listing failed: %v", err)
			}
			out := map[string]any{}
			for _, x := range list {
				out[x.Name] = x.Count
				if x.Count != nil {
					out[x.Name] = *x.Count
				}
				if x.Unreadable != (x.Name == "Old") {
					t.Errorf("%s: unreadable %v", x.Name, x.Unreadable)
				}
			}
			return out
		}
		unknown := map[string]any{"Old": (*int64)(nil), "Named": (*int64)(nil)}
		if got := counts(); !reflect.DeepEqual(got, map[string]any{"Old": (*int64)(nil), "Named": int64(0)}) {
			t.Fatalf("counts %v", got)
		}
		if c := s.CountSaved(ctx, []Saved{old}, today); c[0].Count != nil || !c[0].Unreadable {
			t.Fatalf("the old segment counted alone: %+v", c[0])
		}

		// Counting fails: the table is not there.
		if err := db.Exec("ALTER TABLE people RENAME TO people_gone").Error; err != nil {
			t.Fatal(err)
		}
		if got := counts(); !reflect.DeepEqual(got, unknown) {
			t.Fatalf("counts when counting fails: %v", got)
		}
		if !strings.Contains(logs.String(), "segment_ids=["+strconv.FormatInt(named.ID, 10)+"]") || strings.Contains(logs.String(), "Saraa") {
			t.Fatalf("the failure is not logged with the ids alone: %s", logs.String())
		}
		if err := db.Exec("ALTER TABLE people_gone RENAME TO people").Error; err != nil {
			t.Fatal(err)
		}

		if database.Dialect(db) != database.Postgres {
			return
		}
		// Counting takes too long: the statement is stopped, on the server too.
		release := testdb.Block(t, db, "people")
		defer release()
		s.countTimeout = 200 * time.Millisecond
		done := make(chan map[string]any, 1)
		start := time.Now()
		go func() { done <- counts() }()
		select {
		case got := <-done:
			if !reflect.DeepEqual(got, unknown) || time.Since(start) > 3*time.Second {
				t.Fatalf("counts when counting takes too long: %v after %v", got, time.Since(start))
			}
		case <-time.After(10 * time.Second):
			release()
			t.Fatal("a count that takes too long was not stopped")
		}
		for deadline := time.Now().Add(2 * time.Second); testdb.Running(t, db, "FROM people") > 0; {
			if time.Now().After(deadline) {
				t.Fatal("the count still runs on the server")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
