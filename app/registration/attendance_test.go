package registration_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// TestCheckMarks is the rule of a paper roster entered at once, alone:
// what is refused, with which kind, and what the refusal names.
func TestCheckMarks(t *testing.T) {
	start := time.Date(2027, 7, 1, 9, 0, 0, 0, time.UTC)
	confirmed := map[int64]bool{1: true, 2: true, 3: true}
	many := make([]int64, registration.MaxMarks+1)
	for i := range many {
		many[i] = int64(i + 1)
	}
	for _, tc := range []struct {
		name   string
		m      registration.Marks
		now    time.Time
		kind   apperr.Kind
		msg    string
		fields map[string]string // field: the IDs its message names ("" for none)
	}{
		{"all marked", registration.Marks{Attended: []int64{1, 2}, Absent: []int64{3}}, start, 0, "", nil},
		{"at the start, one list", registration.Marks{Absent: []int64{2}}, start, 0, "", nil},
		{"an id twice in one list counts once", registration.Marks{Attended: []int64{1, 1}}, start.Add(time.Hour), 0, "", nil},
		{"nothing marked", registration.Marks{}, start, apperr.Invalid, "error_marks_none", map[string]string{"attended": "", "absent": ""}},
		{"too many", registration.Marks{Attended: many}, start, apperr.Invalid, "error_marks_too_many", map[string]string{"attended": "", "absent": ""}},
		{"in both lists", registration.Marks{Attended: []int64{3, 1, 2}, Absent: []int64{2, 3}}, start,
			apperr.Invalid, "error_marks_both", map[string]string{"attended": "2, 3", "absent": "2, 3"}},
		{"both lists before the start", registration.Marks{Attended: []int64{1}, Absent: []int64{1}}, start.Add(-time.Hour),
			apperr.Invalid, "error_marks_both", map[string]string{"attended": "1", "absent": "1"}},
		{"a second before the start", registration.Marks{Attended: []int64{1}}, start.Add(-time.Second), apperr.Conflict, "error_attendance_before_start", nil},
		{"strangers before the start", registration.Marks{Attended: []int64{9}}, start.Add(-time.Second), apperr.Conflict, "error_attendance_before_start", nil},
		{"not confirmed", registration.Marks{Attended: []int64{1, 9, 7}, Absent: []int64{2, 8}}, start,
			apperr.Invalid, "error_marks_not_confirmed", map[string]string{"attended": "7, 9", "absent": "8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := registration.CheckMarks(tc.m, start, tc.now, confirmed)
			if tc.kind == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != tc.kind || ae.Message.ID != tc.msg {
				t.Fatalf("got %v, want kind %d %s", err, tc.kind, tc.msg)
			}
			if len(ae.Fields) != len(tc.fields) {
				t.Fatalf("fields %v, want %v", ae.Fields, tc.fields)
			}
			for f, ids := range tc.fields {
				m, ok := ae.Fields[f]
				if !ok {
					t.Fatalf("no field %s in %v", f, ae.Fields)
				}
				if ids != "" && (len(m.Args) != 2 || m.Args[1] != ids) {
					t.Errorf("field %s names %v, want %s", f, m.Args, ids)
				}
			}
			if tc.msg == "error_marks_not_confirmed" && ae.Message.Args[1] != "7, 8, 9" {
				t.Errorf("the message names %v, want every stranger", ae.Message.Args)
			}
		})
	}
}

// TestAttendanceOpen: attendance is marked from the start on, and never
// before, whatever the zone the start was written in.
func TestAttendanceOpen(t *testing.T) {
	hovd, _ := activities.LoadZone("Asia/Hovd")
	start := time.Date(2027, 7, 1, 9, 0, 0, 0, hovd)
	for _, tc := range []struct {
		now  time.Time
		open bool
	}{
		{start.UTC(), true}, {start.Add(time.Nanosecond), true}, {start.Add(40 * 24 * time.Hour), true},
		{start.Add(-time.Nanosecond), false}, {time.Date(2027, 7, 1, 8, 59, 0, 0, hovd).UTC(), false},
	} {
		err := registration.AttendanceOpen(start, tc.now)
		if open := err == nil; open != tc.open {
			t.Errorf("at %s: open %v, want %v (%v)", tc.now, open, tc.open, err)
		}
		if err != nil && kindOf(err) != apperr.Conflict {
			t.Errorf("at %s: %v is not a conflict", tc.now, err)
		}
	}
}

