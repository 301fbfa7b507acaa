package api

import (
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/web/request"
)

// Survey is a survey of an activity as the API shows it: how many were
// invited, never who; how many answered is a figure of its results.
type Survey struct {
	ID         int64     `json:"id"`
	ActivityID int64     `json:"activity_id"`
	Kind       string    `json:"kind"`
	Anonymous  bool      `json:"anonymous"`
	CreatedAt  time.Time `json:"created_at"`
	Invited    int       `json:"invited"`
}

func toAPISurvey(l *path.Listed) Survey {
	return Survey{ID: l.ID, ActivityID: l.ActivityID, Kind: l.Kind, Anonymous: l.Anonymous,
		CreatedAt: l.CreatedAt.UTC(), Invited: l.Invited}
}

// ActivitySurveys answers GET /api/v1/activities/{id}/surveys.
func (s *Handlers) ActivitySurveys(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	list, err := s.Surveys.List(c.UserContext(), request.Viewer(c), id)
	if err != nil {
		return err
	}
	return sendItems(c, list, toAPISurvey)
}

type surveyBody struct {
	Kind      string `json:"kind"`
	Anonymous *bool  `json:"anonymous"`
}

// SurveyCreate answers POST /api/v1/activities/{id}/surveys.
func (s *Handlers) SurveyCreate(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var in surveyBody
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	sv, err := s.Surveys.Create(c.UserContext(), request.Viewer(c), id, path.SurveyInput{Kind: in.Kind, Anonymous: in.Anonymous})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPISurvey(&path.Listed{Survey: *sv}))
}

// figure is a number of a survey's results, or, under the small-count
// threshold, the mark that stands for it ("<5").
type figure struct {
	value float64
	mark  string // set when suppressed
}

// MarshalJSON writes the number to two decimals, or the mark.
func (f figure) MarshalJSON() ([]byte, error) {
	if f.mark != "" {
		return json.Marshal(f.mark)
	}
	return json.Marshal(math.Round(f.value*100) / 100)
}

// SurveyItem is the result of one question on a scale: its mean and how
// many gave each value.
type SurveyItem struct {
	Question     string            `json:"question"`
	Mean         figure            `json:"mean"`
	Distribution map[string]figure `json:"distribution"`
}

// SurveyChange is the change of the mean WHO-5 score from the survey
// before the activity to the one after it.
type SurveyChange struct {
	Before figure `json:"before"`
	After  figure `json:"after"`
	Change figure `json:"change"`
}

// SurveyResults are a survey's results. Under min_cell responses every
// figure, responses included, is the string "<N".
type SurveyResults struct {
	SurveyID   int64               `json:"survey_id"`
	ActivityID int64               `json:"activity_id"`
	Kind       string              `json:"kind"`
	Anonymous  bool                `json:"anonymous"`
	MinCell    int                 `json:"min_cell"`
	Responses  figure              `json:"responses"`
	Items      []SurveyItem        `json:"items"`
	Score      *figure             `json:"score"`  // the mean WHO-5 score, 0–100; null for the feedback
	Change     *SurveyChange       `json:"change"` // null without both well-being surveys
	Texts      map[string][]string `json:"texts"`  // the staff's, from min_cell responses; else null
}

// SurveyResults answers GET /api/v1/surveys/{id}/results.
func (s *Handlers) SurveyResults(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.Surveys.Results(c.UserContext(), request.Viewer(c), id)
	if err != nil {
		return err
	}
	res := r.Results
	mark := "<" + strconv.Itoa(res.MinCell)
	fig := func(v float64, suppressed bool) figure {
		if suppressed {
			return figure{mark: mark}
		}
		return figure{value: v}
	}
	out := SurveyResults{SurveyID: r.Survey.ID, ActivityID: r.Survey.ActivityID, Kind: r.Survey.Kind,
		Anonymous: r.Survey.Anonymous, MinCell: res.MinCell, Responses: fig(float64(res.Responses), res.Suppressed),
		Items: []SurveyItem{}, Texts: res.Texts}
	for _, it := range res.Items {
		item := SurveyItem{Question: it.Question, Mean: fig(it.Mean, res.Suppressed), Distribution: map[string]figure{}}
		for _, d := range it.Distribution {
			item.Distribution[strconv.Itoa(d.Value)] = fig(float64(d.N), res.Suppressed)
		}
		out.Items = append(out.Items, item)
	}
	if res.Score != nil {
		score := fig(*res.Score, res.Suppressed)
		out.Score = &score
	}
	if ch := r.Change; ch != nil {
		out.Change = &SurveyChange{Before: fig(ch.Before, ch.Suppressed), After: fig(ch.After, ch.Suppressed),
			Change: fig(ch.Delta, ch.Suppressed)}
	}
	return c.JSON(out)
}
