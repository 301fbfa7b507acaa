package registration

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/quota"
	"gorm.io/gorm"
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
	ActivityID int64
	General    int
	// Pools are the people confirmed in each quota's pool; an attribute
	// missing from the map (or a nil map) has nobody.
	Pools      map[quota.Attribute]int
	Waitlisted int
	LastOrder  int64
}

// seatTable is the migrated table. Its columns follow the quota registry:
// one count per attribute, named after it.
const seatTable = "activity_seats"

// SeatColumns are the columns of activity_seats, in the order this package
// reads and writes them: the activity, then the counts (general, one per
// quota attribute, waitlisted), then the last order.
func SeatColumns() []string {
	return slices.Concat([]string{"activity_id"}, countColumns(), []string{"last_order"})
}

// countColumns are the columns of activity_seats that count people.
func countColumns() []string {
	cols := []string{GeneralPool}
	for _, a := range quota.All() {
		cols = append(cols, string(a))
	}
	return append(cols, "waitlisted")
}

// values are the row's values in SeatColumns order.
func (r SeatRow) values() []any {
	v := []any{r.ActivityID, r.General}
	for _, a := range quota.All() {
		v = append(v, r.Pools[a])
	}
	return append(v, r.Waitlisted, r.LastOrder)
}

// Confirmed is the number of people confirmed in any pool.
func (r SeatRow) Confirmed() int {
	n := r.General
	for _, c := range r.Pools {
		n += c
	}
	return n
}

// Equal reports whether two rows hold the same counts; a pool absent from
// one and holding nobody in the other is the same.
func (r SeatRow) Equal(o SeatRow) bool {
	if r.ActivityID != o.ActivityID || r.General != o.General || r.Waitlisted != o.Waitlisted || r.LastOrder != o.LastOrder {
		return false
	}
	for _, a := range quota.All() {
		if r.Pools[a] != o.Pools[a] {
			return false
		}
	}
	return true
}

// add counts n more registrations at status in pool (n may be negative).
// A pool that names no quota attribute is general.
func (r *SeatRow) add(status Status, pool string, n int) {
	switch a := quota.Attribute(pool); {
	case status != Confirmed:
		r.Waitlisted += n
	case quota.Valid(pool):
		if r.Pools == nil {
			r.Pools = map[quota.Attribute]int{}
		}
		r.Pools[a] += n
	default:
		r.General += n
	}
}

// counts are the core's counts of activity a at now. People in the pool of
// an attribute that no rule names any more count as general, as CountsOf
// counts them.
func (r SeatRow) counts(a *activities.Activity, now time.Time) Counts {
	c := Counts{Capacity: a.Capacity, Rules: rulesAt(a, now), Filled: make([]int, len(a.Quotas)),
		General: r.General, Waitlisted: r.Waitlisted}
	for _, attribute := range quota.All() {
		if i := ruleIndex(c.Rules, string(attribute)); i >= 0 {
			c.Filled[i] = r.Pools[attribute]
		} else {
			c.General += r.Pools[attribute]
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

// ReadSeats reads the seat rows of the activities ids, or every row when
// ids is nil; an activity without one has none in the answer.
func ReadSeats(db *gorm.DB, ids []int64) ([]SeatRow, error) {
	q := db.Table(seatTable).Select(SeatColumns())
	if ids != nil {
		q = q.Where("activity_id IN ?", ids)
	}
	rows, err := q.Rows()
	if err != nil {
		return nil, fmt.Errorf("registration: unable to read seats: %w", err)
	}
	defer rows.Close()
	var out []SeatRow
	attrs := quota.All()
	for rows.Next() {
		r := SeatRow{Pools: make(map[quota.Attribute]int, len(attrs))}
		pools := make([]int, len(attrs))
		dest := []any{&r.ActivityID, &r.General}
		for i := range pools {
			dest = append(dest, &pools[i])
		}
		dest = append(dest, &r.Waitlisted, &r.LastOrder)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("registration: unable to read seats: %w", err)
		}
		for i, a := range attrs {
			r.Pools[a] = pools[i]
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("registration: unable to read seats: %w", err)
	}
	return out, nil
}

// readSeats reads the seat rows of locked activities; an activity without
// one has no registrations yet.
func readSeats(tx *gorm.DB, ids []int64) (map[int64]SeatRow, error) {
	rows, err := ReadSeats(tx, ids)
	if err != nil {
		return nil, err
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

// upsertSeats writes rows into activity_seats in one statement; an
// activity's existing row takes each count from set(column), and the larger
// last order: orders only grow.
func upsertSeats(tx *gorm.DB, rows []SeatRow, set func(col string) string) error {
	cols := SeatColumns()
	marks := "(?" + strings.Repeat(", ?", len(cols)-1) + ")"
	var sql strings.Builder
	sql.WriteString("INSERT INTO " + seatTable + " (" + strings.Join(cols, ", ") + ") VALUES ")
	var args []any
	for i, r := range rows {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString(marks)
		args = append(args, r.values()...)
	}
	sql.WriteString(" ON CONFLICT (activity_id) DO UPDATE SET ")
	for _, col := range countColumns() {
		sql.WriteString(col + " = " + set(col) + ", ")
	}
	sql.WriteString("last_order = CASE WHEN excluded.last_order > " + seatTable + ".last_order THEN excluded.last_order ELSE " +
		seatTable + ".last_order END")
	if err := tx.Exec(sql.String(), args...).Error; err != nil {
		return fmt.Errorf("registration: unable to count seats: %w", err)
	}
	return nil
}

// addSeats adds each row's counts to its activity's (LastOrder is taken
// when larger), in one statement.
func addSeats(tx *gorm.DB, deltas []SeatRow) error {
	if len(deltas) == 0 {
		return nil
	}
	return upsertSeats(tx, deltas, func(col string) string { return seatTable + "." + col + " + excluded." + col })
}

// setSeats writes an activity's counts whole (LastOrder is taken when
// larger).
func setSeats(tx *gorm.DB, row SeatRow) error {
	return upsertSeats(tx, []SeatRow{row}, func(col string) string { return "excluded." + col })
}
