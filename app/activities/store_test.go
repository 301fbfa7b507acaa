package activities

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/changes"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func ptr[T any](v T) *T { return &v }

// checker checks inputs as a store whose default zone is UTC would.
var checker = NewStore(nil, nil, nil, nil, "UTC")

func validInput() Input {
	start := time.Date(2030, 6, 1, 9, 0, 0, 0, time.UTC)
	return Input{Kind: ptr(KindTraining), Capacity: ptr(10), StartsAt: ptr(start), EndsAt: ptr(start.Add(8 * time.Hour)),
		AgeMin: ptr(15), AgeMax: ptr(30), RegistrationOpensAt: ptr(start.Add(-30 * 24 * time.Hour)),
		RegistrationClosesAt: ptr(start.Add(-24 * time.Hour)), Title: map[string]string{"en": "Safety online"}}
}

// Check reports what Create would refuse, and stores nothing.
func TestCheck(t *testing.T) {
	t.Parallel()
	if err := checker.Check(validInput()); err != nil {
		t.Fatalf("a valid input: %v", err)
	}
	in := validInput()
	in.Capacity = ptr(0)
	in.Title = nil
	var ae *apperr.Error
	if err := checker.Check(in); !errors.As(err, &ae) || ae.Kind != apperr.Invalid || ae.Fields["capacity"].ID == "" || ae.Fields["title"].ID == "" {
		t.Fatalf("an invalid input: %v", err)
	}
}

// Unset empties optional fields that nil leaves as they are, and a
// facilitator reaches only the activities they lead.
func TestUnsetAndReach(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		// Nothing here changes a capacity or cancels: no registration is
		// touched (the registration package, which imports this one, tests that).
		s := NewStore(db, nil, new(changes.Generations), clock.System, "UTC")
		a, err := s.Create(ctx, 0, validInput())
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.Create(ctx, 0, validInput())
		if err != nil {
			t.Fatal(err)
		}
		a, err = s.Update(ctx, 0, a.ID, Input{Unset: []string{"age_max", "registration_opens_at"}})
		if err != nil {
			t.Fatal(err)
		}
		if a.AgeMax != nil || a.RegistrationOpensAt != nil || a.AgeMin == nil || a.RegistrationClosesAt == nil {
			t.Fatalf("after unset: %+v", a)
		}
		got, _ := s.Get(ctx, a.ID)
		if got.AgeMax != nil || got.RegistrationOpensAt != nil {
			t.Fatal("unset not stored")
		}
		u, err := auth.NewStoreWithParams(db, clock.System, auth.TestParams()).CreateUser(ctx, 0, auth.NewUser{Email: "lead@example.org", DisplayName: "Lead",
			Password: "correct-horse-battery", Role: access.Facilitator})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Create(&Facilitator{ActivityID: b.ID, UserID: u.ID}).Error; err != nil {
			t.Fatal(err)
		}
		facilitator := access.Viewer{UserID: u.ID}
		led, err := s.ListAs(ctx, facilitator, Filter{})
		if err != nil || len(led) != 1 || led[0].ID != b.ID {
			t.Fatalf("a facilitator lists %v %v, want only the activity they lead", led, err)
		}
		if got, err := s.GetAs(ctx, facilitator, b.ID); err != nil || got.ID != b.ID {
			t.Fatalf("a facilitator reads the activity they lead: %v", err)
		}
		if _, err := s.GetAs(ctx, facilitator, a.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("a facilitator reads an activity they do not lead: %v, want not found", err)
		}
		if led, _ := s.ListAs(ctx, access.Viewer{UserID: u.ID + 1}, Filter{}); len(led) != 0 {
			t.Fatalf("someone who leads nothing lists %d", len(led))
		}
		staff := access.Viewer{UserID: u.ID + 1, Staff: true}
		if all, _ := s.ListAs(ctx, staff, Filter{}); len(all) != 2 {
			t.Fatalf("staff list %d", len(all))
		}
		if _, err := s.GetAs(ctx, staff, a.ID); err != nil {
			t.Fatalf("staff read: %v", err)
		}
		if all, _ := s.List(ctx, Filter{}); len(all) != 2 {
			t.Fatalf("all: %d", len(all))
		}
	})
}

