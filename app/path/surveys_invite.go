package path

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/links"
	"github.com/gotong/gotong/app/mailaddr"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"gorm.io/gorm"
)

// KindSurveyInvitation is the kind of an invitation's email
// (outbox.Message.Kind).
const KindSurveyInvitation = "survey.invitation"

// surveyLetters are the message ids of each kind's subject and of what its
// invitation asks.
var surveyLetters = map[string][2]string{
	SurveyFeedback:      {"survey_feedback_subject", "survey_feedback_body"},
	SurveyWellbeingPre:  {"survey_pre_subject", "survey_pre_body"},
	SurveyWellbeingPost: {"survey_post_subject", "survey_post_body"},
}

// SurveyPath is the path of the private link of an invitation.
func SurveyPath(token string) string { return "/s/" + token }

// due narrows db to the registrations due an invitation at now, joined
// with their survey (surveys), activity and person (people): the
// activity published or completed, the registration's person known with
// an email, no invitation to this survey yet, and
//   - feedback: the activity has ended and they attended;
//   - wellbeing_pre: it has not started and their place is confirmed, no
//     guardian's answer awaited (a survey added later invites those
//     already confirmed);
//   - wellbeing_post: PostDelay has passed since the end and they attended.
func due(db *gorm.DB, now time.Time) *gorm.DB {
	return db.Table("surveys").
		Joins("JOIN activities ON activities.id = surveys.activity_id").
		Joins("JOIN registrations ON registrations.activity_id = activities.id").
		Joins("JOIN people ON people.id = registrations.person_id").
		Where("activities.status IN ? AND people.email IS NOT NULL",
			[]string{activities.StatusPublished, activities.StatusCompleted}).
		Where("NOT EXISTS (SELECT 1 FROM survey_invitations i WHERE i.survey_id = surveys.id AND i.registration_id = registrations.id)").
		Where(`(surveys.kind = ? AND activities.ends_at <= ? AND registrations.attended = ?)
	OR (surveys.kind = ? AND activities.starts_at > ? AND registrations.status = ? AND registrations.guardian <> ?)
	OR (surveys.kind = ? AND activities.ends_at <= ? AND registrations.attended = ?)`,
			SurveyFeedback, now, true,
			SurveyWellbeingPre, now, string(registration.Confirmed), registration.GuardianPending,
			SurveyWellbeingPost, now.Add(-PostDelay), true)
}

// InviteDue invites, through the outbox, every registration due an
// invitation (see due), once: each invitation is written with the
// survey's and the registration's unique key and its email queued in the
// same transaction only when the row was new, so that several nodes
// running this at once invite each person once. An erased person is never
// invited. It says how many it invited.
func (s *Surveys) InviteDue(ctx context.Context) (int, error) {
	now := s.now().UTC()
	var ids []int64
	if err := due(s.db.WithContext(ctx), now).Distinct("surveys.id").Order("surveys.id").Pluck("surveys.id", &ids).Error; err != nil {
		return 0, fmt.Errorf("path: unable to find the surveys due: %w", err)
	}
	total := 0
	for _, id := range ids {
		n, err := s.invite(ctx, id, now)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// invite invites the registrations due an invitation to survey surveyID,
// in one transaction.
func (s *Surveys) invite(ctx context.Context, surveyID int64, now time.Time) (int, error) {
	n := 0
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		n = 0
		var rows []struct {
			RegistrationID int64
			PersonID       int64
			Locale         string
		}
		if err := due(tx, now).Where("surveys.id = ?", surveyID).
			Select("registrations.id AS registration_id, registrations.person_id, registrations.locale").
			Order("registrations.id").Scan(&rows).Error; err != nil {
			return fmt.Errorf("path: unable to read whom survey %d is due to: %w", surveyID, err)
		}
		if len(rows) == 0 {
			return nil
		}
		var sv Survey
		if err := tx.Take(&sv, surveyID).Error; err != nil {
			return fmt.Errorf("path: unable to read survey %d: %w", surveyID, err)
		}
		var a activities.Activity
		if err := tx.Preload("Translations").Take(&a, sv.ActivityID).Error; err != nil {
			return fmt.Errorf("path: unable to read activity %d: %w", sv.ActivityID, err)
		}
		// The people are locked, in id order, as an erasure locks its
		// person: one that came first leaves nobody to invite; one that
		// comes after finds the invitation and its email, and deletes both.
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.PersonID
		}
		var ps []people.Person
		if err := database.ForUpdate(tx.Model(&people.Person{})).Where("id IN ?", ids).Order("id").Find(&ps).Error; err != nil {
			return fmt.Errorf("path: unable to lock the people invited: %w", err)
		}
		byID := make(map[int64]*people.Person, len(ps))
		for i := range ps {
			byID[ps[i].ID] = &ps[i]
		}
		var mail []outbox.Message
		for _, r := range rows {
			p := byID[r.PersonID]
			if p == nil || p.Email == nil || !mailaddr.Valid(*p.Email) {
				continue
			}
			token, hash := links.New()
			res := tx.Exec(`INSERT INTO survey_invitations (survey_id, registration_id, token_hash, answered, sent_at)
VALUES (?, ?, ?, ?, ?) ON CONFLICT (survey_id, registration_id) DO NOTHING`, sv.ID, r.RegistrationID, hash, false, now)
			if res.Error != nil {
				return fmt.Errorf("path: unable to write an invitation: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				continue // another node invited them meanwhile
			}
			mail = append(mail, s.invitation(&sv, &a, p, r.Locale, token))
		}
		if err := outbox.Enqueue(tx, mail...); err != nil {
			return err
		}
		n = len(mail)
		return nil
	})
	return n, err
}

// invitation words the email that invites p, in locale, to sv at a with
// the private link of token. A discreet activity is never named: the
// subject is neutral, and the body gives only when it was.
func (s *Surveys) invitation(sv *Survey, a *activities.Activity, p *people.Person, locale, token string) outbox.Message {
	l := s.catalog.Localizer(locale)
	title := a.TextIn(l.Lang, s.catalog.Default()).Title
	ids := surveyLetters[sv.Kind]
	subject := l.T(ids[0], "Title", title)
	if a.Discreet {
		subject = l.T("survey_discreet_subject")
	}
	note := "survey_named_note"
	if sv.Anonymous {
		note = "survey_anonymous_note"
	}
	about := []string{}
	if !a.Discreet {
		about = append(about, l.T("notice_line_activity", "Title", title))
	}
	about = append(about, l.T("notice_line_when", "Date", a.Span(l)))
	paras := []string{l.T("notice_hello", "Name", p.GivenName), l.T(ids[1]), l.T(note), strings.Join(about, "\n"),
		l.T("survey_link", "URL", s.baseURL+SurveyPath(token)), l.T("notice_signature")}
	return outbox.Message{Kind: KindSurveyInvitation, Locale: l.Lang, ToAddress: *p.Email, Subject: subject,
		Body: strings.Join(paras, "\n\n")}
}
