package segments

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func TestParse(t *testing.T) {
	t.Parallel()
	good, err := Parse(url.Values{"q": {" Saraa "}, "tag": {"Privacy", "privacy", "LGBTI-rights"}, "any_tag": {"climate"},
		"region": {"MN-057"}, "locality": {"rural"}, "age_min": {"16"}, "age_max": {"30"}, "volunteer": {"yes"},
		"attended": {"camp"}, "signed": {"3"}, "created_since": {"2026-01-01"}, "limit": {"50"}}, "limit")
	if err != nil {
		t.Fatal(err)
	}
	if good.Q != "Saraa" || !slices.Equal(good.AllTags, []string{"lgbti-rights", "privacy"}) || *good.AgeMin != 16 ||
		!*good.Volunteer || good.SignedFor != 3 || good.CreatedSince != (civil.Date{Year: 2026, Month: 1, Day: 1}) {
		t.Fatalf("parsed %+v", good)
	}
	for _, tc := range []struct {
		query, field string
	}{
		{"colour=red", "colour"},
		{"limit=5", "limit"}, // the caller did not say it reads limit
		{"age_min=30&age_max=16", "age_max"},
		{"age_min=-1", "age_min"},
		{"age_max=abc", "age_max"},
		{"age_min=200", "age_min"},
		{"volunteer=maybe", "volunteer"},
		{"attended=party", "attended"},
		{"region=XX-99", "region"},
		{"locality=suburban", "locality"},
		{"signed=0", "signed"},
		{"signed=x", "signed"},
		{"created_since=01/02/2026", "created_since"},
		{"tag=a,b", "tag"},
		{"any_tag=" + strings.Repeat("x", 41), "any_tag"},
		{"q=" + strings.Repeat("ы", MaxQRunes+1), "q"},
	} {
		v, _ := url.ParseQuery(tc.query)
		_, err := Parse(v)
		ae, ok := err.(*apperr.Error)
		if !ok || ae.Kind != apperr.Invalid || ae.Fields[tc.field].ID == "" {
			t.Errorf("%s: %v, want an error on %s", tc.query, err, tc.field)
		}
	}
}

// TestParseTagCap: a filter takes at most MaxTags tags, both lists
// together, each tag counted once whatever its letter case; over that, each
// list that holds tags gets the message.
func TestParseTagCap(t *testing.T) {
	t.Parallel()
	tags := func(k string, from, n int) string {
		var b strings.Builder
		for i := from; i < from+n; i++ {
			fmt.Fprintf(&b, "&%s=t%d", k, i)
		}
		return strings.TrimPrefix(b.String(), "&")
	}
	for _, tc := range []struct {
		query  string
		fields []string
	}{
		{tags("tag", 0, 20), nil},
		{tags("any_tag", 0, 20), nil},
		{tags("tag", 0, 10) + "&" + tags("any_tag", 10, 10), nil},
		{tags("tag", 0, 20) + "&tag=T0&tag=t1", nil}, // the same tags again
		{tags("tag", 0, 21), []string{"tag"}},
		{tags("any_tag", 0, 21), []string{"any_tag"}},
		{tags("tag", 0, 11) + "&" + tags("any_tag", 11, 10), []string{"any_tag", "tag"}},
		{tags("tag", 0, 2000), []string{"tag"}},
	} {
		v, _ := url.ParseQuery(tc.query)
		f, err := Parse(v)
		if tc.fields == nil {
			if err != nil || len(f.AllTags)+len(f.AnyTags) != MaxTags {
				t.Errorf("%.40s…: %v, %d tags", tc.query, err, len(f.AllTags)+len(f.AnyTags))
			}
			continue
		}
		ae, ok := err.(*apperr.Error)
		if !ok || ae.Kind != apperr.Invalid || len(ae.Fields) != len(tc.fields) {
			t.Fatalf("%.40s…: %v, want errors on %v", tc.query, err, tc.fields)
		}
		for _, k := range tc.fields {
			if m := ae.Fields[k]; m.ID != "error_filter_tags_max" || !slices.Equal(m.Args, []any{"Max", MaxTags}) {
				t.Errorf("%.40s…: %s: %+v", tc.query, k, m)
			}
		}
	}
}

