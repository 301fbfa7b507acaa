package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/slug"
	"gorm.io/gorm"
)

// Registrations is what the activities need of the registrations, inside
// the transaction that changes an activity (the registration service does
// it; an interface, so that this package need not know seat allocation).
type Registrations interface {
	// SetCapacity applies a changed capacity, or changed quotas, to the
	// seats of the activity.
	SetCapacity(tx *gorm.DB, activityID int64, capacity int) error
	// CancelAll cancels every registration of the activity, which is being
	// cancelled.
	CancelAll(tx *gorm.DB, activityID int64) error
	// QuestionsChanged deletes the answers to the questions the activity no
	// longer asks (gone), and refuses (409) a question that changed its
	// kind or its sealing (changed) while it has answers.
	QuestionsChanged(tx *gorm.DB, activityID int64, gone, changed []string) error
	// CountAnswers counts the answers given to the activity's questions ids.
	CountAnswers(tx *gorm.DB, activityID int64, ids []string) (int64, error)
}

// Changes is told after a commit that changed a published activity's page
// or seats, so that caches drop what they showed.
type Changes interface {
	ActivityChanged(activityID int64)
}

// Store reads and writes activities.
type Store struct {
	db            *gorm.DB
	registrations Registrations
	changes       Changes
	now           clock.Clock
	zone          string // of an activity with neither zone nor region
}

// NewStore returns a store over db. Saving an activity applies its capacity
// to its registrations, cancelling it cancels them (both through
// registrations), changes hears of every committed change, and now dates
// status changes. zone (GOTONG_TIMEZONE) is the time zone of an activity
// given neither a zone nor a region: an online one whose organiser chose none.
func NewStore(db *gorm.DB, registrations Registrations, changes Changes, now clock.Clock, zone string) *Store {
	return &Store{db: db, registrations: registrations, changes: changes, now: now, zone: zone}
}

// Zone is the zone an activity given timezone and region gets (ZoneFor
// with the portal's default): a form reads its times in it.
func (s *Store) Zone(timezone, region string) string { return ZoneFor(timezone, region, s.zone) }

// Create validates and stores a new draft activity. A missing slug is made
// from the English title, or the first title given, and made unique.
func (s *Store) Create(ctx context.Context, actorID int64, in Input) (*Activity, error) {
	a := newActivity()
	f := apperr.Fields{}
	apply(a, in, s.zone, f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := checkPartners(tx, a.Partners); err != nil {
			return err
		}
		if a.Slug == "" {
			made, err := uniqueSlug(tx, slug.Make(a.TextIn("en", "en").Title))
			if err != nil {
				return err
			}
			a.Slug = made
		}
		if err := tx.Create(a).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return apperr.Fields{"slug": {ID: "error_slug_taken"}}.Err()
			}
			return fmt.Errorf("activities: unable to create: %w", err)
		}
		return audit.Record(tx, actorID, "activity.create", "activity", strconv.FormatInt(a.ID, 10), nil)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// checkPartners refuses, before anything is written, co-hosts that name no
// partner organisation. (PostgreSQL's foreign key would refuse them too,
// but as a server error, not as a field to correct.)
func checkPartners(tx *gorm.DB, hosts []CoHost) error {
	if len(hosts) == 0 {
		return nil
	}
	ids := make([]int64, len(hosts))
	for i, h := range hosts {
		ids[i] = h.PartnerID
	}
	names, err := partners.Names(tx, ids)
	if err != nil {
		return err
	}
	if len(names) != len(ids) {
		return apperr.Fields{"partner_ids": {ID: "error_partner_unknown"}}.Err()
	}
	return nil
}

func uniqueSlug(tx *gorm.DB, base string) (string, error) {
	if base == "" {
		base = "activity"
	}
	candidate := base
	for i := 2; ; i++ {
		var n int64
		if err := tx.Model(&Activity{}).Where("slug = ?", candidate).Count(&n).Error; err != nil {
			return "", err
		}
		if n == 0 {
			return candidate, nil
		}
		candidate = fmt.Sprintf("%s-%d", base, i)
	}
}

