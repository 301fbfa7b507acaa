package reports

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gotong/gotong/app/people"
)

// YouthMaxAge is the oldest age counted as youth: the youth share counts the
// people who are YouthMaxAge or younger this year, by their birth year.
const YouthMaxAge = 30

// PeopleMonths is how many months, the current one last, the people over
// time cover.
const PeopleMonths = 24

// Month is the people who joined in one month and the people in all at its
// end.
type Month struct {
	Start time.Time // the first day, in UTC
	New   int
	Total int
}

// Share is Count people out of Of.
type Share struct {
	Count int
	Of    int
}

// People is the figures of the people database: how it grew, and the
// youth, rural and volunteer shares.
type People struct {
	Total  int
	Months []Month // PeopleMonths of them, oldest first
	// Youth: YouthMaxAge or younger this year, among those with a birth
	// year.
	Youth Share
	// Rural: a rural locality, among those who declared one.
	Rural Share
	// Volunteers among everyone.
	Volunteers Share
}

// months are the first days of the PeopleMonths months up to now's, in UTC,
// and the first day of the month after.
func months(now time.Time) []time.Time {
	now = now.UTC()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	out := make([]time.Time, PeopleMonths+1)
	for i := range out {
		out[i] = first.AddDate(0, i-PeopleMonths+1, 0)
	}
	return out
}

// People computes the people figures at now, in one query.
func (s *Service) People(ctx context.Context, now time.Time) (*People, error) {
	bounds := months(now)
	cols := []string{
		"COUNT(*)",
		"SUM(CASE WHEN birth_year IS NOT NULL THEN 1 ELSE 0 END)",
		"SUM(CASE WHEN birth_year >= ? THEN 1 ELSE 0 END)",
		"SUM(CASE WHEN locality IN (?, ?) THEN 1 ELSE 0 END)",
		"SUM(CASE WHEN locality = ? THEN 1 ELSE 0 END)",
		"SUM(CASE WHEN volunteer = ? THEN 1 ELSE 0 END)",
		"SUM(CASE WHEN created_at < ? THEN 1 ELSE 0 END)",
	}
	args := []any{now.UTC().Year() - YouthMaxAge, people.Urban, people.Rural, people.Rural, true, bounds[0]}
	for i := range PeopleMonths {
		cols = append(cols, "SUM(CASE WHEN created_at >= ? AND created_at < ? THEN 1 ELSE 0 END)")
		args = append(args, bounds[i], bounds[i+1])
	}
	for i := 1; i < len(cols); i++ {
		cols[i] = "COALESCE(" + cols[i] + ", 0)"
	}
	vals := make([]int64, len(cols))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := s.db.WithContext(ctx).Raw("SELECT "+strings.Join(cols, ", ")+" FROM people", args...).Row().Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("reports: unable to count people: %w", err)
	}
	p := &People{Total: int(vals[0]), Youth: Share{Count: int(vals[2]), Of: int(vals[1])},
		Rural: Share{Count: int(vals[4]), Of: int(vals[3])}, Volunteers: Share{Count: int(vals[5]), Of: int(vals[0])}}
	running := int(vals[6])
	for i := range PeopleMonths {
		n := int(vals[7+i])
		running += n
		p.Months = append(p.Months, Month{Start: bounds[i], New: n, Total: running})
	}
	return p, nil
}

// RegionCount is a count for one region (a code of app/regions, or "" for
// none).
type RegionCount struct {
	Region string
	Count  int
}

// TrainedByRegion counts the participants trained, the registrations whose
// attendance was marked (attended), by the region of their activity, most
// first, then by region code. A registration counts whether or not its
// person is still there: an erased person's registration keeps no person
// but still counts.
func (s *Service) TrainedByRegion(ctx context.Context) ([]RegionCount, error) {
	var out []RegionCount
	err := s.db.WithContext(ctx).Raw(`SELECT a.region AS region, COUNT(*) AS count
		FROM registrations r JOIN activities a ON a.id = r.activity_id
		WHERE r.attended = ? GROUP BY a.region`, true).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("reports: unable to count participants trained: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Region < out[j].Region
	})
	return out, nil
}
