package segments

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// TestValues: a filter's canonical query reads back as the same filter,
// and two spellings of one filter are spelt alike.
func TestValues(t *testing.T) {
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
		s := NewStore(db)
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
		list, err := (&Store{db: db.Session(&gorm.Session{Logger: c})}).ListSaved(ctx, civil.Of(now))
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
