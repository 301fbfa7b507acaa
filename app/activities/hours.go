package activities

import (
	"math"
	"time"
)

// MaxCreditMinutes bounds the hours an activity credits: a year of days.
const MaxCreditMinutes = 366 * 24 * 60

// CreditMinutes is what attending a counts for on a young person's path:
// the minutes set for it, else its duration (never negative).
func CreditMinutes(a *Activity) int {
	if a.CreditMinutes != nil {
		return *a.CreditMinutes
	}
	return max(int(a.EndsAt.Sub(a.StartsAt)/time.Minute), 0)
}

// Hours is minutes as hours, for pages, certificates and the API: to the
// quarter hour, so that a sum over many activities stays exact.
func Hours(minutes int) float64 { return float64((minutes+7)/15) / 4 }

// CreditMinutesOf is hours as the minutes an activity credits, rounded to
// the minute, and whether they are allowed: from 0 to MaxCreditMinutes.
func CreditMinutesOf(hours float64) (int, bool) {
	if math.IsNaN(hours) || hours < 0 || hours > MaxCreditMinutes/60 {
		return 0, false
	}
	return int(math.Round(hours * 60)), true
}