// TestSortByFamilyName: a paper roster reads by family name, then given
// name, as the reader's language orders words; erased seats come last.
func TestSortByFamilyName(t *testing.T) {
	entry := func(id int64, family, given string) registration.RosterEntry {
		return registration.RosterEntry{ID: id, FamilyName: family, GivenName: given, Erased: family == "" && given == ""}
	}
	for _, tc := range []struct {
		lang string
		in   []registration.RosterEntry
		want []int64
	}{
		{"en", []registration.RosterEntry{entry(1, "bold", "Saraa"), entry(2, "", ""), entry(3, "Altan", "Zaya"), entry(4, "Bold", "Anu")},
			[]int64{3, 4, 1, 2}},
		{"fr", []registration.RosterEntry{entry(1, "Zola", "A"), entry(2, "Émile", "B"), entry(3, "Dupont", "C"), entry(4, "Eric", "D")},
			[]int64{3, 2, 4, 1}},
		{"mn", []registration.RosterEntry{entry(1, "Өлзий", "А"), entry(2, "Оюун", "Б"), entry(3, "Бат", "В")},
			[]int64{3, 2, 1}},
		{"id", []registration.RosterEntry{entry(5, "Sari", "Dewi"), entry(2, "Sari", "Dewi"), entry(9, "", "")},
			[]int64{2, 5, 9}},
	} {
		registration.SortByFamilyName(tc.in, tc.lang)
		var got []int64
		for _, e := range tc.in {
			got = append(got, e.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.lang, got, tc.want)
		}
	}
}

// attendedOf reads the attendance of registrations, by id.
func attendedOf(t *testing.T, db *gorm.DB, ids ...int64) map[int64]string {
	t.Helper()
	var rows []registration.Registration
	if err := db.Where("id IN ?", ids).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for _, r := range rows {
		out[r.ID] = "-"
		if r.Attended != nil {
			out[r.ID] = fmt.Sprint(*r.Attended)
		}
	}
	return out
}