// Update merges in into the activity and saves it in one transaction,
// with the capacity change applied to the registrations.
func (s *Store) Update(ctx context.Context, actorID, id int64, in Input) (*Activity, error) {
	var out *Activity
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		a, err := get(tx, "id = ?", id)
		if err != nil {
			return err
		}
		oldCapacity, oldPack := a.Capacity, a.SafetyPack
		oldQuestions := slices.Clone(a.Questions)
		f := apperr.Fields{}
		apply(a, in, s.zone, f)
		if err := f.Err(); err != nil {
			return err
		}
		if in.Partners != nil {
			if err := checkPartners(tx, a.Partners); err != nil {
				return err
			}
		}
		if err := tx.Omit("Translations", "Quotas", "Facilitators", "Partners", "Questions").Save(a).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return apperr.Fields{"slug": {ID: "error_slug_taken"}}.Err()
			}
			return fmt.Errorf("activities: unable to save: %w", err)
		}
		if err := tx.Where("activity_id = ?", id).Delete(&Translation{}).Error; err != nil {
			return err
		}
		for i := range a.Translations {
			a.Translations[i].ActivityID = id
		}
		if len(a.Translations) > 0 {
			if err := tx.Create(&a.Translations).Error; err != nil {
				return err
			}
		}
		if in.Quotas != nil {
			if err := tx.Where("activity_id = ?", id).Delete(&QuotaRule{}).Error; err != nil {
				return err
			}
			for i := range a.Quotas {
				a.Quotas[i].ID, a.Quotas[i].ActivityID = 0, id
			}
			if len(a.Quotas) > 0 {
				if err := tx.Create(&a.Quotas).Error; err != nil {
					return err
				}
			}
		}
		if oldPack && !a.SafetyPack {
			// Emergency contacts are not lost by one click: once given,
			// they go with the purge (or an erasure) alone.
			n, err := s.registrations.CountAnswers(tx, id, SafetyKeys)
			if err != nil {
				return err
			}
			if n > 0 {
				return apperr.New(apperr.Conflict, "error_safety_pack_answered")
			}
		}
		if in.Questions != nil || a.SafetyPack != oldPack {
			if err := s.saveQuestions(tx, id, oldQuestions, a.Questions); err != nil {
				return err
			}
		}
		if in.Facilitators != nil {
			if err := tx.Where("activity_id = ?", id).Delete(&Facilitator{}).Error; err != nil {
				return err
			}
			for i := range a.Facilitators {
				a.Facilitators[i].ActivityID = id
			}
			if len(a.Facilitators) > 0 {
				if err := tx.Create(&a.Facilitators).Error; err != nil {
					return err
				}
			}
		}
		if in.Partners != nil {
			if err := tx.Where("activity_id = ?", id).Delete(&CoHost{}).Error; err != nil {
				return err
			}
			for i := range a.Partners {
				a.Partners[i].ActivityID = id
			}
			if len(a.Partners) > 0 {
				if err := tx.Create(&a.Partners).Error; err != nil {
					return err
				}
			}
		}
		if a.Capacity != oldCapacity || in.Quotas != nil {
			if err := s.registrations.SetCapacity(tx, id, a.Capacity); err != nil {
				return err
			}
		}
		out = a
		return audit.Record(tx, actorID, "activity.update", "activity", strconv.FormatInt(id, 10), nil)
	})
	s.changed(id, err)
	return out, err
}

// saveQuestions replaces the questions of activity id, old by next,
// after the registrations dropped the answers of the questions that go.
func (s *Store) saveQuestions(tx *gorm.DB, id int64, old, next []Question) error {
	var gone, changed []string
	for _, o := range old {
		i := slices.IndexFunc(next, func(q Question) bool { return q.Key == o.Key })
		switch {
		case i < 0:
			gone = append(gone, o.Key)
		case next[i].Kind != o.Kind || next[i].Sealed != o.Sealed:
			changed = append(changed, o.Key)
		}
	}
	if err := s.registrations.QuestionsChanged(tx, id, gone, changed); err != nil {
		return err
	}
	if err := tx.Where("activity_id = ?", id).Delete(&Question{}).Error; err != nil {
		return fmt.Errorf("activities: unable to replace questions: %w", err)
	}
	for i := range next {
		next[i].ActivityID = id
	}
	if len(next) > 0 {
		if err := tx.Create(&next).Error; err != nil {
			return fmt.Errorf("activities: unable to save questions: %w", err)
		}
	}
	return nil
}

func (s *Store) changed(id int64, err error) {
	if err == nil {
		s.changes.ActivityChanged(id)
	}
}

// SetStatus moves an activity to status: drafts are published, published
// ones cancelled or completed.
func (s *Store) SetStatus(ctx context.Context, actorID, id int64, status string) (*Activity, error) {
	allowed := map[string][]string{
		StatusPublished: {StatusDraft},
		StatusCancelled: {StatusDraft, StatusPublished},
		StatusCompleted: {StatusPublished},
	}
	var out *Activity
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		a, err := get(tx, "id = ?", id)
		if err != nil {
			return err
		}
		if !oneOf(a.Status, allowed[status]) {
			return apperr.New(apperr.Conflict, "error_status_change")
		}
		a.Status = status
		if err := tx.Model(a).Updates(map[string]any{"status": status, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		if status == StatusCancelled {
			if err := s.registrations.CancelAll(tx, id); err != nil {
				return err
			}
		}
		out = a
		return audit.Record(tx, actorID, "activity."+status, "activity", strconv.FormatInt(id, 10), nil)
	})
	s.changed(id, err)
	return out, err
}
