package activities

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/changes"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func TestCreditMinutes(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 7, 1, 9, 0, 0, 0, time.UTC)
	set := 90
	for _, tc := range []struct {
		a    Activity
		want int
	}{
		{Activity{StartsAt: start, EndsAt: start.Add(3 * time.Hour)}, 180},
		{Activity{StartsAt: start, EndsAt: start.Add(3*time.Hour + 59*time.Second)}, 180},
		{Activity{StartsAt: start, EndsAt: start.Add(72 * time.Hour), CreditMinutes: &set}, 90},
		{Activity{StartsAt: start, EndsAt: start.Add(-time.Hour)}, 0},
	} {
		if got := CreditMinutes(&tc.a); got != tc.want {
			t.Errorf("CreditMinutes(%v–%v, %v) = %d, want %d", tc.a.StartsAt, tc.a.EndsAt, tc.a.CreditMinutes, got, tc.want)
		}
	}
	for minutes, want := range map[int]float64{0: 0, 7: 0, 8: 0.25, 90: 1.5, 100: 1.75, 180: 3} {
		if got := Hours(minutes); got != want {
			t.Errorf("Hours(%d) = %v, want %v", minutes, got, want)
		}
	}
}

func TestCreditMinutesOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		hours float64
		want  int
		ok    bool
	}{
		{0, 0, true},
		{1.5, 90, true},
		{2.0083, 120, true}, // 120.5 minutes less a little: to the minute
		{0.0084, 1, true},
		{MaxCreditMinutes / 60, MaxCreditMinutes, true},
		{MaxCreditMinutes/60 + 0.001, 0, false},
		{-0.001, 0, false},
		{math.NaN(), 0, false},
		{math.Inf(1), 0, false},
	} {
		if got, ok := CreditMinutesOf(tc.hours); got != tc.want || ok != tc.ok {
			t.Errorf("CreditMinutesOf(%v) = %d, %v; want %d, %v", tc.hours, got, ok, tc.want, tc.ok)
		}
	}
}

// TestHoursInput: hours set are stored to the minute, kept by an edit
// that leaves them out, refused on their field out of range, and "hours"
// in Unset counts the duration again.
func TestHoursInput(t *testing.T) {
	t.Parallel()
	for _, h := range []float64{-0.25, MaxCreditMinutes/60 + 1, math.NaN()} {
		in := validInput()
		in.Hours = ptr(h)
		var ae *apperr.Error
		if err := checker.Check(in); !errors.As(err, &ae) || ae.Fields["hours"].ID != "error_hours_range" || len(ae.Fields) != 1 {
			t.Errorf("hours %v: %v", h, err)
		}
	}
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := NewStore(db, nil, new(changes.Generations), clock.System, "UTC")
		in := validInput()
		in.Hours = ptr(2.51)
		a, err := s.Create(ctx, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(ctx, 0, a.ID, Input{Venue: ptr("Hall 2")}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, a.ID)
		if got.CreditMinutes == nil || *got.CreditMinutes != 151 || CreditMinutes(got) != 151 {
			t.Fatalf("stored %v", got.CreditMinutes)
		}
		if _, err := s.Update(ctx, 0, a.ID, Input{Hours: ptr(-1.0)}); err == nil {
			t.Fatal("negative hours stored")
		}
		if _, err := s.Update(ctx, 0, a.ID, Input{Unset: []string{"hours"}}); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Get(ctx, a.ID)
		if got.CreditMinutes != nil || CreditMinutes(got) != 8*60 {
			t.Fatalf("after unset: %v, counts %d", got.CreditMinutes, CreditMinutes(got))
		}
	})
}
