package audit_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// fieldErrors returns the field errors of err as "field:message" sorted by
// the order of want, or "" for none.
func fieldErrors(err error) map[string]string {
	out := map[string]string{}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		for k, m := range ae.Fields {
			out[k] = m.ID
		}
	}
	return out
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseQuery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		query  string
		others []string
		want   audit.Filter
		email  string
		errs   map[string]string
	}{
		{name: "nothing", query: "", want: audit.Filter{Limit: audit.DefaultLimit}},
		{name: "exact action", query: "action=person.erase", want: audit.Filter{Action: "person.erase", Limit: audit.DefaultLimit}},
		{name: "prefix", query: "action=+person.+", want: audit.Filter{Action: "person.", Limit: audit.DefaultLimit}},
		{name: "object", query: "object_type=person&object_id=12", want: audit.Filter{ObjectType: "person", ObjectID: "12", Limit: audit.DefaultLimit}},
		{name: "actor folded", query: "actor=Office@Example.ORG", email: "office@example.org", want: audit.Filter{Limit: audit.DefaultLimit}},
		{name: "dates cover whole days", query: "from=2027-03-01&to=2027-03-31",
			want: audit.Filter{From: day("2027-03-01"), To: day("2027-04-01"), Limit: audit.DefaultLimit}},
		{name: "one day", query: "from=2027-03-01&to=2027-03-01",
			want: audit.Filter{From: day("2027-03-01"), To: day("2027-03-02"), Limit: audit.DefaultLimit}},
		{name: "paging", query: "cursor=41&limit=500", want: audit.Filter{Before: 41, Limit: 500}},
		{name: "caller's parameter", query: "lang=fr&erased=1", others: []string{"lang", "erased"}, want: audit.Filter{Limit: audit.DefaultLimit}},

		{name: "not a date", query: "from=yesterday", errs: map[string]string{"from": "error_date"}},
		{name: "impossible date", query: "to=2027-02-30", errs: map[string]string{"to": "error_date"}},
		{name: "upside down", query: "from=2027-03-02&to=2027-03-01", errs: map[string]string{"to": "error_audit_dates_order"}},
		{name: "bad email", query: "actor=office", errs: map[string]string{"actor": "error_email_invalid"}},
		{name: "bad cursor", query: "cursor=-3", errs: map[string]string{"cursor": "error_filter_cursor"}},
		{name: "cursor not a number", query: "cursor=abc", errs: map[string]string{"cursor": "error_filter_cursor"}},
		{name: "limit too big", query: "limit=501", errs: map[string]string{"limit": "error_filter_limit"}},
		{name: "limit zero", query: "limit=0", errs: map[string]string{"limit": "error_filter_limit"}},
		{name: "unknown filter", query: "who=me", errs: map[string]string{"who": "error_filter_unknown"}},
		{name: "language not allowed unless named", query: "lang=fr", errs: map[string]string{"lang": "error_filter_unknown"}},
		{name: "long action", query: "action=" + strings.Repeat("a", 101), errs: map[string]string{"action": "error_too_long"}},
		{name: "several at once", query: "from=x&to=y&actor=z", errs: map[string]string{"from": "error_date", "to": "error_date", "actor": "error_email_invalid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			q, err := audit.ParseQuery(v, tc.others...)
			got := fieldErrors(err)
			if fmt.Sprint(got) != fmt.Sprint(tc.errs) && !(len(got) == 0 && len(tc.errs) == 0) {
				t.Fatalf("errors %v, want %v", got, tc.errs)
			}
			if len(tc.errs) > 0 {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if q.Filter != tc.want || q.ActorEmail != tc.email {
				t.Fatalf("query %+v (actor %q), want %+v (actor %q)", q.Filter, q.ActorEmail, tc.want, tc.email)
			}
			// Values gives back a query that reads the same.
			again, err := audit.ParseQuery(q.Values())
			if err != nil {
				t.Fatalf("Values %v: %v", q.Values(), err)
			}
			again.Before = q.Before
			if again.Filter != q.Filter || again.ActorEmail != q.ActorEmail {
				t.Fatalf("Values %v reads as %+v", q.Values(), again)
			}
		})
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "action=person.&from=2027-01-01", "to=2027-13-01", "cursor=9999999999999999999", "limit=-1", "actor=%00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		q, err := audit.ParseQuery(v)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.Invalid || len(ae.Fields) == 0 {
				t.Fatalf("%q: error %v is not a field error", s, err)
			}
			return
		}
		if q.Limit < 1 || q.Limit > audit.MaxLimit || q.Before < 0 || (!q.To.IsZero() && q.To.Before(q.From)) {
			t.Fatalf("%q: accepted %+v", s, q)
		}
	})
}

