package path

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/i18n"
	"gorm.io/gorm"
)

// Surveys (DESIGN.md, "The youth path"): an activity asks its attendees
// for feedback once it has ended, and asks the WHO-5 Well-Being Index
// before it starts and two weeks after it ends. Invitations go by email
// with a private link (/s/{token}); a survey is anonymous unless its
// coordinator says otherwise, and then a response keeps no link to anyone.
// Results are aggregates under the small-count rule (surveys_results.go).

// The kinds of survey, one of each at most per activity.
const (
	SurveyFeedback      = "feedback"       // to attendees, once the activity has ended
	SurveyWellbeingPre  = "wellbeing_pre"  // WHO-5, to confirmed participants before the start
	SurveyWellbeingPost = "wellbeing_post" // WHO-5, to attendees PostDelay after the end
)

// SurveyKinds are the kinds in the order pages list them.
var SurveyKinds = []string{SurveyFeedback, SurveyWellbeingPre, SurveyWellbeingPost}

// PostDelay is how long after an activity ends its wellbeing_post survey
// goes: the WHO-5 asks about the last two weeks, which are then wholly
// after the activity.
const PostDelay = 14 * 24 * time.Hour

// Survey is a row of surveys.
type Survey struct {
	ID         int64
	ActivityID int64
	Kind       string
	Anonymous  bool // always written: a default would turn an explicit false into true
	CreatedBy  *int64
	CreatedAt  time.Time
}

// TableName is the migrated table.
func (Survey) TableName() string { return "surveys" }

// Wellbeing reports whether the survey asks the WHO-5.
func (s *Survey) Wellbeing() bool {
	return s.Kind == SurveyWellbeingPre || s.Kind == SurveyWellbeingPost
}

// Invitation is a row of survey_invitations: one registration invited to
// one survey, with the hash of its link's token. Answered is a flag and
// nothing more, so that no time of it can be matched with a response.
type Invitation struct {
	ID             int64
	SurveyID       int64
	RegistrationID int64
	TokenHash      []byte
	Answered       bool
	SentAt         time.Time
}

// TableName is the migrated table.
func (Invitation) TableName() string { return "survey_invitations" }

// Response is a row of survey_responses. Its ID is random; RegistrationID
// is set only when the survey is not anonymous.
type Response struct {
	ID             string
	SurveyID       int64
	RegistrationID *int64
}

// TableName is the migrated table.
func (Response) TableName() string { return "survey_responses" }

// Answer is a row of survey_answers: a value on a question's scale, or a
// free text.
type Answer struct {
	ResponseID string
	Question   string
	Value      *int
	Text       string
}

// TableName is the migrated table.
func (Answer) TableName() string { return "survey_answers" }

// Surveys keeps the surveys of activities, invites to them, records the
// responses and reads their results.
type Surveys struct {
	db      *gorm.DB
	catalog *i18n.Catalog // words the invitations
	baseURL string        // of the links in them
	minCell int           // GOTONG_MIN_CELL: fewer responses show no figure
	now     clock.Clock
}

// NewSurveys returns the surveys over db; invitations are worded with
// catalog and link to baseURL, results under minCell responses are
// suppressed, and now dates what is due.
func NewSurveys(db *gorm.DB, catalog *i18n.Catalog, baseURL string, minCell int, now clock.Clock) *Surveys {
	return &Surveys{db: db, catalog: catalog, baseURL: baseURL, minCell: minCell, now: now}
}

// SurveyInput is a new survey as a coordinator asks for it. Anonymous nil
// is true: a survey is anonymous unless the coordinator says otherwise.
type SurveyInput struct {
	Kind      string
	Anonymous *bool
}

// Errors of Create.
var (
	ErrSurveyExists    = apperr.New(apperr.Conflict, "error_survey_exists")
	ErrSurveyCancelled = apperr.New(apperr.Conflict, "error_survey_activity_cancelled")
	ErrSurveyStarted   = apperr.New(apperr.Conflict, "error_survey_pre_started")
)

