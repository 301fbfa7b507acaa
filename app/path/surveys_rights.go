package path

import (
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// What surveys hold of a person, for their rights (app/rights): the
// invitations to their registrations and their responses to the surveys
// that are not anonymous. An anonymous response holds no link to anyone,
// so nothing finds it from a person: it is neither exported nor erased.

// SurveyErasure counts what EraseSurveys deleted.
type SurveyErasure struct {
	Invitations int
	Responses   int
}

// EraseSurveys deletes, with tx (an erasure's transaction, before the
// person goes), the invitations to the registrations of person personID
// and their responses to surveys that are not anonymous, with the answers.
// Such a response goes rather than lose its link: it was given as theirs,
// and its free texts may still name them. An anonymous response stays
// exactly as it is.
func EraseSurveys(tx *gorm.DB, personID int64) (SurveyErasure, error) {
	var out SurveyErasure
	mine := tx.Table("registrations").Select("id").Where("person_id = ?", personID)
	res := tx.Where("registration_id IN (?)", mine).Delete(&Response{})
	if res.Error != nil {
		return out, fmt.Errorf("path: unable to delete the responses of person %d: %w", personID, res.Error)
	}
	out.Responses = int(res.RowsAffected)
	res = tx.Where("registration_id IN (?)", mine).Delete(&Invitation{})
	if res.Error != nil {
		return out, fmt.Errorf("path: unable to delete the invitations of person %d: %w", personID, res.Error)
	}
	out.Invitations = int(res.RowsAffected)
	return out, nil
}

// PersonSurvey is a survey a person was invited to, for their export: the
// survey, its activity, when the invitation went, whether they answered,
// and, when the survey is not anonymous, their answers.
type PersonSurvey struct {
	SurveyID   int64
	Kind       string
	Anonymous  bool
	ActivityID int64
	InvitedAt  time.Time
	Answered   bool
	Answers    []Answer // nil for an anonymous survey, whose answers nothing links to them
}

// SurveysOf lists, with db, the surveys person personID was invited to,
// the newest invitation first, with their answers to those that are not
// anonymous.
func SurveysOf(db *gorm.DB, personID int64) ([]PersonSurvey, error) {
	var rows []struct {
		SurveyID       int64
		RegistrationID int64
		Kind           string
		Anonymous      bool
		ActivityID     int64
		SentAt         time.Time
		Answered       bool
	}
	err := db.Table("survey_invitations").
		Select("survey_invitations.survey_id, survey_invitations.registration_id, surveys.kind, surveys.anonymous, "+
			"surveys.activity_id, survey_invitations.sent_at, survey_invitations.answered").
		Joins("JOIN surveys ON surveys.id = survey_invitations.survey_id").
		Joins("JOIN registrations ON registrations.id = survey_invitations.registration_id").
		Where("registrations.person_id = ?", personID).
		Order("survey_invitations.sent_at DESC, survey_invitations.id DESC").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("path: unable to read the invitations of person %d: %w", personID, err)
	}
	var named []struct {
		Answer
		SurveyID       int64
		RegistrationID int64
	}
	err = db.Table("survey_answers").
		Select("survey_answers.*, survey_responses.survey_id, survey_responses.registration_id").
		Joins("JOIN survey_responses ON survey_responses.id = survey_answers.response_id").
		Joins("JOIN registrations ON registrations.id = survey_responses.registration_id").
		Where("registrations.person_id = ?", personID).Scan(&named).Error
	if err != nil {
		return nil, fmt.Errorf("path: unable to read the responses of person %d: %w", personID, err)
	}
	type key struct{ survey, registration int64 }
	answers := map[key][]Answer{}
	for _, n := range named {
		k := key{n.SurveyID, n.RegistrationID}
		answers[k] = append(answers[k], n.Answer)
	}
	out := make([]PersonSurvey, 0, len(rows))
	for _, r := range rows {
		ps := PersonSurvey{SurveyID: r.SurveyID, Kind: r.Kind, Anonymous: r.Anonymous, ActivityID: r.ActivityID,
			InvitedAt: r.SentAt, Answered: r.Answered}
		if !r.Anonymous {
			ps.Answers = inOrder(r.Kind, answers[key{r.SurveyID, r.RegistrationID}])
		}
		out = append(out, ps)
	}
	return out, nil
}

// inOrder is answers in the order of the questions of kind.
func inOrder(kind string, answers []Answer) []Answer {
	qs := Questions(kind)
	at := func(a Answer) int {
		return slices.IndexFunc(qs, func(q Question) bool { return q.Key == a.Question })
	}
	slices.SortFunc(answers, func(a, b Answer) int { return at(a) - at(b) })
	return answers
}
