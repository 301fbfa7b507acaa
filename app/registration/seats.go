package registration

import (
	"fmt"
	"time"

	"github.com/gotong/gotong/app/activities"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SeatRow is a row of activity_seats: an activity's people confirmed in each
// pool, its people waiting, and the last waitlist order it gave out.
//
// Every write of this package that adds a registration or changes one's
// status or pool keeps the row in step, in the same transaction and under
// the activity's lock: placing a newcomer adds to it, and anything that
// reads the whole state (cancelling, a capacity change, settling) writes it
// whole. So a rush reads one row where it would count thousands of
// registrations. The tests compare it with the registrations after every
// operation.
type SeatRow struct {
	ActivityID int64 `gorm:"primaryKey"`
	General    int
	Rural      int
	Disability int
	Minority   int
	Waitlisted int
	LastOrder  int64
}

// TableName is the migrated table.
func (SeatRow) TableName() string { return "activity_seats" }

// Confirmed is the number of people confirmed in any pool.
func (r SeatRow) Confirmed() int { return r.General + r.Rural + r.Disability + r.Minority }

// add counts n more registrations at status in pool (n may be negative).
func (r *SeatRow) add(status Status, pool string, n int) {
	if status != Confirmed {
		r.Waitlisted += n
		return
	}
	switch pool {
	case "rural":
		r.Rural += n
	case "disability":
		r.Disability += n
	case "minority":
		r.Minority += n
	default:
		r.General += n
	}
}

// pool is the number of people confirmed in the pool of attribute.
func (r SeatRow) pool(attribute string) int {
	switch attribute {
	case "rural":
		return r.Rural
	case "disability":
		return r.Disability
	case "minority":
		return r.Minority
	}
	return 0
}

// counts are the core's counts of activity a at now. People in the pool of
// an attribute that no rule names any more count as general, as CountsOf
// counts them.
func (r SeatRow) counts(a *activities.Activity, now time.Time) Counts {
	c := Counts{Capacity: a.Capacity, Rules: rulesAt(a, now), Filled: make([]int, len(a.Quotas)),
		General: r.General, Waitlisted: r.Waitlisted}
	for _, attribute := range Attributes {
		if i := ruleIndex(c.Rules, attribute); i >= 0 {
			c.Filled[i] = r.pool(attribute)
		} else {
			c.General += r.pool(attribute)
		}
	}
	return c
}

// seatRowOf counts the live registrations of a whole state.
func seatRowOf(activityID int64, s State) SeatRow {
	r := SeatRow{ActivityID: activityID}
	for _, reg := range s.Regs {
		r.add(reg.Status, reg.Pool, 1)
	}
	return r
}

// readSeats reads the seat rows of locked activities; an activity without
// one has no registrations yet.
func readSeats(tx *gorm.DB, ids []int64) (map[int64]SeatRow, error) {
	var rows []SeatRow
	if err := tx.Where("activity_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("registration: unable to read seats: %w", err)
	}
	out := make(map[int64]SeatRow, len(ids))
	for _, id := range ids {
		out[id] = SeatRow{ActivityID: id}
	}
	for _, r := range rows {
		out[r.ActivityID] = r
	}
	return out, nil
}

// lastOrderKept keeps the larger last order: orders only grow.
var lastOrderKept = clause.Assignment{Column: clause.Column{Name: "last_order"},
	Value: clause.Expr{SQL: "CASE WHEN excluded.last_order > activity_seats.last_order THEN excluded.last_order ELSE activity_seats.last_order END"}}

// addSeats adds each row's counts to its activity's (LastOrder is taken
// when larger), in one statement.
func addSeats(tx *gorm.DB, deltas []SeatRow) error {
	if len(deltas) == 0 {
		return nil
	}
	sets := clause.Set{lastOrderKept}
	for _, col := range []string{"general", "rural", "disability", "minority", "waitlisted"} {
		sets = append(sets, clause.Assignment{Column: clause.Column{Name: col},
			Value: clause.Expr{SQL: "activity_seats." + col + " + excluded." + col}})
	}
	err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "activity_id"}}, DoUpdates: sets}).Create(&deltas).Error
	if err != nil {
		return fmt.Errorf("registration: unable to count seats: %w", err)
	}
	return nil
}

// setSeats writes an activity's counts whole (LastOrder is taken when
// larger).
func setSeats(tx *gorm.DB, row SeatRow) error {
	sets := append(clause.AssignmentColumns([]string{"general", "rural", "disability", "minority", "waitlisted"}), lastOrderKept)
	err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "activity_id"}}, DoUpdates: sets}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("registration: unable to count seats: %w", err)
	}
	return nil
}
