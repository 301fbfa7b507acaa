package registration

import (
	"context"
	"fmt"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/database"
	"gorm.io/gorm"
)

// RemindDue queues one reminder, with the manage link, to each confirmed
// participant (whose guardian is not awaited) of each published activity
// that starts within its ReminderHours (none when 0). A reminder is claimed
// by setting reminded_at in the statement that picks it, so that with
// several nodes running this at once each goes once. It says how many it
// queued.
func (s *Service) RemindDue(ctx context.Context) (int, error) {
	now := s.now()
	var acts []activities.Activity
	err := s.db.WithContext(ctx).
		Where("status = ? AND reminder_hours > 0 AND starts_at > ?", activities.StatusPublished, now).
		Where("id IN (SELECT activity_id FROM registrations WHERE status = ? AND reminded_at IS NULL)", string(Confirmed)).
		Order("id").Find(&acts).Error
	if err != nil {
		return 0, fmt.Errorf("registration: unable to find activities to remind: %w", err)
	}
	n := 0
	for i := range acts {
		a := &acts[i]
		if now.Before(a.StartsAt.Add(-time.Duration(a.ReminderHours) * time.Hour)) {
			continue
		}
		err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
			// Every writer of an activity's registrations holds its lock
			// first, so that none waits for another's rows in a cycle.
			if _, err := lockActivity(tx, a.ID); err != nil {
				return err
			}
			var ids []int64
			if err := tx.Raw(`UPDATE registrations SET reminded_at = ?
WHERE activity_id = ? AND status = ? AND guardian <> ? AND reminded_at IS NULL AND person_id IS NOT NULL
RETURNING id`, now, a.ID, string(Confirmed), GuardianPending).Scan(&ids).Error; err != nil {
				return fmt.Errorf("registration: unable to claim reminders: %w", err)
			}
			var rows []Registration
			if err := tx.Where("id IN ?", ids).Order("id").Find(&rows).Error; err != nil {
				return fmt.Errorf("registration: unable to read reminders: %w", err)
			}
			for i := range rows {
				if err := s.notify(tx, kindReminder, a, &rows[i], now); err != nil {
					return err
				}
			}
			n += len(rows)
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
