package registration

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/database"
	"gorm.io/gorm"
)

// An activity's questions are checked with the form (prepare, through
// activities.CheckAnswers), travel with it in the sealed submission until
// its link is tapped, and are written when the registration is placed, in
// the batch's transaction. A sealed question's answer is encrypted, bound to
// its registration and question; ordinary ones are kept as their canonical
// JSON. They go with the registration's person (Erase), and with the purge
// RetainDays after the activity ends (PurgeAnswers).

// Answer is a row of registration_answers.
type Answer struct {
	RegistrationID int64  `gorm:"primaryKey"`
	QuestionID     string `gorm:"primaryKey"`
	ActivityID     int64
	Value          *string // canonical JSON of an ordinary answer
	Sealed         []byte  // a sealed answer, encrypted
}

// TableName is the migrated table.
func (Answer) TableName() string { return "registration_answers" }

func answerContext(registrationID int64, questionID string) string {
	return "answer:" + strconv.FormatInt(registrationID, 10) + ":" + questionID
}

// answerRows are the rows of the answers given with registration r to
// the questions qs.
func (s *Service) answerRows(r *Registration, qs []activities.Question, answers activities.Answers) []Answer {
	var out []Answer
	for _, q := range qs {
		v, ok := answers[q.Key]
		if !ok {
			continue
		}
		row := Answer{RegistrationID: r.ID, QuestionID: q.Key, ActivityID: r.ActivityID}
		if q.Sealed {
			row.Sealed = s.people.Sealer().Seal(v, answerContext(r.ID, q.Key))
		} else {
			text := string(v)
			row.Value = &text
		}
		out = append(out, row)
	}
	return out
}

// writeAnswers inserts answer rows within tx.
func writeAnswers(tx *gorm.DB, rows []Answer) error {
	if len(rows) == 0 {
		return nil
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("registration: unable to write answers: %w", err)
	}
	return nil
}

// QuestionsChanged runs inside the transaction that changes an activity's
// questions: the answers to the questions in gone are deleted with them,
// and a question in changed (its kind or its sealing changed) is refused
// while it has answers, which would no longer read as they were given.
func (s *Service) QuestionsChanged(tx *gorm.DB, activityID int64, gone, changed []string) error {
	if len(changed) > 0 {
		n, err := s.CountAnswers(tx, activityID, changed)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.New(apperr.Conflict, "error_question_answered")
		}
	}
	if len(gone) == 0 {
		return nil
	}
	if err := tx.Where("activity_id = ? AND question_id IN ?", activityID, gone).Delete(&Answer{}).Error; err != nil {
		return fmt.Errorf("registration: unable to delete answers: %w", err)
	}
	return nil
}

// CountAnswers counts the answers given to the questions ids of an
// activity, within tx.
func (s *Service) CountAnswers(tx *gorm.DB, activityID int64, ids []string) (int64, error) {
	var n int64
	if err := tx.Model(&Answer{}).Where("activity_id = ? AND question_id IN ?", activityID, ids).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("registration: unable to count answers: %w", err)
	}
	return n, nil
}

// answersOf reads the answers of the given registrations within db, by
// registration, the sealed ones opened; which rows are read is narrowed by
// rows.
func (s *Service) answersOf(db *gorm.DB, ids []int64, rows func(*gorm.DB) *gorm.DB) (map[int64]activities.Answers, int, error) {
	out := map[int64]activities.Answers{}
	if len(ids) == 0 {
		return out, 0, nil
	}
	var list []Answer
	if err := db.Scopes(rows).Where("registration_id IN ?", ids).Order("registration_id, question_id").Find(&list).Error; err != nil {
		return nil, 0, fmt.Errorf("registration: unable to read answers: %w", err)
	}
	opened := 0
	for _, a := range list {
		var v json.RawMessage
		if a.Value != nil {
			v = json.RawMessage(*a.Value)
		} else {
			plain, err := s.people.Sealer().Open(a.Sealed, answerContext(a.RegistrationID, a.QuestionID))
			if err != nil {
				return nil, 0, fmt.Errorf("registration: unable to open an answer of %d: %w", a.RegistrationID, err)
			}
			v, opened = plain, opened+1
		}
		if out[a.RegistrationID] == nil {
			out[a.RegistrationID] = activities.Answers{}
		}
		out[a.RegistrationID][a.QuestionID] = v
	}
	return out, opened, nil
}

// MaySeeSealed reports whether v may read, at now, the answers to q, a
// question of activity a that v reaches (DESIGN.md, "A young person's
// place", point 8). It is the one rule for every reading of answers:
//   - coordinators and admins (the staff) read every answer, sealed ones
//     too, until the purge deletes them (RetainDays after the end);
//   - the activity's own facilitators read its ordinary answers, and the
//     safety pack's sealed ones only inside a.SafetyWindow (from
//     SafetyDaysBefore days before the start until the day after the end,
//     days in the activity's zone); no other sealed answer;
//   - nobody else: not a partner co-hosting it, not another facilitator.
func MaySeeSealed(v access.Viewer, a *activities.Activity, q *activities.Question, now time.Time) bool {
	if v.Staff {
		return true
	}
	if v.PartnerID != 0 || v.UserID == 0 || !slices.Contains(a.FacilitatorIDs(), v.UserID) {
		return false
	}
	return !q.Sealed || a.SafetyQuestion(q) && a.InSafetyWindow(now)
}

