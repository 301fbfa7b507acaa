package reports

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// TestTrainingFigures: hours add up per attendance to the quarter hour, by
// region (none last) and kind; each person counts once a year, an erased
// one once per attendance; a year under minCell is hidden, one at it
// shown.
func TestTrainingFigures(t *testing.T) {
	t.Parallel()
	id := func(n int64) *int64 { return &n }
	list := []Attendance{
		{PersonID: id(1), Region: "MN-057", Kind: activities.KindCamp, Minutes: 96 * 60, Year: 2030},
		{PersonID: id(1), Region: "MN-057", Kind: activities.KindTraining, Minutes: 7, Year: 2030}, // 0 to the quarter hour
		{PersonID: id(2), Region: "MN-057", Kind: activities.KindTraining, Minutes: 100, Year: 2030},
		{PersonID: id(3), Region: "", Kind: activities.KindWellbeing, Minutes: 90, Year: 2030},
		{PersonID: nil, Region: "ID-JK", Kind: activities.KindWellbeing, Minutes: 60, Year: 2030},
		{PersonID: nil, Region: "ID-JK", Kind: activities.KindWellbeing, Minutes: 60, Year: 2030},
		{PersonID: id(1), Region: "ID-JK", Kind: activities.KindCamp, Minutes: 8, Year: 2031}, // 0.25
	}
	// 2030: people 1, 2 and 3 and two erased attendances: 5.
	got := trainingFigures(list, 5)
	wantHours := []HoursCell{
		{"ID-JK", activities.KindWellbeing, 2}, {"ID-JK", activities.KindCamp, 0.25},
		{"MN-057", activities.KindTraining, 1.75}, {"MN-057", activities.KindCamp, 96},
		{"", activities.KindWellbeing, 1.5},
	}
	if !reflect.DeepEqual(got.Hours, wantHours) || got.TotalHours != 101.5 {
		t.Fatalf("hours %+v, in all %v", got.Hours, got.TotalHours)
	}
	wantYears := []YearPeople{{2030, Count{Value: 5}}, {2031, Count{Mark: Small}}}
	if !reflect.DeepEqual(got.Years, wantYears) || got.MinCell != 5 {
		t.Fatalf("years %+v", got.Years)
	}
	// At 4 a year is hidden; at a threshold of 4, 4 is shown.
	four := trainingFigures(list[:4], 5) // people 1, 2, 3: 3
	if four.Years[0].People != (Count{Mark: Small}) {
		t.Fatalf("3 people shown: %+v", four.Years)
	}
	if got := trainingFigures(list[:5], 5).Years[0].People; got != (Count{Mark: Small}) {
		t.Fatalf("4 people shown at 5: %+v", got)
	}
	if got := trainingFigures(list[:5], 4).Years[0].People; got != (Count{Value: 4}) {
		t.Fatalf("4 people hidden at 4: %+v", got)
	}
	if empty := trainingFigures(nil, 5); len(empty.Hours) != 0 || len(empty.Years) != 0 || empty.TotalHours != 0 || empty.Hours == nil {
		t.Fatalf("no attendance: %+v", empty)
	}
}

// TestTrainingFromTheDatabase: the attendances of the database, an
// activity's hours set or its duration, the year of its end in its zone;
// an absence, an unmarked place and a place cancelled after its
// attendance was marked count for nothing; 4 people in a year are hidden,
// 5 shown.
func TestTrainingFromTheDatabase(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFiguresFixture(t, db)
		activity := func(region, kind, zone string, end time.Time, hours int, credit *float64) *activities.Activity {
			t.Helper()
			a, err := f.act.Create(ctx, 0, activities.Input{Kind: ptr(kind), Capacity: ptr(20), Region: ptr(region), Timezone: ptr(zone),
				StartsAt: ptr(end.Add(-time.Duration(hours) * time.Hour)), EndsAt: ptr(end), Hours: credit,
				Title: map[string]string{"en": "Activity"}})
			if err != nil {
				t.Fatal(err)
			}
			if a, err = f.act.SetStatus(ctx, 0, a.ID, activities.StatusPublished); err != nil {
				t.Fatal(err)
			}
			return a
		}
		// Ends on 31 December 2031 at 20:00 UTC: 1 January 2032 in
		// Ulaanbaatar.
		camp := activity("MN-057", activities.KindCamp, "Asia/Ulaanbaatar", time.Date(2031, 12, 31, 20, 0, 0, 0, time.UTC), 48, nil)
		workshop := activity("MN-057", activities.KindWellbeing, "UTC", time.Date(2031, 6, 1, 12, 0, 0, 0, time.UTC), 3, ptr(1.5))
		training := activity("", activities.KindTraining, "UTC", time.Date(2031, 7, 1, 12, 0, 0, 0, time.UTC), 8, nil)

		c := f.register(camp, "c", 5, people.Urban, "")
		w := f.register(workshop, "w", 4, people.Urban, "")
		tr := f.register(training, "w", 2, people.Urban, "") // two of the workshop's people again
		f.attend(true, c...)
		f.attend(true, w...)
		f.attend(true, tr[0])
		f.attend(false, tr[1])
		// A place cancelled after its attendance was marked.
		extra := f.register(workshop, "x", 1, people.Urban, "")
		f.attend(true, extra...)
		if _, err := f.reg.Cancel(ctx, extra[0]); err != nil {
			t.Fatal(err)
		}
		f.register(training, "u", 1, people.Urban, "") // unmarked

		got, err := NewService(db, nil, nil, nil, 5).Training(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantHours := []HoursCell{{"MN-057", activities.KindWellbeing, 6}, {"MN-057", activities.KindCamp, 240}, {"", activities.KindTraining, 8}}
		if !reflect.DeepEqual(got.Hours, wantHours) || got.TotalHours != 254 {
			t.Fatalf("hours %+v, in all %v", got.Hours, got.TotalHours)
		}
		// 2031: the workshop's 4 (one of them at the training too); 2032:
		// the camp's 5.
		wantYears := []YearPeople{{2031, Count{Mark: Small}}, {2032, Count{Value: 5}}}
		if !reflect.DeepEqual(got.Years, wantYears) {
			t.Fatalf("years %+v", got.Years)
		}
	})
}