// TestMarkRoster enters a paper roster on both databases: refused before
// the start (409) and for ids that are not confirmed registrations of the
// activity or are in both lists (422), with nothing written; accepted
// after the start, all at once, audited once with the counts; a
// facilitator reaches only what they lead; one mark at a time follows the
// same rule of the start.
func TestMarkRoster(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.campIn(time.Hour, 3)
		other := f.campIn(time.Hour, 3)
		var ids []int64
		for i := range 4 { // three confirmed, one waiting
			r, err := f.svc.Register(ctx, a, person(fmt.Sprintf("p%d@example.org", i), people.Urban))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		stranger, err := f.svc.Register(ctx, other, person("s@example.org", people.Urban))
		if err != nil {
			t.Fatal(err)
		}
		before := attendedOf(t, db, ids...)
		unchanged := func(when string) {
			t.Helper()
			if got := attendedOf(t, db, ids...); fmt.Sprint(got) != fmt.Sprint(before) {
				t.Fatalf("%s changed the attendance: %v, was %v", when, got, before)
			}
			var n int64
			db.Model(&audit.Entry{}).Where("action = ?", "attendance.roster").Count(&n)
			if n != 0 {
				t.Fatalf("%s was audited", when)
			}
		}

		// Before the start: a conflict, for the roster and for one mark.
		if _, err := f.svc.MarkRoster(ctx, staff, a.ID, registration.Marks{Attended: ids[:2]}); kindOf(err) != apperr.Conflict {
			t.Fatalf("before the start: %v", err)
		}
		if _, err := f.svc.SetAttendance(ctx, staff, ids[0], true); kindOf(err) != apperr.Conflict {
			t.Fatalf("one mark before the start: %v", err)
		}
		unchanged("before the start")

		f.at = a.StartsAt.Add(time.Minute)
		for _, tc := range []struct {
			name string
			m    registration.Marks
			ids  string
		}{
			{"a waiting person", registration.Marks{Attended: []int64{ids[0], ids[3]}}, fmt.Sprint(ids[3])},
			{"another activity's", registration.Marks{Attended: []int64{ids[0]}, Absent: []int64{stranger.ID}}, fmt.Sprint(stranger.ID)},
			{"no such registration", registration.Marks{Absent: []int64{ids[1], 999999}}, "999999"},
			{"in both lists", registration.Marks{Attended: []int64{ids[0], ids[1]}, Absent: []int64{ids[1]}}, fmt.Sprint(ids[1])},
		} {
			_, err := f.svc.MarkRoster(ctx, staff, a.ID, tc.m)
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.Invalid || !strings.HasSuffix(fmt.Sprint(ae.Message.Args...), tc.ids) {
				t.Fatalf("%s: %v, want a 422 naming %s", tc.name, err, tc.ids)
			}
			unchanged(tc.name)
		}

		// A facilitator who does not lead it does not find it.
		lead := access.Viewer{UserID: 424242}
		if _, err := f.svc.MarkRoster(ctx, lead, a.ID, registration.Marks{Attended: ids[:1]}); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("a facilitator not leading: %v", err)
		}
		unchanged("a facilitator not leading")

		done, err := f.svc.MarkRoster(ctx, access.Viewer{Staff: true, UserID: 7}, a.ID,
			registration.Marks{Attended: []int64{ids[2], ids[0], ids[0]}, Absent: []int64{ids[1]}})
		if err != nil {
			t.Fatal(err)
		}
		if len(done) != 3 || done[0].ID != ids[0] || done[1].ID != ids[1] || done[2].ID != ids[2] {
			t.Fatalf("returned %+v, want the three named, by id", done)
		}
		want := map[int64]string{ids[0]: "true", ids[1]: "false", ids[2]: "true", ids[3]: "-"}
		if got := attendedOf(t, db, ids...); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("attendance %v, want %v", got, want)
		}
		var entries []audit.Entry
		db.Where("action = ?", "attendance.roster").Find(&entries)
		if len(entries) != 1 || entries[0].ObjectID != fmt.Sprint(a.ID) || entries[0].ActorID == nil || *entries[0].ActorID != 7 ||
			entries[0].Details != `{"absent":1,"attended":2}` {
			t.Fatalf("audit %+v, want one entry with the counts", entries)
		}
		// A later entry marks again what it names, and leaves the rest.
		if _, err := f.svc.MarkRoster(ctx, staff, a.ID, registration.Marks{Absent: []int64{ids[0]}}); err != nil {
			t.Fatal(err)
		}
		want[ids[0]] = "false"
		if got := attendedOf(t, db, ids...); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("attendance %v, want %v", got, want)
		}
		// One mark at a time, after the start.
		if r, err := f.svc.SetAttendance(ctx, staff, ids[1], true); err != nil || r.Attended == nil || !*r.Attended {
			t.Fatalf("one mark after the start: %+v %v", r, err)
		}
	})
}

// TestMarkRosterAtOnce: staff entering the roster at the same moment all
// complete, none refused; each registration keeps one of the marks sent.
func TestMarkRosterAtOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.campIn(time.Hour, 6)
		var ids []int64
		for i := range 6 {
			r, err := f.svc.Register(ctx, a, person(fmt.Sprintf("p%d@example.org", i), people.Urban))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		f.at = a.StartsAt.Add(time.Hour)
		const entries = 8
		var wg sync.WaitGroup
		errs := make(chan error, entries)
		for i := range entries {
			// Each names every registration, in an order of its own, half
			// of the entries marking everyone present, half absent.
			m := registration.Marks{}
			order := slices.Clone(ids)
			if i%2 == 1 {
				slices.Reverse(order)
				m.Absent = order
			} else {
				m.Attended = order
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.svc.MarkRoster(ctx, staff, a.ID, m)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("an entry was refused: %v", err)
			}
		}
		got := attendedOf(t, db, ids...)
		for _, id := range ids {
			if got[id] == "-" || got[id] != got[ids[0]] {
				t.Fatalf("attendance %v: each entry is written whole, the last one standing", got)
			}
		}
		var n int64
		db.Model(&audit.Entry{}).Where("action = ?", "attendance.roster").Count(&n)
		if n != entries {
			t.Fatalf("%d audit entries, want %d", n, entries)
		}
	})
}
