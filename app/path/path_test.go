package path

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/changes"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func ptr[T any](v T) *T { return &v }

// TestPathHours: two attended activities count, one for the hours set on
// it and one for its duration, oldest first, each ended on its own day in
// its zone; an absence and a place cancelled after it was marked attended
// count for nothing; another person's attendance is theirs.
func TestPathHours(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		sealer, err := people.NewSealer(keys.Derive([]byte("0123456789abcdef0123456789abcdef")).Seal)
		if err != nil {
			t.Fatal(err)
		}
		gens := new(changes.Generations)
		reg := registration.NewService(db, people.NewStore(db, sealer, clock.System), nil, activities.NewCache(db, &gens.Activities), nil, "http://gotong.test", gens, clock.System, registration.Rules{})
		acts := activities.NewStore(db, reg, gens, clock.System, "UTC")
		// activity creates and publishes an activity ending at end, lasting
		// hours, in zone.
		activity := func(title, kind, zone string, end time.Time, hours int, credit *float64) *activities.Activity {
			t.Helper()
			a, err := acts.Create(ctx, 0, activities.Input{Kind: ptr(kind), Capacity: ptr(10), Timezone: ptr(zone),
				StartsAt: ptr(end.Add(-time.Duration(hours) * time.Hour)), EndsAt: ptr(end), Hours: credit,
				Title: map[string]string{"en": title}})
			if err != nil {
				t.Fatal(err)
			}
			if a, err = acts.SetStatus(ctx, 0, a.ID, activities.StatusPublished); err != nil {
				t.Fatal(err)
			}
			return a
		}
		register := func(a *activities.Activity, email string) *registration.Placed {
			t.Helper()
			r, err := reg.Register(ctx, a, registration.Request{Consent: true, Person: people.Declared{
				GivenName: "Saraa", Email: email, BirthYear: 2006, Region: "MN-057", Locality: people.Urban, Locale: "mn"}})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		// attend marks attendance as if the activity had taken place (it
		// starts in the future: the service would refuse the mark).
		attend := func(r *registration.Placed, came bool) {
			t.Helper()
			if err := db.Model(&registration.Registration{}).Where("id = ?", r.ID).Update("attended", came).Error; err != nil {
				t.Fatal(err)
			}
		}
		// Ends at 20:00 UTC, the next morning in Ulaanbaatar.
		camp := activity("Camp", activities.KindCamp, "Asia/Ulaanbaatar", time.Date(2031, 7, 4, 20, 0, 0, 0, time.UTC), 50, nil)
		training := activity("Training", activities.KindTraining, "UTC", time.Date(2031, 9, 1, 17, 0, 0, 0, time.UTC), 8, ptr(2.5))
		absent := activity("Absent", activities.KindTraining, "UTC", time.Date(2031, 8, 1, 17, 0, 0, 0, time.UTC), 3, nil)
		cancelled := activity("Cancelled", activities.KindWellbeing, "UTC", time.Date(2031, 8, 2, 17, 0, 0, 0, time.UTC), 3, nil)

		rt := register(training, "saraa@example.org")
		rc := register(camp, "saraa@example.org")
		ra := register(absent, "saraa@example.org")
		rx := register(cancelled, "saraa@example.org")
		other := register(camp, "bat@example.org")
		attend(rt, true)
		attend(rc, true)
		attend(ra, false)
		attend(rx, true)
		attend(other, true)
		if _, err := reg.Cancel(ctx, rx.ID); err != nil {
			t.Fatal(err)
		}

		s := NewService(db)
		p, err := s.Of(ctx, *rt.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		type line struct {
			id      int64
			ended   civil.Date
			minutes int
		}
		var got []line
		for _, e := range p.Entries {
			got = append(got, line{e.Activity.ID, e.EndedOn, e.Minutes})
		}
		want := []line{{camp.ID, civil.Date{Year: 2031, Month: 7, Day: 5}, 50 * 60}, {training.ID, civil.Date{Year: 2031, Month: 9, Day: 1}, 150}}
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("path %+v, want %+v", got, want)
		}
		if p.Minutes != 50*60+150 || p.Hours() != 52.5 || p.Entries[1].Activity.TextIn("en", "en").Title != "Training" {
			t.Fatalf("in all %d minutes, %v hours", p.Minutes, p.Hours())
		}

		// Someone registered nowhere has an empty path; nobody has none.
		var lone people.Person
		lone.GivenName = "Lone"
		if err := db.Create(&lone).Error; err != nil {
			t.Fatal(err)
		}
		if p, err := s.Of(ctx, lone.ID); err != nil || len(p.Entries) != 0 || p.Hours() != 0 {
			t.Fatalf("empty path: %+v %v", p, err)
		}
		if _, err := s.Of(ctx, lone.ID+1000); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("unknown person: %v", err)
		}
	})
}

// TestPathHoursAddUp: the total is the sum of the hours shown, each to
// the quarter hour, not the minutes rounded once.
func TestPathHoursAddUp(t *testing.T) {
	t.Parallel()
	p := Path{Entries: []Entry{{Minutes: 7}, {Minutes: 7}, {Minutes: 8}, {Minutes: 100}}, Minutes: 122}
	if h := p.Hours(); h != 0+0+0.25+1.75 {
		t.Fatalf("hours %v", h)
	}
}