// TestDiscreetGuardianReminder: a new activity reminds 48 hours ahead, is
// listed and takes the portal's guardian age; each field changes alone,
// "guardian_age" in Unset returns to the default, and out-of-range values
// are refused on their own field.
func TestDiscreetGuardianReminder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		field string
		mod   func(*Input)
	}{
		{"guardian_age", func(in *Input) { in.GuardianAge = ptr(-1) }},
		{"guardian_age", func(in *Input) { in.GuardianAge = ptr(MaxGuardianAge + 1) }},
		{"reminder_hours", func(in *Input) { in.ReminderHours = ptr(-1) }},
		{"reminder_hours", func(in *Input) { in.ReminderHours = ptr(MaxReminderHours + 1) }},
	} {
		in := validInput()
		tc.mod(&in)
		var ae *apperr.Error
		if err := checker.Check(in); !errors.As(err, &ae) || ae.Fields[tc.field].ID == "" || len(ae.Fields) != 1 {
			t.Errorf("%s out of range: %v", tc.field, err)
		}
	}
	for _, mod := range []func(*Input){
		func(in *Input) { in.GuardianAge, in.ReminderHours = ptr(0), ptr(0) },
		func(in *Input) { in.GuardianAge, in.ReminderHours = ptr(MaxGuardianAge), ptr(MaxReminderHours) },
	} {
		in := validInput()
		mod(&in)
		if err := checker.Check(in); err != nil {
			t.Errorf("bounds refused: %v", err)
		}
	}
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := NewStore(db, nil, new(changes.Generations), clock.System, "UTC")
		a, err := s.Create(ctx, 0, validInput())
		if err != nil {
			t.Fatal(err)
		}
		if a.Discreet || a.GuardianAge != nil || a.ReminderHours != DefaultReminderHours {
			t.Fatalf("defaults: discreet %v, guardian age %v, reminder %d", a.Discreet, a.GuardianAge, a.ReminderHours)
		}
		if _, err := s.Update(ctx, 0, a.ID, Input{Discreet: ptr(true), GuardianAge: ptr(16), ReminderHours: ptr(0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(ctx, 0, a.ID, Input{Venue: ptr("Hall 2")}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, a.ID)
		if !got.Discreet || got.GuardianAge == nil || *got.GuardianAge != 16 || got.ReminderHours != 0 || got.Venue != "Hall 2" {
			t.Fatalf("stored: discreet %v, guardian age %v, reminder %d", got.Discreet, got.GuardianAge, got.ReminderHours)
		}
		if _, err := s.Update(ctx, 0, a.ID, Input{Unset: []string{"guardian_age"}, Discreet: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Get(ctx, a.ID)
		if got.Discreet || got.GuardianAge != nil || got.GuardianAgeOr(18) != 18 {
			t.Fatalf("after unset: discreet %v, guardian age %v", got.Discreet, got.GuardianAge)
		}
		in := validInput()
		in.Discreet = ptr(true)
		hidden, err := s.Create(ctx, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		if listed, _ := s.List(ctx, Filter{Listed: true}); len(listed) != 1 || listed[0].ID != a.ID {
			t.Fatalf("listed %v, want only the activity that is not discreet", listed)
		}
		if all, _ := s.List(ctx, Filter{}); len(all) != 2 {
			t.Fatalf("all: %d, want the discreet one too", len(all))
		}
		if got, err := s.GetBySlug(ctx, hidden.Slug); err != nil || !got.Discreet {
			t.Fatalf("a discreet activity by its slug: %v", err)
		}
	})
}

// TestTimezone: an activity's zone is stored resolved: the one given, else
// its region's, else the portal's; it follows a change of region unless
// chosen; an unknown zone is refused on its field and changes nothing.
func TestTimezone(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := NewStore(db, nil, new(changes.Generations), clock.System, "Asia/Ulaanbaatar")
		zone := func(id int64) string {
			t.Helper()
			a, err := s.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return a.Timezone
		}
		in := validInput()
		in.Region = ptr("MN-043")
		a, err := s.Create(ctx, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		if got := zone(a.ID); got != "Asia/Hovd" {
			t.Fatalf("Khovd: %q", got)
		}
		steps := []struct {
			name string
			in   Input
			want string
		}{
			{"a new region, the zone follows", Input{Region: ptr("ID-BA")}, "Asia/Makassar"},
			{"another field, the zone stays", Input{Venue: ptr("Denpasar")}, "Asia/Makassar"},
			{"a zone chosen", Input{Timezone: ptr("Europe/Paris")}, "Europe/Paris"},
			{"a new region, the chosen zone stays", Input{Region: ptr("ID-PA")}, "Europe/Paris"},
			{"back to the region's", Input{Timezone: ptr("")}, "Asia/Jayapura"},
			{"online, no region: the zone stays", Input{Mode: ptr(ModeOnline), Region: ptr("")}, "Asia/Jayapura"},
			{"no region, the region's: the portal's", Input{Timezone: ptr(" ")}, "Asia/Ulaanbaatar"},
			{"a region again: the portal's default follows it", Input{Region: ptr("FR-974")}, "Indian/Reunion"},
		}
		for _, st := range steps {
			if _, err := s.Update(ctx, 0, a.ID, st.in); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if got := zone(a.ID); got != st.want {
				t.Fatalf("%s: zone %q, want %q", st.name, got, st.want)
			}
		}
		for _, bad := range []string{"Mars/Olympus", "Local", "indian/reunion"} {
			var ae *apperr.Error
			_, err := s.Update(ctx, 0, a.ID, Input{Timezone: ptr(bad), Venue: ptr("elsewhere")})
			if !errors.As(err, &ae) || ae.Kind != apperr.Invalid || ae.Fields["timezone"].ID != "error_timezone_unknown" {
				t.Fatalf("%q: %v", bad, err)
			}
		}
		if got, _ := s.Get(ctx, a.ID); got.Timezone != "Indian/Reunion" || got.Venue != "Denpasar" {
			t.Fatalf("a refused zone changed the activity: %q %q", got.Timezone, got.Venue)
		}
		online := validInput()
		online.Mode = ptr(ModeOnline)
		b, err := s.Create(ctx, 0, online)
		if err != nil {
			t.Fatal(err)
		}
		if b.Timezone != "Asia/Ulaanbaatar" {
			t.Fatalf("online without a zone: %q, want the portal's", b.Timezone)
		}
	})
}
