// Package regtest helps the tests of packages that write registrations.
package regtest

import (
	"testing"

	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/registration"
	"gorm.io/gorm"
)

// CheckSeatRows fails t when an activity's seat row differs from its
// registrations, whoever wrote them: whatever a test did, the counters must
// have followed. Sealed pools are opened with sealer, so the sensitive
// quotas are compared one by one; and no row may hold a sensitive quota's
// name in clear.
func CheckSeatRows(t testing.TB, db *gorm.DB, sealer *people.Sealer) {
	t.Helper()
	var regs []registration.Registration
	// Applications (applied, declined) and cancelled registrations hold no seat.
	if err := db.Where("status IN ?", []string{string(registration.Confirmed), string(registration.Waitlisted)}).Find(&regs).Error; err != nil {
		t.Fatal(err)
	}
	var last []struct {
		ActivityID int64
		LastOrder  int64
	}
	if err := db.Raw(`SELECT activity_id, MAX(waitlist_order) AS last_order FROM registrations GROUP BY activity_id`).
		Scan(&last).Error; err != nil {
		t.Fatal(err)
	}
	want := map[int64]*registration.SeatRow{}
	row := func(id int64) *registration.SeatRow {
		if want[id] == nil {
			want[id] = &registration.SeatRow{ActivityID: id, Pools: map[quota.Attribute]int{}}
		}
		return want[id]
	}
	for _, l := range last {
		row(l.ActivityID).LastOrder = l.LastOrder
	}
	for i := range regs {
		r := &regs[i]
		w := row(r.ActivityID)
		if r.Status == string(registration.Waitlisted) {
			w.Waitlisted++
			continue
		}
		if r.Pool != nil && quota.Sensitive(quota.Attribute(*r.Pool)) {
			t.Errorf("registration %d keeps its pool %q in clear", r.ID, *r.Pool)
		}
		pool, err := registration.OpenPool(sealer, r)
		if err != nil {
			t.Errorf("registration %d: %v", r.ID, err)
			continue
		}
		if quota.Valid(pool) {
			w.Pools[quota.Attribute(pool)]++
		} else {
			w.General++
		}
	}
	got, err := registration.ReadSeats(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range got {
		w := row(g.ActivityID)
		if !g.Equal(*w) {
			t.Errorf("activity %d: seat row %+v, registrations say %+v", g.ActivityID, g, *w)
		}
		delete(want, g.ActivityID)
	}
	for id, w := range want {
		t.Errorf("activity %d has registrations but no seat row; they say %+v", id, *w)
	}
}
