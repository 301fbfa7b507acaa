package registration

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"gorm.io/gorm"
)

// Cancel gives up a registration for the person it belongs to (see Get);
// its seat moves to the waitlist at once.
func (s *Service) Cancel(ctx context.Context, id int64) (*Placed, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.cancel(ctx, r)
}

// CancelAs is Cancel by staff: the registration must be of an activity v
// reaches, or it is not found.
func (s *Service) CancelAs(ctx context.Context, v access.Viewer, id int64) (*Placed, error) {
	r, err := s.GetAs(ctx, v, id)
	if err != nil {
		return nil, err
	}
	return s.cancel(ctx, r)
}

// cancel cancels r: its seat moves on at once, and its person is told with
// their manage link.
func (s *Service) cancel(ctx context.Context, r *Placed) (*Placed, error) {
	id := r.ID
	switch Status(r.Status) {
	case Cancelled:
		return nil, apperr.New(apperr.Conflict, "error_already_cancelled")
	case Declined:
		return nil, apperr.New(apperr.Conflict, "error_application_decided")
	}
	err := s.change(ctx, r.ActivityID, func(tx *gorm.DB, a *activities.Activity, l *loaded, now time.Time) (State, []int64, error) {
		if _, seated := l.rows[id]; !seated {
			// An application holds no seat: withdrawing it moves nothing.
			// Read under the lock, it may have been decided meanwhile.
			return l.state, nil, s.withdrawApplication(tx, a, id, now)
		}
		next, changed, err := withdraw(tx, l.state, []int64{id}, now, nil)
		if err != nil {
			return next, nil, err
		}
		row := *l.rows[id]
		row.Status = string(Cancelled)
		return next, changed, s.notify(tx, kindCancelled, a, &row, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// withdrawApplication cancels the application id of the locked activity a
// for its person, and tells them.
func (s *Service) withdrawApplication(tx *gorm.DB, a *activities.Activity, id int64, now time.Time) error {
	var row Registration
	if err := tx.Take(&row, id).Error; err != nil {
		return fmt.Errorf("registration: unable to read %d: %w", id, err)
	}
	switch Status(row.Status) {
	case Applied:
	case Declined:
		return apperr.New(apperr.Conflict, "error_application_decided")
	default:
		return apperr.New(apperr.Conflict, "error_already_cancelled")
	}
	if err := tx.Model(&Registration{}).Where("id = ?", id).
		Updates(map[string]any{"status": string(Cancelled), "cancelled_at": now, "updated_at": now}).Error; err != nil {
		return fmt.Errorf("registration: unable to cancel %d: %w", id, err)
	}
	row.Status = string(Cancelled)
	return s.notify(tx, kindCancelled, a, &row, now)
}

// SetCapacity is called inside the transaction that updates an activity:
// a capacity below the confirmed count (or one that breaks the quota) is a
// conflict; a larger one promotes from the waitlist at once.
func (s *Service) SetCapacity(tx *gorm.DB, activityID int64, capacity int) error {
	return s.changeIn(tx, activityID, func(_ *gorm.DB, _ *activities.Activity, l *loaded, _ time.Time) (State, []int64, error) {
		next, changed, err := SetCapacity(l.state, capacity)
		switch {
		case errors.Is(err, ErrCapacityBelowConfirmed):
			return next, nil, apperr.New(apperr.Conflict, "error_capacity_below_confirmed")
		case errors.Is(err, ErrCapacityBreaksQuota):
			return next, nil, apperr.New(apperr.Conflict, "error_capacity_breaks_quota")
		}
		return next, changed, err
	})
}

// CancelAll runs inside the transaction that cancels an activity: every
// live registration is cancelled with it, and each person is told in their
// language.
func (s *Service) CancelAll(tx *gorm.DB, activityID int64) error {
	now := s.now()
	a, err := lockActivity(tx, activityID)
	if err != nil {
		return err
	}
	var live []Registration
	// Declined applications stay declined; applications under review are
	// cancelled with the places.
	over := []string{string(Cancelled), string(Declined)}
	if err := tx.Where("activity_id = ? AND status NOT IN ?", activityID, over).Order("waitlist_order").Find(&live).Error; err != nil {
		return fmt.Errorf("registration: unable to read registrations: %w", err)
	}
	if len(live) == 0 {
		return nil
	}
	if err := tx.Model(&Registration{}).Where("activity_id = ? AND status NOT IN ?", activityID, over).
		Updates(map[string]any{"status": string(Cancelled), "pool": nil, "sealed_pool": nil, "cancelled_at": now, "updated_at": now}).Error; err != nil {
		return fmt.Errorf("registration: unable to cancel registrations: %w", err)
	}
	ids := make([]int64, 0, len(live))
	for _, r := range live {
		if r.PersonID != nil {
			ids = append(ids, *r.PersonID)
		}
	}
	var persons []people.Person
	if err := tx.Where("id IN ?", ids).Find(&persons).Error; err != nil {
		return fmt.Errorf("registration: unable to read people: %w", err)
	}
	byID := make(map[int64]*people.Person, len(persons))
	for i := range persons {
		byID[persons[i].ID] = &persons[i]
	}
	var notices []outbox.Message
	var made []Link
	for i := range live {
		r := &live[i]
		if r.PersonID == nil {
			continue // erased: nobody to tell
		}
		p, ok := byID[*r.PersonID]
		if !ok || p.Email == nil {
			continue
		}
		r.Status = string(Cancelled)
		token, link := newLink(r.ID, LinkManage, now)
		m, ok, err := s.notice(tx, letter{kind: kindActivityOff, a: a, r: r, to: *p.Email, name: p.GivenName,
			locale: r.Locale, url: s.manageURL(token)})
		if err != nil {
			return err
		}
		if ok {
			notices, made = append(notices, m), append(made, link)
		}
	}
	if len(made) > 0 {
		if err := tx.Create(&made).Error; err != nil {
			return fmt.Errorf("registration: unable to create links: %w", err)
		}
	}
	if err := outbox.Enqueue(tx, notices...); err != nil {
		return err
	}
	return setSeats(tx, SeatRow{ActivityID: activityID})
}

// Settle applies releases that have come due; the scheduler calls it, and
// it is harmless to call again. Under the lock it first counts the seats:
// a settled activity (the usual case) is left without reading its
// registrations, so the scheduler holds a rush's lock only for an instant.
func (s *Service) Settle(ctx context.Context, activityID int64) error {
	moved := false
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		now := s.now()
		a, err := lockActivity(tx, activityID)
		if err != nil {
			return err
		}
		counted, err := countSeats(tx, map[int64]*activities.Activity{a.ID: a}, now)
		if err != nil {
			return err
		}
		st := counted[a.ID]
		if _, _, ok := Place(st.counts, nil); ok {
			return nil
		}
		moved = true
		return s.settleIn(tx, a, st, now)
	})
	if moved && err == nil {
		s.changed(activityID)
	}
	return err
}

// SettleDue settles every published activity that has people waiting, so
// reserved seats released by the clock move to the waitlist without anyone
// having to act. Settling is idempotent under the activity lock, so two
// nodes running it at once do no harm.
func (s *Service) SettleDue(ctx context.Context) (int, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&activities.Activity{}).
		Where("status = ? AND id IN (SELECT activity_id FROM registrations WHERE status = ?)", activities.StatusPublished, string(Waitlisted)).
		Pluck("id", &ids).Error
	if err != nil {
		return 0, fmt.Errorf("registration: unable to find activities to settle: %w", err)
	}
	for _, id := range ids {
		if err := s.Settle(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
