package reports

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/path"
	"gorm.io/gorm"
)

// The figures of the youth path (DESIGN.md "The youth path"): the hours
// young people spent at the activities they attended, by region and kind,
// and how many people were trained each year, beside the partnerships per
// year that the section's report counts too. An attendance is what counts
// on a path (path.Counted): a confirmed place marked attended.

// HoursCell is the hours credited at the activities of one region (a code
// of app/regions, or "" for none) and kind.
type HoursCell struct {
	Region, Kind string
	Hours        float64
}

// YearPeople is the people trained in one year.
type YearPeople struct {
	Year   int
	People Count
}

// Training is the path's figures. Hours are a sum of credits, not a count
// of people, and are shown as they are; the people trained per year are a
// count of people, through Suppress.
type Training struct {
	MinCell int
	// Hours are the regions and kinds with an attendance: by region code,
	// the activities without a region last, then by kind as
	// activities.Kinds lists them.
	Hours      []HoursCell
	TotalHours float64
	// Years are the years with an attendance, oldest first.
	Years []YearPeople
}

// Attendance is one attendance, as the figures need it.
type Attendance struct {
	// PersonID is nil once the person was erased: each such attendance
	// counts as a person of its own, since nothing links them any more.
	PersonID     *int64
	Region, Kind string
	Minutes      int // what it counts for (activities.CreditMinutes)
	Year         int // of the activity's end, in its zone
}

// Training computes the path's figures over every attendance.
func (s *Service) Training(ctx context.Context) (*Training, error) {
	db := s.db.WithContext(ctx)
	var regs []struct {
		PersonID   *int64
		ActivityID int64
	}
	counted := func() *gorm.DB { return db.Table("registrations r").Scopes(path.Counted("r")) }
	if err := counted().Select("r.person_id, r.activity_id").Scan(&regs).Error; err != nil {
		return nil, fmt.Errorf("reports: unable to read attendances: %w", err)
	}
	var acts []activities.Activity
	if err := db.Where("id IN (?)", counted().Select("r.activity_id")).Find(&acts).Error; err != nil {
		return nil, fmt.Errorf("reports: unable to read the activities attended: %w", err)
	}
	byID := make(map[int64]*activities.Activity, len(acts))
	for i := range acts {
		byID[acts[i].ID] = &acts[i]
	}
	list := make([]Attendance, 0, len(regs))
	for _, r := range regs {
		a, ok := byID[r.ActivityID]
		if !ok {
			continue // its attendance was unmarked between the two reads
		}
		list = append(list, Attendance{PersonID: r.PersonID, Region: a.Region, Kind: a.Kind,
			Minutes: activities.CreditMinutes(a), Year: a.Local(a.EndsAt).Year()})
	}
	return trainingFigures(list, s.minCell), nil
}

// trainingFigures adds the attendances up: each one's hours to the
// quarter hour, as on the person's path, so that a region's hours are the
// sum of its people's; each person once a year, however many activities
// they attended; the years' counts under minCell hidden (Suppress: a
// small year's few people could be named).
func trainingFigures(list []Attendance, minCell int) *Training {
	type key struct{ region, kind string }
	hours := map[key]float64{}
	people := map[int]map[int64]bool{}
	erased := map[int]int{}
	out := &Training{MinCell: minCell, Hours: []HoursCell{}, Years: []YearPeople{}}
	for _, a := range list {
		h := activities.Hours(a.Minutes)
		hours[key{a.Region, a.Kind}] += h
		out.TotalHours += h
		if people[a.Year] == nil {
			people[a.Year] = map[int64]bool{}
		}
		if a.PersonID == nil {
			erased[a.Year]++
		} else {
			people[a.Year][*a.PersonID] = true
		}
	}
	for k, h := range hours {
		out.Hours = append(out.Hours, HoursCell{Region: k.region, Kind: k.kind, Hours: h})
	}
	kindOrder := func(kind string) int { return slices.Index(activities.Kinds, kind) }
	slices.SortFunc(out.Hours, func(a, b HoursCell) int {
		if (a.Region == "") != (b.Region == "") {
			if a.Region == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)), cmp.Compare(a.Kind, b.Kind))
	})
	years := make([]int, 0, len(people))
	for y := range people {
		years = append(years, y)
	}
	slices.Sort(years)
	cells := make([]Cell, len(years))
	for i, y := range years {
		cells[i] = Cell{Value: len(people[y]) + erased[y], Sensitive: true}
	}
	// No total: a person trained in two years would count twice in a sum,
	// so the years add up to nothing published, and no group binds them.
	marks := Suppress(cells, nil, minCell)
	for i, y := range years {
		c := Count{Value: cells[i].Value, Mark: marks[i]}
		if c.Mark != Shown {
			c.Value = 0
		}
		out.Years = append(out.Years, YearPeople{Year: y, People: c})
	}
	return out
}
