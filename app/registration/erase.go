package registration

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/people"
	"gorm.io/gorm"
)

// ErrRaced says that a registration of the person being withdrawn landed at
// another activity while WithdrawPerson was taking its locks; the caller
// rolls its transaction back and runs it again.
var ErrRaced = errors.New("registration: the person registered meanwhile; run the erasure again")

// Withdrawal is what WithdrawPerson did.
type Withdrawal struct {
	Cancelled  int     // live registrations cancelled, their seats given to the waitlist
	Activities []int64 // the activities whose seats moved, in id order
}

// WithdrawPerson runs inside the transaction that erases a person: each
// live registration of personID at an activity that has not ended by now is
// cancelled as Cancel cancels one (its seat goes to the waitlist, and whoever
// is promoted is told). Registrations at activities that have ended stay as
// they are, to be counted. The caller tells the service's Changes about the activities
// once its transaction has committed (see Moved).
//
// Locks are taken in the order a registration takes them: the activities
// first, in id order, then the person's row (database.Lock). So a registration of the same
// person running at the same time either commits before the lock of the
// person, and its registration is cancelled here, or waits for this
// transaction and finds the person gone. One that commits at an activity
// not locked here, between the first reading and the lock of the person,
// makes WithdrawPerson return ErrRaced, with nothing changed yet.
func (s *Service) WithdrawPerson(tx *gorm.DB, personID int64) (Withdrawal, error) {
	var w Withdrawal
	liveAt := func() ([]int64, error) {
		var ids []int64
		err := tx.Model(&Registration{}).Where("person_id = ? AND status <> ?", personID, string(Cancelled)).
			Distinct().Order("activity_id").Pluck("activity_id", &ids).Error
		if err != nil {
			return nil, fmt.Errorf("registration: unable to read a person's registrations: %w", err)
		}
		return ids, nil
	}
	ids, err := liveAt()
	if err != nil {
		return w, err
	}
	acts, err := lockActivities(tx, ids)
	if err != nil {
		return w, err
	}
	if err := database.Lock(tx.Table("people").Where("id = ?", personID)); err != nil {
		return w, fmt.Errorf("registration: unable to lock person %d: %w", personID, err)
	}
	again, err := liveAt()
	if err != nil {
		return w, err
	}
	for _, id := range again {
		if _, ok := acts[id]; !ok {
			return w, ErrRaced
		}
	}
	now := s.now()
	for _, id := range again {
		if !acts[id].EndsAt.After(now) {
			continue // ended: the registration stays, as a count
		}
		n := 0
		err := s.changeIn(tx, id, func(tx *gorm.DB, _ *activities.Activity, l *loaded, now time.Time) (State, []int64, error) {
			var mine []int64
			for regID, row := range l.rows {
				if row.PersonID != nil && *row.PersonID == personID {
					mine = append(mine, regID)
				}
			}
			slices.Sort(mine)
			next, changed := l.state, []int64(nil)
			for _, regID := range mine {
				var moved []int64
				var err error
				if next, moved, err = Cancel(next, regID); err != nil {
					return next, nil, err
				}
				changed = append(changed, moved...)
			}
			if len(mine) > 0 {
				if err := tx.Model(&Registration{}).Where("id IN ?", mine).Updates(map[string]any{
					"status": string(Cancelled), "pool": nil, "sealed_pool": nil, "cancelled_at": now, "updated_at": now}).Error; err != nil {
					return next, nil, fmt.Errorf("registration: unable to cancel: %w", err)
				}
			}
			// Applications hold no seat: they are cancelled with nothing to move.
			res := tx.Model(&Registration{}).Where("activity_id = ? AND person_id = ? AND status = ?", id, personID, string(Applied)).
				Updates(map[string]any{"status": string(Cancelled), "cancelled_at": now, "updated_at": now})
			if res.Error != nil {
				return next, nil, fmt.Errorf("registration: unable to cancel applications: %w", res.Error)
			}
			n = len(mine) + int(res.RowsAffected)
			return next, changed, nil
		})
		if err != nil {
			return w, err
		}
		if n > 0 {
			w.Cancelled += n
			w.Activities = append(w.Activities, id)
		}
	}
	return w, nil
}

// Moved tells the service's Changes that the seats of these activities moved in a
// transaction that has now committed.
func (s *Service) Moved(activityIDs ...int64) {
	for _, id := range activityIDs {
		s.changed(id)
	}
}

// Declaration opens what the form of registration r declared in confidence.
// The declaration of an erased person's registration is dropped with them,
// so it opens as nothing.
func (s *Service) Declaration(r *Registration) (people.Sensitive, error) {
	if r.PersonID == nil || r.DeclaredSensitive == nil {
		return people.Sensitive{}, nil
	}
	return s.people.OpenDeclaration(r.DeclaredSensitive, declarationContext(r.ActivityID, *r.PersonID))
}
