// Package clock is where the stores read the time: one Clock, given to
// every store's constructor, so a test fixes or moves time for all of them
// at once and no store reads the machine's time on its own.
package clock

import "time"

// Clock tells the time.
type Clock func() time.Time

// System is the machine's time in UTC: what the application gives the stores.
func System() time.Time { return time.Now().UTC() }

// At is a clock stopped at t, for tests.
func At(t time.Time) Clock { return func() time.Time { return t } }
