package registration

import (
	"context"
	"errors"
	"fmt"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/links"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/submissions"
	"gorm.io/gorm"
)

// Managed is what a manage page shows: the registration with its waitlist
// position, its activity with its texts, and whom it greets. Whether the
// venue and the online link may be shown is the page's to decide: only to a
// confirmed participant whose guardian is not awaited.
type Managed struct {
	Placed
	Activity  *activities.Activity
	GivenName string
}

// Manage reads the manage page behind token (GET /r/{token}). A link is
// dead (submissions.ErrLinkExpired) when unknown, once the activity has
// ended, and once the person was erased.
func (s *Service) Manage(ctx context.Context, token string) (*Managed, error) {
	db := s.db.WithContext(ctx)
	r, a, err := s.linked(db, token, LinkManage)
	if err != nil {
		return nil, err
	}
	return s.managed(ctx, db, r.ID, a)
}

// CancelByLink cancels the registration behind a manage link (POST
// /r/{token}/cancel) as Cancel does: its seat moves on at once, and the
// person is told. A cancelled one is a conflict (error_already_cancelled).
func (s *Service) CancelByLink(ctx context.Context, token string) (*Managed, error) {
	db := s.db.WithContext(ctx)
	r, a, err := s.linked(db, token, LinkManage)
	if err != nil {
		return nil, err
	}
	if _, err := s.cancel(ctx, &Placed{Registration: *r}); err != nil {
		return nil, err
	}
	return s.managed(ctx, db, r.ID, a)
}

// managed is the manage page of registration id at activity a.
func (s *Service) managed(ctx context.Context, db *gorm.DB, id int64, a *activities.Activity) (*Managed, error) {
	p, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	name, err := givenName(db, &p.Registration)
	if err != nil {
		return nil, err
	}
	return &Managed{Placed: *p, Activity: a, GivenName: name}, nil
}

// linked finds the registration behind a private link of purpose, with its
// activity and texts, while the link lives: the activity has not ended and
// the person is not erased. Any other token is submissions.ErrLinkExpired,
// all alike.
func (s *Service) linked(db *gorm.DB, token, purpose string) (*Registration, *activities.Activity, error) {
	if !links.Valid(token) {
		return nil, nil, submissions.ErrLinkExpired
	}
	var r Registration
	err := db.Where("id = (SELECT registration_id FROM registration_links WHERE token_hash = ? AND purpose = ?)",
		links.Hash(token), purpose).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, submissions.ErrLinkExpired
	}
	if err != nil {
		return nil, nil, fmt.Errorf("registration: unable to find a link: %w", err)
	}
	if r.PersonID == nil {
		return nil, nil, submissions.ErrLinkExpired
	}
	var a activities.Activity
	err = activities.WithTexts(db).Take(&a, r.ActivityID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, submissions.ErrLinkExpired
	}
	if err != nil {
		return nil, nil, fmt.Errorf("registration: unable to read activity %d: %w", r.ActivityID, err)
	}
	if a.EndsAt.Before(s.now()) {
		return nil, nil, submissions.ErrLinkExpired
	}
	return &r, &a, nil
}

// givenName is the given name of registration r's person ("" once erased).
func givenName(db *gorm.DB, r *Registration) (string, error) {
	if r.PersonID == nil {
		return "", nil
	}
	var p people.Person
	if err := db.Select("given_name").Take(&p, *r.PersonID).Error; err != nil {
		return "", fmt.Errorf("registration: unable to read the person of %d: %w", r.ID, err)
	}
	return p.GivenName, nil
}
