package registration

import (
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/gotong/gotong/app/activities"
)

// TestSummarizeCountsMatchesSummarize: the report's figures from a seat row
// are those of the whole state, after every step of random sequences (the
// fuzz checker's decoder), rules released or not, and through the seat row
// of an activity whose rules give the same releases.
func TestSummarizeCountsMatchesSummarize(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	seeds := int64(300)
	if testing.Short() {
		seeds = 30 // a tenth, for the quick run; make test runs them all
	}
	for seed := int64(1); seed <= seeds; seed++ {
		rng := rand.New(rand.NewSource(seed))
		data := make([]byte, 16+rng.Intn(300))
		rng.Read(data)
		src := &byteSource{data}
		s := decodeStart(src)
		var nextID int64
		for step := 0; len(src.data) > 0 && step < 300; step++ {
			after, err := applyChecked(s, decodeOp(src, s, &nextID))
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			s = after
			want := Summarize(s)
			if got := SummarizeCounts(CountsOf(s)); !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d step %d: from counts %+v, from the state %+v", seed, step, got, want)
			}
			a := activities.Activity{ID: 1, Capacity: s.Capacity}
			past := now.Add(-time.Hour)
			for i, r := range s.Rules {
				q := activities.QuotaRule{Position: i, Attribute: r.Attribute, Share: r.Share}
				if r.Released {
					q.ReleaseAt = &past
				}
				a.Quotas = append(a.Quotas, q)
			}
			if got := SummarizeCounts(seatRowOf(1, s).counts(&a, now)); !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d step %d: from the seat row %+v, from the state %+v", seed, step, got, want)
			}
		}
	}
}