// Answers reads the answers of the live registrations of activity a, which
// v reaches (activities.Reached), by registration: the ordinary ones and,
// with sealed, the sealed ones v may read now (MaySeeSealed); the others
// are left out. A reading that opened any sealed answer is audited with
// their count, never a value.
func (s *Service) Answers(ctx context.Context, v access.Viewer, a *activities.Activity, sealed bool) (map[int64]activities.Answers, error) {
	now := s.now()
	var open []string
	for i := range a.Questions {
		if q := &a.Questions[i]; sealed && q.Sealed && MaySeeSealed(v, a, q, now) {
			open = append(open, q.Key)
		}
	}
	rows := func(q *gorm.DB) *gorm.DB {
		if len(open) == 0 {
			return q.Where("value IS NOT NULL")
		}
		return q.Where("value IS NOT NULL OR question_id IN ?", open)
	}
	var out map[int64]activities.Answers
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		var ids []int64
		if err := tx.Model(&Registration{}).Scopes(activities.Reached(v, "activity_id")).
			Where("activity_id = ? AND status <> ?", a.ID, string(Cancelled)).Pluck("id", &ids).Error; err != nil {
			return fmt.Errorf("registration: unable to list registrations: %w", err)
		}
		var opened int
		var err error
		if out, opened, err = s.answersOf(tx, ids, rows); err != nil {
			return err
		}
		if opened == 0 {
			return nil
		}
		return audit.Record(tx, v.UserID, "registration.answers.sealed.view", "activity", strconv.FormatInt(a.ID, 10),
			map[string]any{"answers": opened})
	})
	return out, err
}

// AnswersOfPerson reads every answer a person gave, sealed ones opened, by
// registration: for their data export (rights), whose caller proved who
// they are and audits it.
func (s *Service) AnswersOfPerson(db *gorm.DB, personID int64) (map[int64]activities.Answers, error) {
	var ids []int64
	if err := db.Model(&Registration{}).Where("person_id = ?", personID).Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("registration: unable to list registrations: %w", err)
	}
	out, _, err := s.answersOf(db, ids, func(q *gorm.DB) *gorm.DB { return q })
	return out, err
}

// EraseAnswers deletes, within an erasure's transaction, every answer a
// person gave.
func EraseAnswers(tx *gorm.DB, personID int64) error {
	mine := tx.Model(&Registration{}).Select("id").Where("person_id = ?", personID)
	if err := tx.Where("registration_id IN (?)", mine).Delete(&Answer{}).Error; err != nil {
		return fmt.Errorf("registration: unable to delete answers: %w", err)
	}
	return nil
}

// PurgeDate is when the answers to q are deleted: RetainDays after a ends.
func PurgeDate(a *activities.Activity, q *activities.Question) time.Time {
	return a.EndsAt.Add(time.Duration(q.RetainDays) * 24 * time.Hour)
}

// Purged is what one run of PurgeAnswers did.
type Purged struct {
	Questions int // whose answers were deleted, claimed by this run
	Answers   int // answers deleted
}

// PurgeAnswers deletes the answers to every question whose retention has
// passed (PurgeDate), and records that the question's answers are gone. A
// question is claimed by setting its purged_at in the statement that picks
// it, under its activity's lock, so that with several nodes running this at
// once each question is purged, and audited, once. The audit log holds the
// counts only.
func (s *Service) PurgeAnswers(ctx context.Context) (Purged, error) {
	var out Purged
	now := s.now()
	var due []activities.Question
	// The longest retention is bounded: only activities that ended since
	// can have a question due.
	err := s.db.WithContext(ctx).Where("purged_at IS NULL").
		Where("activity_id IN (SELECT id FROM activities WHERE ends_at <= ? AND ends_at > ?)", now,
			now.Add(-time.Duration(activities.MaxRetainDays+1)*24*time.Hour)).
		Order("activity_id, position").Find(&due).Error
	if err != nil {
		return out, fmt.Errorf("registration: unable to find answers to purge: %w", err)
	}
	order, byActivity := groupByActivity(due, func(q activities.Question) (int64, string) { return q.ActivityID, q.Key })
	for _, id := range order {
		err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
			a, err := lockActivity(tx, id)
			if err != nil {
				return err
			}
			var qs []activities.Question
			if err := tx.Where("activity_id = ? AND question_id IN ?", id, byActivity[id]).Find(&qs).Error; err != nil {
				return fmt.Errorf("registration: unable to read questions: %w", err)
			}
			var keys []string
			for i := range qs {
				if !now.Before(PurgeDate(a, &qs[i])) {
					keys = append(keys, qs[i].Key)
				}
			}
			if len(keys) == 0 {
				return nil
			}
			slices.Sort(keys)
			var claimed []string
			if err := tx.Raw(`UPDATE activity_questions SET purged_at = ?
WHERE activity_id = ? AND question_id IN ? AND purged_at IS NULL RETURNING question_id`, now, id, keys).
				Scan(&claimed).Error; err != nil {
				return fmt.Errorf("registration: unable to claim a purge: %w", err)
			}
			if len(claimed) == 0 {
				return nil // another node purged them
			}
			res := tx.Where("activity_id = ? AND question_id IN ?", id, claimed).Delete(&Answer{})
			if res.Error != nil {
				return fmt.Errorf("registration: unable to purge answers: %w", res.Error)
			}
			out.Questions += len(claimed)
			out.Answers += int(res.RowsAffected)
			return audit.Record(tx, 0, "activity.answers.purge", "activity", strconv.FormatInt(id, 10),
				map[string]any{"questions": len(claimed), "answers": res.RowsAffected})
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
