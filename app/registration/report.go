package registration

import (
	"context"
	"time"

	"github.com/gotong/gotong/app/activities"
	"gorm.io/gorm"
)

// SummarizeCounts is Summarize from an activity's counts alone, so that a
// report over many activities reads one seat row each instead of their
// registrations. For the counts of a state it equals Summarize of that state.
func SummarizeCounts(c Counts) Summary {
	t := c.tally()
	sum := Summary{
		Capacity:      c.Capacity,
		Confirmed:     t.general,
		Waitlisted:    c.Waitlisted,
		GeneralSeats:  c.Capacity - t.poolSeats(),
		GeneralFilled: t.general,
		Pools:         make([]PoolSummary, len(c.Rules)),
	}
	for i, r := range c.Rules {
		sum.Confirmed += t.filled[i]
		sum.Pools[i] = PoolSummary{Attribute: r.Attribute, Share: r.Share, Seats: t.seats[i], Filled: t.filled[i], Released: r.Released}
	}
	return sum
}

// SeatCounts reads the counts of activities (their rules loaded, as
// activities.WithRules does) from their seat rows in one query, with the
// rules released by now. They are the counts as the last write left them: a
// release that came due since shows its seats, but the waitlist moves up
// only when the release is settled (Settle, which the scheduler runs).
func SeatCounts(ctx context.Context, db *gorm.DB, list []activities.Activity, now time.Time) (map[int64]Counts, error) {
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	rows := map[int64]SeatRow{}
	if len(ids) > 0 {
		found, err := ReadSeats(db.WithContext(ctx), ids)
		if err != nil {
			return nil, err
		}
		for _, r := range found {
			rows[r.ActivityID] = r
		}
	}
	out := make(map[int64]Counts, len(list))
	for i := range list {
		out[list[i].ID] = rows[list[i].ID].counts(&list[i], now)
	}
	return out, nil
}
