// Package path keeps what a young person went through (DESIGN.md, "The
// youth path"): the activities they attended and the hours each counts
// for, their certificates, and the surveys they answered.
package path

import (
	"context"
	"fmt"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/registration"
	"gorm.io/gorm"
)

// Entry is one attended activity on a person's path.
type Entry struct {
	RegistrationID int64
	Activity       *activities.Activity // with its translations
	EndedOn        civil.Date           // the day it ended, where it happened
	Minutes        int                  // what it counts for (activities.CreditMinutes)
	Certificate    *string              // its certificate's code as printed, once issued
}

// Path is a person's path, oldest first.
type Path struct {
	Entries []Entry
	Minutes int // all entries together
	Surveys int // the survey invitations they answered (anonymous or not: whether, never what)
}

// Hours is the entries' hours added up, each as shown (activities.Hours),
// so that the total is the sum of the lines above it.
func (p *Path) Hours() float64 {
	var h float64
	for _, e := range p.Entries {
		h += activities.Hours(e.Minutes)
	}
	return h
}

// Counted narrows a query over registrations (named table) to those that
// count on a path: confirmed and marked attended. A place cancelled after
// its attendance was marked no longer counts.
func Counted(table string) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		return q.Where(table+".status = ? AND "+table+".attended = ?", string(registration.Confirmed), true)
	}
}

// Service reads paths.
type Service struct {
	db *gorm.DB
}

// NewService reads paths from db.
func NewService(db *gorm.DB) *Service { return &Service{db: db} }

// Of returns the path of person personID: every activity they attended,
// in the order they ended. A person with none has an empty path; one that
// does not exist is apperr.ErrNotFound.
func (s *Service) Of(ctx context.Context, personID int64) (*Path, error) {
	db := s.db.WithContext(ctx)
	var n int64
	if err := db.Table("people").Where("id = ?", personID).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("path: unable to read person %d: %w", personID, err)
	}
	if n == 0 {
		return nil, apperr.ErrNotFound
	}
	var regs []struct {
		ID         int64
		ActivityID int64
	}
	err := db.Table("registrations").Select("registrations.id, registrations.activity_id").
		Joins("JOIN activities ON activities.id = registrations.activity_id").
		Where("registrations.person_id = ?", personID).Scopes(Counted("registrations")).
		Order("activities.ends_at, activities.id").Scan(&regs).Error
	if err != nil {
		return nil, fmt.Errorf("path: unable to read attended activities: %w", err)
	}
	out := &Path{Entries: make([]Entry, 0, len(regs))}
	var answered int64
	err = db.Model(&Invitation{}).Joins("JOIN registrations ON registrations.id = survey_invitations.registration_id").
		Where("registrations.person_id = ? AND survey_invitations.answered = ?", personID, true).Count(&answered).Error
	if err != nil {
		return nil, fmt.Errorf("path: unable to count surveys answered: %w", err)
	}
	out.Surveys = int(answered)
	if len(regs) == 0 {
		return out, nil
	}
	ids := make([]int64, len(regs))
	for i, r := range regs {
		ids[i] = r.ActivityID
	}
	var acts []activities.Activity
	if err := db.Preload("Translations").Where("id IN ?", ids).Find(&acts).Error; err != nil {
		return nil, fmt.Errorf("path: unable to read activities: %w", err)
	}
	byID := make(map[int64]*activities.Activity, len(acts))
	for i := range acts {
		byID[acts[i].ID] = &acts[i]
	}
	var certs []Certificate
	if err := db.Select("registration_id", "code").Where("person_id = ?", personID).Find(&certs).Error; err != nil {
		return nil, fmt.Errorf("path: unable to read certificates: %w", err)
	}
	codes := make(map[int64]string, len(certs))
	for _, c := range certs {
		codes[c.RegistrationID] = FormatCode(c.Code)
	}
	for _, r := range regs {
		a := byID[r.ActivityID]
		e := Entry{RegistrationID: r.ID, Activity: a, EndedOn: civil.Of(a.Local(a.EndsAt)), Minutes: activities.CreditMinutes(a)}
		if code, ok := codes[r.ID]; ok {
			e.Certificate = &code
		}
		out.Entries = append(out.Entries, e)
		out.Minutes += e.Minutes
	}
	return out, nil
}