// TestWhere runs each filter on a few people, on both databases.
func TestWhere(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
		exec := func(q string, args ...any) {
			t.Helper()
			if err := db.Exec(q, args...).Error; err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		person := func(id int, given, email, region, locality string, born int, volunteer bool, handle string, created time.Time) {
			exec(`INSERT INTO people (id, given_name, email, region, locality, birth_year, volunteer, handle, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, given, email, region, locality, born, volunteer, handle, created, created)
		}
		person(1, "Saraa", "saraa@example.org", "MN-057", "rural", 2004, true, "@saraa", time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC))
		person(2, "Bat", "bat@example.org", "MN-1", "urban", 1990, false, "", time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC))
		person(3, "Dewi", "dewi@example.org", "ID-JB", "rural", 2008, true, "@dewi", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
		person(4, "Camille", "camille_x@example.org", "FR-IDF", "urban", 2001, true, "@cam100%", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
		person(5, "Болормаа", "bolor@example.org", "MN-1", "urban", 1999, false, "", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
		person(6, "Батбаяр", "batbayar@example.net", "MN-057", "urban", 1980, true, "", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
		person(7, "Hélène", "helene@example.net", "FR-IDF", "urban", 1980, true, "@Élodie", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
		exec("UPDATE people SET family_name = 'Болд' WHERE id = 6")
		exec("UPDATE people SET family_name = 'Dupré' WHERE id = 7")
		// Rows written in SQL, as before migration 00017, have no search
		// column until the commands that migrate write it, once.
		if n, err := people.IndexPending(context.Background(), db); n != 7 || err != nil {
			t.Fatalf("IndexPending: %d, %v", n, err)
		}
		if n, err := people.IndexPending(context.Background(), db); n != 0 || err != nil {
			t.Fatalf("IndexPending again: %d, %v", n, err)
		}
		for id, name := range map[int]string{1: "privacy", 2: "lgbti-rights", 3: "climate"} {
			exec("INSERT INTO tags (id, name) VALUES (?, ?)", id, name)
		}
		for _, pt := range [][2]int{{1, 1}, {1, 2}, {2, 1}, {3, 3}} {
			exec("INSERT INTO person_tags (person_id, tag_id) VALUES (?, ?)", pt[0], pt[1])
		}
		for id, kind := range map[int]string{1: "camp", 2: "training"} {
			exec(`INSERT INTO activities (id, slug, kind, starts_at, ends_at, capacity, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, 10, ?, ?)`, id, "a"+kind, kind, now, now, now, now)
		}
		reg := func(activity, person int, attended *bool) {
			exec(`INSERT INTO registrations (activity_id, person_id, status, waitlist_order, attended, consent_version, consent_at, created_at, updated_at)
				VALUES (?, ?, 'confirmed', ?, ?, 'v', ?, ?, ?)`, activity, person, person, attended, now, now, now)
		}
		yes, no := true, false
		reg(1, 1, &yes) // Saraa attended the camp
		reg(1, 2, &no)  // Bat did not
		reg(2, 3, nil)  // Dewi registered for a training, not yet held
		exec("INSERT INTO campaigns (id, stage, created_at, updated_at) VALUES (7, 'planning', ?, ?)", now, now)
		exec("INSERT INTO petitions (id, campaign_id, slug, goal, created_at, updated_at) VALUES (1, 7, 'p', 10, ?, ?)", now, now)
		exec("INSERT INTO signatures (petition_id, person_id, consent_version, signed_at) VALUES (1, 3, 'v', ?), (1, 4, 'v', ?)", now, now)

		today := civil.Of(now)
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"", []string{"Saraa", "Bat", "Dewi", "Camille", "Болормаа", "Батбаяр", "Hélène"}},
			{"tag=privacy", []string{"Saraa", "Bat"}},
			{"tag=privacy&tag=lgbti-rights", []string{"Saraa"}},
			{"tag=unheard-of", nil},
			{"any_tag=lgbti-rights&any_tag=climate", []string{"Saraa", "Dewi"}},
			{"locality=rural&volunteer=true", []string{"Saraa", "Dewi"}},
			{"volunteer=false", []string{"Bat", "Болормаа"}},
			{"region=MN-1", []string{"Bat", "Болормаа"}},
			{"age_min=19&age_max=25", []string{"Saraa", "Camille"}}, // 22 and 25 in 2026; Dewi is 18, Болормаа 27
			{"age_max=18", []string{"Dewi"}},
			{"attended=camp", []string{"Saraa"}},
			{"attended=training", nil},
			{"signed=7", []string{"Dewi", "Camille"}},
			{"signed=8", nil},
			{"created_since=2026-02-01", []string{"Dewi", "Camille", "Болормаа"}},
			{"q=SAR", []string{"Saraa"}},
			// Every script, whatever the letter case; Latin accents or none.
			{"q=Батбаяр", []string{"Батбаяр"}},
			{"q=БАТБАЯР", []string{"Батбаяр"}},
			{"q=батбаяр", []string{"Батбаяр"}},
			{"q=атбаяр", []string{"Батбаяр"}},
			{"q=батбаяр+БОЛД", []string{"Батбаяр"}}, // given and family name together
			{"q=БОЛОРМАА", []string{"Болормаа"}},
			{"q=hélène", []string{"Hélène"}},
			{"q=HÉLÈNE", []string{"Hélène"}},
			{"q=helene", []string{"Hélène"}},
			{"q=DUPRE", []string{"Hélène"}},
			{"q=élodie", []string{"Hélène"}},      // the handle
			{"q=bat", []string{"Bat", "Батбаяр"}}, // "batbayar@example.net"
			{"q=болд+batbayar", nil},              // no search spans two fields
			{"q=example.org", []string{"Saraa", "Bat", "Dewi", "Camille", "Болормаа"}},
			{"q=e_x", []string{"Camille"}},    // the underscore is itself, not any letter
			{"q=100%25", []string{"Camille"}}, // and so is the percent sign
			{"q=a%25", nil},                   // no "a%" anywhere
			{"q=@dewi&tag=climate", []string{"Dewi"}},
			{"locality=rural&tag=privacy&volunteer=true&age_min=16", []string{"Saraa"}}, // rural volunteers interested in privacy
		} {
			v, _ := url.ParseQuery(tc.query)
			f, err := Parse(v)
			if err != nil {
				t.Fatalf("%s: %v", tc.query, err)
			}
			where, args := Where(f, today)
			q := db.Table("people").Order("id")
			if where != "" {
				q = q.Where(where, args...)
			}
			var got []string
			if err := q.Pluck("given_name", &got).Error; err != nil {
				t.Fatalf("%s: %v", tc.query, err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.query, got, tc.want)
			}
		}
	})
}

// FuzzParse: any query either is refused with field errors or gives a filter
// whose condition has one argument for each placeholder.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "tag=privacy&age_min=16&age_max=30", "q=%25_%5C", "colour=red", "age_min=30&age_max=16",
		"any_tag=a&any_tag=b&signed=3&created_since=2026-01-01&attended=camp&volunteer=no&region=MN-057&locality=rural"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		v, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		flt, err := Parse(v)
		if err != nil {
			if ae, ok := err.(*apperr.Error); !ok || ae.Kind != apperr.Invalid || len(ae.Fields) == 0 {
				t.Fatalf("%q: %v is not a field error", query, err)
			}
			return
		}
		if flt.AgeMin != nil && flt.AgeMax != nil && *flt.AgeMin > *flt.AgeMax {
			t.Fatalf("%q: an upside-down range was accepted", query)
		}
		if len(flt.AllTags)+len(flt.AnyTags) > MaxTags || utf8.RuneCountInString(flt.Q) > MaxQRunes {
			t.Fatalf("%q: a filter over the caps was accepted: %+v", query, flt)
		}
		where, args := Where(flt, civil.Date{Year: 2026, Month: 11, Day: 23})
		if n := strings.Count(where, "?"); n != len(args) {
			t.Fatalf("%q: %d placeholders, %d arguments in %s", query, n, len(args), where)
		}
	})
}