// Create adds a survey of in.Kind to activity activityID, which v must
// reach (else not found), audited as survey.create with v as its actor.
// Any kind of activity may have any kind of survey. A second survey of the
// same kind, one for a cancelled activity, and a survey before the start of
// an activity that has started are conflicts.
func (s *Surveys) Create(ctx context.Context, v access.Viewer, activityID int64, in SurveyInput) (*Survey, error) {
	f := apperr.Fields{}
	known := false
	for _, k := range SurveyKinds {
		known = known || in.Kind == k
	}
	if !known {
		f.Add("kind", "error_survey_kind")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	sv := &Survey{ActivityID: activityID, Kind: in.Kind, Anonymous: in.Anonymous == nil || *in.Anonymous,
		CreatedAt: s.now().UTC()}
	if v.UserID != 0 {
		sv.CreatedBy = &v.UserID
	}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		var a activities.Activity
		err := tx.Scopes(activities.Reached(v, "id")).Select("id, status, starts_at").Take(&a, activityID).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("path: unable to read activity %d: %w", activityID, err)
		}
		switch {
		case a.Status == activities.StatusCancelled:
			return ErrSurveyCancelled
		case in.Kind == SurveyWellbeingPre && !a.StartsAt.After(sv.CreatedAt):
			return ErrSurveyStarted
		}
		if err := tx.Create(sv).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return ErrSurveyExists
			}
			return fmt.Errorf("path: unable to create a survey: %w", err)
		}
		return audit.Record(tx, v.UserID, "survey.create", "activity", strconv.FormatInt(activityID, 10),
			map[string]any{"survey_id": sv.ID, "kind": sv.Kind, "anonymous": sv.Anonymous})
	})
	if err != nil {
		return nil, err
	}
	return sv, nil
}

// Listed is a survey with how many were invited to it. How many answered
// is a figure of its results, under the small-count rule.
type Listed struct {
	Survey
	Invited int
}

// Reached narrows a query whose column col holds an activity id to the
// activities whose surveys v reads: staff every one, a partner member
// those its organisation co-hosts. It is activities.Counted without the
// activities a facilitator leads: a facilitator knows the few people in
// the room, and reads no survey.
func Reached(v access.Viewer, col string) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if v.Staff {
			return q
		}
		return q.Where(col+" IN (SELECT activity_id FROM activity_partners WHERE partner_id = ?)", v.PartnerID)
	}
}

