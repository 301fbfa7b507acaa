package registration

import (
	"fmt"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"gorm.io/gorm"
)

// notify queues the notice of kind for registration r of person p.
func (s *Service) notify(tx *gorm.DB, kind string, a *activities.Activity, r *Registration, p *people.Person) error {
	m, ok, err := s.notice(tx, kind, a, r, p)
	if err != nil || !ok {
		return err
	}
	return outbox.Enqueue(tx, m)
}

// notice is the message of kind for registration r of person p, in the
// registration's language; ok is false when there is nobody to write to.
// It reads the activity's texts when a has none loaded.
func (s *Service) notice(tx *gorm.DB, kind string, a *activities.Activity, r *Registration, p *people.Person) (m outbox.Message, ok bool, err error) {
	if p.Email == nil || s.catalog == nil {
		return m, false, nil
	}
	if a.Translations == nil {
		if err := tx.Where("activity_id = ?", a.ID).Find(&a.Translations).Error; err != nil {
			return m, false, fmt.Errorf("registration: unable to read the texts of activity %d: %w", a.ID, err)
		}
	}
	l := s.catalog.Localizer(r.Locale)
	text := a.TextIn(l.Lang, s.catalog.Default())
	ids := map[string][2]string{
		"registration.confirmed":  {"notice_confirmed_subject", "notice_confirmed_body"},
		"registration.waitlisted": {"notice_waitlisted_subject", "notice_waitlisted_body"},
		"registration.promoted":   {"notice_promoted_subject", "notice_promoted_body"},
		"activity.cancelled":      {"notice_cancelled_subject", "notice_cancelled_body"},
	}[kind]
	url := s.baseURL + "/activities/" + a.Slug
	if kind == "activity.cancelled" {
		url = s.baseURL + "/activities" // the others, since this one is off
	}
	args := []any{"Name", p.GivenName, "Title", text.Title, "Date", l.Date(a.StartsAt), "URL", url}
	return outbox.Message{Kind: kind, Locale: l.Lang, ToAddress: *p.Email,
		Subject: l.T(ids[0], args...), Body: l.T(ids[1], args...)}, true, nil
}