// TestListPage: each filter narrows the log, and the pages follow one
// another without a gap or a repeat.
func TestListPage(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		rec := func(actor int64, action, kind, id string, at time.Time) {
			t.Helper()
			if err := audit.Record(db, actor, action, kind, id, nil); err != nil {
				t.Fatal(err)
			}
			if err := db.Exec("UPDATE audit_log SET at = ? WHERE id = (SELECT MAX(id) FROM audit_log)", at).Error; err != nil {
				t.Fatal(err)
			}
		}
		march := func(d, h int) time.Time { return time.Date(2027, 3, d, h, 0, 0, 0, time.UTC) }
		rec(1, "person.erase", "person", "12", march(1, 0))
		rec(1, "person.export", "person", "12", march(1, 23))
		rec(2, "person.sensitive.view", "person", "13", march(2, 10))
		rec(2, "personal.thing", "person", "13", march(3, 10))
		rec(0, "login.failed", "", "", march(3, 11))
		rec(2, "user.create", "user", "12", march(4, 9))
		ids := func(f audit.Filter) string {
			t.Helper()
			p, err := audit.ListPage(ctx, db, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range p.Entries {
				out = append(out, e.Action)
			}
			return strings.Join(out, " ")
		}
		for _, tc := range []struct {
			f    audit.Filter
			want string
		}{
			{audit.Filter{Action: "person.erase"}, "person.erase"},
			{audit.Filter{Action: "person."}, "person.sensitive.view person.export person.erase"},
			{audit.Filter{Action: "Person."}, ""},
			{audit.Filter{Action: "person"}, ""},
			{audit.Filter{ActorID: 2}, "user.create personal.thing person.sensitive.view"},
			{audit.Filter{ObjectType: "person", ObjectID: "12"}, "person.export person.erase"},
			{audit.Filter{ObjectID: "12"}, "user.create person.export person.erase"},
			{audit.Filter{From: march(1, 0), To: march(2, 0)}, "person.export person.erase"},
			{audit.Filter{From: march(3, 0)}, "user.create login.failed personal.thing"},
			{audit.Filter{To: march(1, 23)}, "person.erase"},
			{audit.Filter{Action: "person.", ActorID: 1, From: march(1, 12)}, "person.export"},
		} {
			if got := ids(tc.f); got != tc.want {
				t.Errorf("%+v: %q, want %q", tc.f, got, tc.want)
			}
		}
		// Pages of two, newest first, then the end.
		var seen []string
		f := audit.Filter{Limit: 2}
		for pages := 0; ; pages++ {
			p, err := audit.ListPage(ctx, db, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range p.Entries {
				seen = append(seen, e.Action)
			}
			if p.Next == 0 {
				break
			}
			if pages > 5 {
				t.Fatal("paging does not end")
			}
			// Entries written meanwhile do not shift the pages.
			rec(3, "later.write", "", "", march(5, 0))
			f.Before = p.Next
		}
		if got := strings.Join(seen, " "); got != "user.create login.failed personal.thing person.sensitive.view person.export person.erase" {
			t.Errorf("pages: %s", got)
		}
	})
}