// List returns the surveys of activity activityID in the order of
// SurveyKinds, if v reaches the activity (Reached); any other activity is
// not found.
func (s *Surveys) List(ctx context.Context, v access.Viewer, activityID int64) ([]Listed, error) {
	db := s.db.WithContext(ctx)
	var n int64
	if err := db.Model(&activities.Activity{}).Scopes(Reached(v, "id")).Where("id = ?", activityID).
		Count(&n).Error; err != nil {
		return nil, fmt.Errorf("path: unable to read activity %d: %w", activityID, err)
	}
	if n == 0 {
		return nil, apperr.ErrNotFound
	}
	var rows []Listed
	err := db.Table("surveys").
		Select("surveys.*, (SELECT COUNT(*) FROM survey_invitations i WHERE i.survey_id = surveys.id) AS invited").
		Where("activity_id = ?", activityID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("path: unable to list the surveys of activity %d: %w", activityID, err)
	}
	out := make([]Listed, 0, len(rows))
	for _, k := range SurveyKinds {
		for _, r := range rows {
			if r.Kind == k {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// Get returns survey id, if v reaches its activity (Reached); any other is
// not found.
func (s *Surveys) Get(ctx context.Context, v access.Viewer, id int64) (*Survey, error) {
	var sv Survey
	err := s.db.WithContext(ctx).Scopes(Reached(v, "activity_id")).Take(&sv, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("path: unable to read survey %d: %w", id, err)
	}
	return &sv, nil
}

// SurveyResults are a survey's results as their reader may see them.
type SurveyResults struct {
	Survey  Survey
	Results Results
	// Change is set for a well-being survey whose pair (the survey before
	// the activity, or after it) exists: the change from one to the other.
	Change *Change
}

// Results returns the results of survey id, if v reaches its activity
// (any other is not found). The free texts are the staff's alone, once the
// survey has MinCell responses, in an order drawn afresh for each reading,
// so that no order tells who wrote what.
func (s *Surveys) Results(ctx context.Context, v access.Viewer, id int64) (*SurveyResults, error) {
	sv, err := s.Get(ctx, v, id)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	res, err := s.tally(db, sv)
	if err != nil {
		return nil, err
	}
	out := &SurveyResults{Survey: *sv, Results: res}
	if sv.Wellbeing() {
		other := SurveyWellbeingPost
		if sv.Kind == SurveyWellbeingPost {
			other = SurveyWellbeingPre
		}
		var pair []Survey
		if err := db.Where("activity_id = ? AND kind = ?", sv.ActivityID, other).Find(&pair).Error; err != nil {
			return nil, fmt.Errorf("path: unable to read the pair of survey %d: %w", id, err)
		}
		if len(pair) == 1 {
			pres, err := s.tally(db, &pair[0])
			if err != nil {
				return nil, err
			}
			pre, post := pres, res
			if sv.Kind == SurveyWellbeingPre {
				pre, post = res, pres
			}
			c := Compare(pre, post)
			out.Change = &c
		}
	}
	// The texts: to the staff, every text question's (an empty list when
	// nobody wrote), shuffled; to anyone else, or under the threshold, none.
	texts := out.Results.Texts
	out.Results.Texts = nil
	if v.Staff && !res.Suppressed {
		for _, q := range Questions(sv.Kind) {
			if !q.Text() {
				continue
			}
			if out.Results.Texts == nil {
				out.Results.Texts = map[string][]string{}
			}
			list := append([]string{}, texts[q.Key]...)
			rand.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
			out.Results.Texts[q.Key] = list
		}
	}
	return out, nil
}

// tally reads the responses of sv and computes its results.
func (s *Surveys) tally(db *gorm.DB, sv *Survey) (Results, error) {
	given, err := readResponses(db, []int64{sv.ID})
	if err != nil {
		return Results{}, err
	}
	return Tally(sv.Kind, given[sv.ID], s.minCell), nil
}

// readResponses reads the responses to surveys ids, by survey.
func readResponses(db *gorm.DB, ids []int64) (map[int64][]Given, error) {
	var resps []Response
	if err := db.Select("id", "survey_id").Where("survey_id IN ?", ids).Find(&resps).Error; err != nil {
		return nil, fmt.Errorf("path: unable to read the responses of surveys %v: %w", ids, err)
	}
	var rows []Answer
	err := db.Table("survey_answers").Select("survey_answers.*").
		Joins("JOIN survey_responses ON survey_responses.id = survey_answers.response_id").
		Where("survey_responses.survey_id IN ?", ids).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("path: unable to read the answers of surveys %v: %w", ids, err)
	}
	byResponse := make(map[string]*Given, len(resps))
	given := make([]Given, len(resps))
	for i, r := range resps {
		given[i] = Given{Values: map[string]int{}, Texts: map[string]string{}}
		byResponse[r.ID] = &given[i]
	}
	for _, a := range rows {
		g := byResponse[a.ResponseID]
		switch {
		case g == nil: // a response that went between the two reads
		case a.Value != nil:
			g.Values[a.Question] = *a.Value
		default:
			g.Texts[a.Question] = a.Text
		}
	}
	out := make(map[int64][]Given, len(ids))
	for i, r := range resps {
		out[r.SurveyID] = append(out[r.SurveyID], given[i])
	}
	return out, nil
}
