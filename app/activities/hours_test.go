package activities

import (
	"testing"
	"time"
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
