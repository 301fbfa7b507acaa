package registration

import (
	"context"
	"errors"
	"fmt"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/submissions"
	"gorm.io/gorm"
)

// Submit takes a public registration form (the HTML form, the API without
// a token): it places nothing. It refuses what it can tell from the form
// and the activity alone, none of which depends on who owns the email: a
// field (422), an activity not open (409 with the reason), an age outside
// the range (422 birth_year), a guardian missing or wrong (422 guardian). Otherwise it emails the address one link: to
// the page that places the registration (registration.verify), or, when the
// address already holds a live registration here, to its manage page
// (registration.known). Either way it answers nil, through the same queries,
// so that nothing tells whose address it was. The limit of notices per
// email (app/formlimit) holds, silently.
func (s *Service) Submit(ctx context.Context, a *activities.Activity, in Request) error {
	p, err := s.prepare(a, in)
	if err != nil {
		return err
	}
	in = p.in
	now := s.now()
	if ok, reason := a.RegistrationOpen(now); !ok {
		return apperr.New(apperr.Conflict, reason)
	}
	if !a.AgeAllowed(in.Person.BirthYear) {
		return apperr.Fields{"birth_year": {ID: "error_age_range", Args: ageArgs(a)}}.Err()
	}
	if err := s.checkGuardian(a, &in); err != nil {
		return err
	}
	return database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		var held []struct {
			Registration
			GivenName string
		}
		if err := tx.Table("registrations AS r").Select("r.*, p.given_name").
			Joins("JOIN people AS p ON p.id = r.person_id").
			Where("p.email = ? AND r.activity_id = ? AND r.status <> ?", in.Person.Email, a.ID, string(Cancelled)).
			Limit(1).Scan(&held).Error; err != nil {
			return fmt.Errorf("registration: unable to find a registration: %w", err)
		}
		lt := letter{kind: kindVerify, a: a, to: in.Person.Email, name: in.Person.GivenName, locale: in.Person.Locale}
		if len(held) == 1 {
			token, link := newLink(held[0].ID, LinkManage, now)
			if err := tx.Create(&link).Error; err != nil {
				return fmt.Errorf("registration: unable to create a link: %w", err)
			}
			lt.kind, lt.r, lt.name, lt.url = kindKnown, &held[0].Registration, held[0].GivenName, s.manageURL(token)
		} else {
			token, err := s.subs.Create(tx, submissions.KindRegistration, a.ID, in, in.Person.Locale)
			if err != nil {
				return err
			}
			lt.url = s.baseURL + "/v/" + token
		}
		m, ok, err := s.notice(tx, lt)
		if err != nil || !ok {
			return err
		}
		return s.enqueueLimited(tx, []outbox.Message{m}, now)
	})
}

// Pending is what the page of a form's link shows before the tap.
type Pending struct {
	Activity  *activities.Activity // with its texts
	GivenName string               // as the form gave it
	Used      bool                 // a tap placed it already
	Locale    string               // the form's, in which its email was written
}

// Pending reads the form behind token (GET /v/{token}); opening the link
// changes nothing, since mail scanners open links by themselves. An
// unknown, expired or other kind of token is submissions.ErrLinkExpired.
func (s *Service) Pending(ctx context.Context, token string) (*Pending, error) {
	sub, in, a, err := s.submitted(ctx, token)
	if err != nil {
		return nil, err
	}
	return &Pending{Activity: a, GivenName: in.Person.GivenName, Used: sub.UsedAt != nil, Locale: sub.Locale}, nil
}

// Confirmation is what the tap on a form's link did (the contract's "Confirmed":
// that name is the status).
type Confirmation struct {
	Placed // with its ManageToken; empty when Again
	// Again is set when the tap placed nothing: the form was placed by
	// an earlier tap, or its person holds a live registration already.
	// Their manage link went to their email instead.
	Again bool
}

// Confirm is the tap on a form's link (POST /v/{token}): it places the
// registration through the same batches as Register, so seats go in the
// order of taps. The form is claimed under the activity's lock, so of two
// taps of one link, on any nodes, one places it and the other is Again. An
// unknown or expired token is submissions.ErrLinkExpired; an activity
// closed meanwhile is a conflict with the reason.
func (s *Service) Confirm(ctx context.Context, token string) (*Confirmation, error) {
	sub, in, a, err := s.submitted(ctx, token)
	if err != nil {
		return nil, err
	}
	p, err := s.prepare(a, in)
	if err != nil {
		return nil, err
	}
	p.sub = sub.ID
	s.place(ctx, p)
	switch {
	case p.err != nil:
		return nil, p.err
	case p.again:
		return &Confirmation{Again: true}, nil
	}
	return &Confirmation{Placed: *p.out}, nil
}

// submitted reads the registration form behind token, with its activity
// and texts.
func (s *Service) submitted(ctx context.Context, token string) (*submissions.Submission, Request, *activities.Activity, error) {
	var in Request
	sub, err := s.subs.Find(ctx, submissions.KindRegistration, token)
	if err != nil {
		return nil, in, nil, err
	}
	if err := s.subs.Form(sub, &in); err != nil {
		return nil, in, nil, err
	}
	var a activities.Activity
	err = activities.WithTexts(s.db.WithContext(ctx)).Take(&a, sub.TargetID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, in, nil, submissions.ErrLinkExpired
	}
	if err != nil {
		return nil, in, nil, fmt.Errorf("registration: unable to read activity %d: %w", sub.TargetID, err)
	}
	return sub, in, &a, nil
}
