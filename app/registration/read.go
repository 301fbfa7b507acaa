package registration

import (
	"context"
	"errors"
	"fmt"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/database"
	"gorm.io/gorm"
)

// Get returns one registration with its waitlist position, whoever asks:
// for the person it belongs to, whose ownership the caller has proved (their
// account, their signed confirmation link). Staff pages use GetAs.
func (s *Service) Get(ctx context.Context, id int64) (*Placed, error) {
	return s.get(ctx, s.db.WithContext(ctx), id)
}

// GetAs returns one registration if v reaches its activity
// (activities.Reached); any other is not found, so ids do not leak.
func (s *Service) GetAs(ctx context.Context, v access.Viewer, id int64) (*Placed, error) {
	return s.get(ctx, s.db.WithContext(ctx).Scopes(activities.Reached(v, "activity_id")), id)
}

func (s *Service) get(ctx context.Context, q *gorm.DB, id int64) (*Placed, error) {
	var r Registration
	err := q.Take(&r, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("registration: unable to fetch: %w", err)
	}
	p := &Placed{Registration: r}
	if r.Status == string(Waitlisted) {
		if p.Position, err = s.position(ctx, &r); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// position is a waitlisted registration's place in its waitlist.
func (s *Service) position(ctx context.Context, r *Registration) (int, error) {
	var ahead int64
	err := s.db.WithContext(ctx).Model(&Registration{}).
		Where("activity_id = ? AND status = ? AND waitlist_order <= ?", r.ActivityID, string(Waitlisted), r.WaitlistOrder).
		Count(&ahead).Error
	if err != nil {
		return 0, fmt.Errorf("registration: unable to find a waitlist position: %w", err)
	}
	return int(ahead), nil
}

// Summary returns the seats of an activity as they stand now (releases due
// by now are applied in the figures even before the scheduler runs), if v
// reaches it (activities.Reached); any other is not found.
func (s *Service) Summary(ctx context.Context, v access.Viewer, activityID int64) (Summary, error) {
	var sum Summary
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		var a activities.Activity
		if err := activities.WithRules(tx).Scopes(activities.Reached(v, "id")).Take(&a, activityID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return apperr.ErrNotFound
			}
			return fmt.Errorf("registration: unable to read activity %d: %w", activityID, err)
		}
		l, err := s.load(tx, &a, s.now())
		if err != nil {
			return err
		}
		settled, _ := Settle(l.state)
		sum = Summarize(settled)
		return nil
	})
	return sum, err
}

// List returns the live and cancelled registrations of an activity, in
// arrival order, with waitlist positions; none for an activity v does not
// reach (activities.Reached).
func (s *Service) List(ctx context.Context, v access.Viewer, activityID int64) ([]Placed, error) {
	var rows []Registration
	if err := s.db.WithContext(ctx).Scopes(activities.Reached(v, "activity_id")).Where("activity_id = ?", activityID).Order("waitlist_order, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("registration: unable to list: %w", err)
	}
	out := make([]Placed, len(rows))
	pos := 0
	for i, r := range rows {
		out[i] = Placed{Registration: r}
		if r.Status == string(Waitlisted) {
			pos++
			out[i].Position = pos
		}
	}
	return out, nil
}

// ForPerson returns a person's live registrations, newest first, with
// their waitlist positions.
func (s *Service) ForPerson(ctx context.Context, personID int64) ([]Placed, error) {
	var rows []Registration
	if err := s.db.WithContext(ctx).Where("person_id = ? AND status <> ?", personID, string(Cancelled)).
		Order("id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("registration: unable to list a person's registrations: %w", err)
	}
	out := make([]Placed, 0, len(rows))
	for _, r := range rows {
		p, err := s.Get(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, nil
}

// ConfirmedCounts is ConfirmedCount of each of the activities ids, read
// at once for a list: activity id to its confirmed people.
func (s *Service) ConfirmedCounts(ctx context.Context, ids []int64) (map[int64]int, error) {
	rows, err := readSeats(s.db.WithContext(ctx), ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(rows))
	for id, r := range rows {
		out[id] = r.Confirmed()
	}
	return out, nil
}

// ConfirmedCount is the number of confirmed people of an activity: what a
// public page needs to show free seats, from its seat row.
func (s *Service) ConfirmedCount(ctx context.Context, activityID int64) (int, error) {
	rows, err := readSeats(s.db.WithContext(ctx), []int64{activityID})
	if err != nil {
		return 0, err
	}
	return rows[activityID].Confirmed(), nil
}
