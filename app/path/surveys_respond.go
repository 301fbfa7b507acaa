package path

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/links"
	"gorm.io/gorm"
)

// ErrAnswered is a second response through the same invitation: nothing
// is recorded.
var ErrAnswered = apperr.New(apperr.Conflict, "survey_answered")

// Invited is what the page of an invitation's link shows: the survey, its
// activity with its texts, the language of the registration invited, and
// whether it was answered.
type Invited struct {
	Survey   Survey
	Activity *activities.Activity
	Locale   string
	Answered bool
}

// Invited reads the invitation behind token (GET /s/{token}); a token that
// names none, or whose invitation went with an erasure, is not found.
func (s *Surveys) Invited(ctx context.Context, token string) (*Invited, error) {
	inv, _, err := s.invited(s.db.WithContext(ctx), token)
	return inv, err
}

func (s *Surveys) invited(db *gorm.DB, token string) (*Invited, *Invitation, error) {
	if !links.Valid(token) {
		return nil, nil, apperr.ErrNotFound
	}
	var in Invitation
	err := db.Where("token_hash = ?", links.Hash(token)).Take(&in).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("path: unable to find an invitation: %w", err)
	}
	out := &Invited{Answered: in.Answered, Activity: &activities.Activity{}}
	if err := db.Take(&out.Survey, in.SurveyID).Error; err != nil {
		return nil, nil, fmt.Errorf("path: unable to read survey %d: %w", in.SurveyID, err)
	}
	if err := db.Preload("Translations").Take(out.Activity, out.Survey.ActivityID).Error; err != nil {
		return nil, nil, fmt.Errorf("path: unable to read activity %d: %w", out.Survey.ActivityID, err)
	}
	if err := db.Table("registrations").Select("locale").Where("id = ?", in.RegistrationID).Scan(&out.Locale).Error; err != nil {
		return nil, nil, fmt.Errorf("path: unable to read registration %d: %w", in.RegistrationID, err)
	}
	return out, &in, nil
}

// Respond records the answers given (form values by question id, see
// CheckAnswers) through the invitation of token, once: an invitation
// answered before, or by another request meanwhile, is ErrAnswered, and
// wrong answers are an apperr.Fields error; either way nothing is written.
// The Invited is returned with either, for the page to show again.
//
// An anonymous survey's response holds no link to the invitation: a random
// id, the survey, the answers. The invitation's flag is set in the same
// transaction, and every answered invitation of the survey is written
// again with it, so that not even the database's own record of which
// transaction wrote a row (PostgreSQL's xmin) pairs a response with its
// invitation.
func (s *Surveys) Respond(ctx context.Context, token string, given map[string]string) (*Invited, error) {
	db := s.db.WithContext(ctx)
	inv, in, err := s.invited(db, token)
	if err != nil {
		return nil, err
	}
	if inv.Answered {
		return inv, ErrAnswered
	}
	answers, err := CheckAnswers(inv.Survey.Kind, given)
	if err != nil {
		return inv, err
	}
	err = database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		// One response of a survey at a time: the rewrite of its answered
		// invitations below would otherwise take their rows in two orders.
		if err := database.Lock(tx.Table("surveys").Where("id = ?", inv.Survey.ID)); err != nil {
			return err
		}
		res := tx.Model(&Invitation{}).Where("id = ? AND answered = ?", in.ID, false).Update("answered", true)
		if res.Error != nil {
			return fmt.Errorf("path: unable to mark invitation %d answered: %w", in.ID, res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrAnswered
		}
		r := Response{ID: newResponseID(), SurveyID: inv.Survey.ID}
		if !inv.Survey.Anonymous {
			r.RegistrationID = &in.RegistrationID
		}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("path: unable to record a response: %w", err)
		}
		for i := range answers {
			answers[i].ResponseID = r.ID
		}
		if len(answers) > 0 {
			if err := tx.Create(&answers).Error; err != nil {
				return fmt.Errorf("path: unable to record the answers: %w", err)
			}
		}
		if inv.Survey.Anonymous {
			if err := tx.Exec("UPDATE survey_invitations SET answered = ? WHERE survey_id = ? AND answered = ?",
				true, inv.Survey.ID, true).Error; err != nil {
				return fmt.Errorf("path: unable to rewrite the answered invitations: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return inv, err
	}
	inv.Answered = true
	return inv, nil
}

// newResponseID is a response's id: 128 random bits, so that the ids say
// nothing of the order in which people answered.
func newResponseID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}
