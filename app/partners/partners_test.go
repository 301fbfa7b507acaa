package partners

import (
	"reflect"
	"testing"
	"time"

	"github.com/gotong/gotong/app/civil"
)

func day(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }

func TestPerYear(t *testing.T) {
	t.Parallel()
	history := []Change{
		{PartnerID: 1, Status: StatusProspective, ChangedOn: day(2024, 11, 2)},
		{PartnerID: 1, Status: StatusActive, ChangedOn: day(2025, 1, 1)},
		{PartnerID: 2, Status: StatusActive, ChangedOn: day(2025, 12, 31)},
		{PartnerID: 1, Status: StatusStrengthened, ChangedOn: day(2026, 3, 4)},
		{PartnerID: 3, Status: StatusActive, ChangedOn: day(2023, 6, 30)},
		{PartnerID: 2, Status: StatusEnded, ChangedOn: day(2026, 1, 1)},
		{PartnerID: 2, Status: StatusActive, ChangedOn: day(2026, 2, 1)}, // renewed after it ended
		{PartnerID: 4, Status: StatusStrengthened, ChangedOn: day(2026, 12, 31)},
	}
	for _, tc := range []struct {
		name    string
		changes []Change
		status  string
		want    []YearCount
	}{
		{"no history", nil, StatusActive, []YearCount{}},
		{"only prospective", history[:1], StatusActive, []YearCount{}},
		{"established by year, earliest first", history, StatusActive,
			[]YearCount{{2023, 1}, {2025, 2}, {2026, 1}}},
		{"strengthened", history, StatusStrengthened, []YearCount{{2026, 2}}},
		{"ended", history, StatusEnded, []YearCount{{2026, 1}}},
		{"the last day of a year counts in that year", history[2:3], StatusActive, []YearCount{{2025, 1}}},
		{"an undated change is not counted", []Change{{Status: StatusActive}}, StatusActive, []YearCount{}},
	} {
		if got := PerYear(tc.changes, tc.status); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
