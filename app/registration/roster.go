package registration

import (
	"context"
	"fmt"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
)

// Tally is how many live registrations an activity has.
type Tally struct {
	Confirmed  int
	Waitlisted int
}

// Tallies counts the confirmed and waitlisted registrations of the given
// activities in one query, among those whose counts v may see (Counted: a
// partner member's space counts what its organisation co-hosts); an activity
// without any, or out of v's reach, is absent from the map.
func (s *Service) Tallies(ctx context.Context, v access.Viewer, activityIDs []int64) (map[int64]Tally, error) {
	out := make(map[int64]Tally, len(activityIDs))
	if len(activityIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ActivityID int64
		Status     string
		N          int
	}
	err := s.db.WithContext(ctx).Model(&Registration{}).Scopes(activities.Counted(v, "activity_id")).
		Select("activity_id, status, COUNT(*) AS n").
		Where("activity_id IN ? AND status IN ?", activityIDs, []string{string(Confirmed), string(Waitlisted)}).
		Group("activity_id, status").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("registration: unable to count: %w", err)
	}
	for _, r := range rows {
		t := out[r.ActivityID]
		switch Status(r.Status) {
		case Confirmed:
			t.Confirmed = r.N
		case Waitlisted:
			t.Waitlisted = r.N
		}
		out[r.ActivityID] = t
	}
	return out, nil
}

// RosterEntry is a live registration with the name and email of its person,
// for the staff who run the activity. It carries nothing sensitive. The
// registration of a person erased since has no name: Erased is set.
type RosterEntry struct {
	ID         int64
	Status     string
	Pool       *string
	Attended   *bool
	GivenName  string
	FamilyName string
	Email      *string
	Erased     bool
	Position   int // on the waitlist, 0 when confirmed
}

// Roster returns the live registrations of an activity in arrival order
// (those holding a place or waiting for one: applications are reviewed
// apart, see Applications),
// joined to their people in one query, with waitlist positions. The
// registrations of erased people stay in it, as anonymous seats. It is
// empty for an activity v does not reach (activities.Reached).
func (s *Service) Roster(ctx context.Context, v access.Viewer, activityID int64) ([]RosterEntry, error) {
	var rows []RosterEntry
	err := s.db.WithContext(ctx).Table("registrations AS r").Scopes(activities.Reached(v, "r.activity_id")).
		Select("r.id, r.status, r.pool, r.attended, COALESCE(p.given_name, '') AS given_name, "+
			"COALESCE(p.family_name, '') AS family_name, p.email, r.person_id IS NULL AS erased").
		Joins("LEFT JOIN people AS p ON p.id = r.person_id").
		Where("r.activity_id = ? AND r.status IN ?", activityID, seated).
		Order("r.waitlist_order, r.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("registration: unable to read the roster: %w", err)
	}
	pos := 0
	for i := range rows {
		if rows[i].Status == string(Waitlisted) {
			pos++
			rows[i].Position = pos
		}
	}
	return rows, nil
}
