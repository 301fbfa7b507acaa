package registration

import (
	"testing"

	"github.com/gotong/gotong/app/quota"
)

// TestSeatRowCounts: each quota's pool counts in its own entry, any other
// pool as general, waiters apart; a pool holding nobody equals an absent one.
func TestSeatRowCounts(t *testing.T) {
	var r SeatRow
	r.add(Confirmed, string(quota.Rural), 2)
	r.add(Confirmed, string(quota.Minority), 1)
	r.add(Confirmed, GeneralPool, 1)
	r.add(Confirmed, "nonsense", 1)
	r.add(Waitlisted, "", 3)
	r.add(Confirmed, string(quota.Disability), 1)
	r.add(Confirmed, string(quota.Disability), -1)
	want := SeatRow{General: 2, Waitlisted: 3, Pools: map[quota.Attribute]int{quota.Rural: 2, quota.Minority: 1}}
	if !r.Equal(want) || r.Confirmed() != 5 {
		t.Fatalf("row %+v (confirmed %d), want %+v", r, r.Confirmed(), want)
	}
	want.Pools[quota.Minority] = 2
	if r.Equal(want) {
		t.Fatal("rows with different pools are equal")
	}
	if len(SeatColumns()) != 4+len(quota.All()) {
		t.Fatalf("columns %v", SeatColumns())
	}
}
