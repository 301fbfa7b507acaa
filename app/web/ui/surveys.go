package ui

import (
	"errors"
	"math"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/web/request"
)

// Surveys: the page of an invitation's private link, /s/{token}, which
// needs no account and no JavaScript; the surveys section of an activity's
// staff page, where they are added and their results read; and a partner
// member's results of the activities its organisation co-hosts.

// The message ids of the kinds of survey.
var surveyKindLabels = map[string]string{
	path.SurveyFeedback:      "survey_kind_feedback",
	path.SurveyWellbeingPre:  "survey_kind_wellbeing_pre",
	path.SurveyWellbeingPost: "survey_kind_wellbeing_post",
}

// surveyOption is an answer of a question on a scale.
type surveyOption struct {
	Value    int
	Label    string
	Selected bool
}

// surveyQuestion is a question as the form shows it.
type surveyQuestion struct {
	ID      string
	Label   string
	Options []surveyOption // highest first, as the WHO-5 lists them; none for a text
	Value   string         // a text as typed
	Error   string
}

type surveyPageData struct {
	Action    string // the form's POST, in the page's language
	Title     string // the activity's
	When      string
	Anonymous bool
	Wellbeing bool
	Answered  bool
	Done      bool // answered, and the page comes right after
	Questions []surveyQuestion
	MaxText   int // of a free text, in characters
}

// surveyPage shows inv's form as given (form: the values typed, errs: the
// message of each wrong answer), or, once answered, says so.
func (s *Handlers) surveyPage(c *fiber.Ctx, status int, token string, inv *path.Invited, form, errs map[string]string) error {
	l := s.LocalizeAs(c, inv.Locale)
	sv, a := inv.Survey, inv.Activity
	title := "survey_feedback_heading"
	if sv.Wellbeing() {
		title = "survey_wellbeing_heading"
	}
	p := s.Page(c, title, nil)
	p.Form, p.Errors = form, errs
	data := surveyPageData{Action: path.SurveyPath(url.PathEscape(token)) + "?lang=" + l.Lang,
		Title: a.TextIn(l.Lang, s.Catalog.Default()).Title, When: a.Span(l), Anonymous: sv.Anonymous,
		Wellbeing: sv.Wellbeing(), Answered: inv.Answered, Done: inv.Answered && c.Query("done") == "1", MaxText: path.MaxText}
	for _, q := range path.Questions(sv.Kind) {
		sq := surveyQuestion{ID: q.Key, Label: l.T(q.Label), Value: form[q.Key], Error: errs[q.Key]}
		target := "f-" + q.Key
		for v := q.Max; v >= q.Min && !q.Text(); v-- {
			sq.Options = append(sq.Options, surveyOption{Value: v, Label: l.T(q.Scale[v-q.Min]),
				Selected: form[q.Key] == strconv.Itoa(v)})
			if v == q.Max {
				target += "-" + strconv.Itoa(v)
			}
		}
		p.Fields = append(p.Fields, request.Field{Key: q.Key, Label: sq.Label, Target: target})
		data.Questions = append(data.Questions, sq)
	}
	p.Data = data
	return s.Render(c, status, tplSurvey, p)
}

// SurveyForm is GET /s/{token}: the invitation's questions, or that they
// were answered. An unknown token is not found.
func (s *Handlers) SurveyForm(c *fiber.Ctx) error {
	token := c.Params("token")
	inv, err := s.Surveys.Invited(c.UserContext(), token)
	if err != nil {
		return err
	}
	return s.surveyPage(c, fiber.StatusOK, token, inv, map[string]string{}, nil)
}

// SurveyAnswer is POST /s/{token}: the answers recorded, then the page
// thanks; wrong answers show the form again as typed (422); a second
// response records nothing and says the invitation was answered (409).
func (s *Handlers) SurveyAnswer(c *fiber.Ctx) error {
	token := c.Params("token")
	form := map[string]string{}
	for _, kind := range path.SurveyKinds {
		for _, q := range path.Questions(kind) {
			form[q.Key] = c.FormValue(q.Key)
		}
	}
	inv, err := s.Surveys.Respond(c.UserContext(), token, form)
	var ae *apperr.Error
	switch {
	case err == nil:
		return c.Redirect(path.SurveyPath(url.PathEscape(token))+"?done=1&lang="+s.LocalizeAs(c, inv.Locale).Lang, fiber.StatusSeeOther)
	case errors.Is(err, path.ErrAnswered):
		inv.Answered = true
		return s.surveyPage(c, fiber.StatusConflict, token, inv, map[string]string{}, nil)
	case inv != nil && errors.As(err, &ae) && ae.Kind == apperr.Invalid:
		l := s.LocalizeAs(c, inv.Locale)
		errs := map[string]string{}
		for field, m := range ae.Fields {
			errs[field] = l.T(m.ID, m.Args...)
		}
		return s.surveyPage(c, fiber.StatusUnprocessableEntity, token, inv, form, errs)
	}
	return err
}

// surveyView is a survey's results as the staff's and the partners' pages
// show them: every figure written out, or the small-count mark in its place.
type surveyView struct {
	ID         int64
	Code       string // the kind
	Kind       string // its name
	Anonymous  bool
	Invited    string
	Responses  string
	Suppressed string // why no figure is shown; "" when they are
	Score      string
	Change     string // the change from before to after, or why it is not shown
	Items      []surveyItemView
	Values     []string // the scale's values, highest first: the columns of Items
	Legend     []string // what each value means
	Texts      []surveyTextsView
}

type surveyItemView struct {
	Label  string
	Mean   string
	Counts []string // in the order of Values
}

type surveyTextsView struct {
	Label string
	Texts []string
}

// oneDecimal is x to one decimal, as the page writes it.
func oneDecimal(p *request.Page, x float64) string { return p.L.Number(math.Round(x*10) / 10) }

// surveyViews reads the results of activity activityID's surveys that the
// user reaches.
func (s *Handlers) surveyViews(c *fiber.Ctx, p *request.Page, activityID int64) ([]surveyView, error) {
	ctx, v := c.UserContext(), request.Viewer(c)
	list, err := s.Surveys.List(ctx, v, activityID)
	if err != nil {
		return nil, err
	}
	out := make([]surveyView, 0, len(list))
	for _, l := range list {
		r, err := s.Surveys.Results(ctx, v, l.ID)
		if err != nil {
			return nil, err
		}
		res := r.Results
		mark := "<" + p.L.Number(res.MinCell)
		view := surveyView{ID: l.ID, Code: l.Kind, Kind: p.L.T(surveyKindLabels[l.Kind]), Anonymous: l.Anonymous,
			Invited: p.L.T("surveys_invited", "Count", l.Invited), Responses: p.L.T("surveys_responses", "Count", mark)}
		if res.Suppressed {
			view.Suppressed = p.L.T("surveys_suppressed", "Min", res.MinCell)
		} else {
			view.Responses = p.L.T("surveys_responses", "Count", res.Responses)
			if res.Score != nil {
				view.Score = p.L.T("surveys_score", "Score", oneDecimal(p, *res.Score))
			}
		}
		if ch := r.Change; ch != nil {
			view.Change = p.L.T("surveys_change_suppressed", "Min", res.MinCell)
			if !ch.Suppressed {
				delta := oneDecimal(p, ch.Delta)
				if ch.Delta > 0 {
					delta = "+" + delta
				}
				view.Change = p.L.T("surveys_change", "Before", oneDecimal(p, ch.Before), "After", oneDecimal(p, ch.After), "Delta", delta)
			}
		}
		qs := path.Questions(l.Kind)
		for _, q := range qs {
			if q.Text() {
				if texts, ok := res.Texts[q.Key]; ok {
					view.Texts = append(view.Texts, surveyTextsView{Label: p.L.T(q.Label), Texts: texts})
				}
				continue
			}
			if view.Values == nil {
				for v := q.Max; v >= q.Min; v-- {
					view.Values = append(view.Values, p.L.Number(v))
					view.Legend = append(view.Legend, p.L.T("surveys_scale_value", "Value", v, "Label", p.L.T(q.Scale[v-q.Min])))
				}
			}
		}
		if !res.Suppressed {
			for _, it := range res.Items {
				iv := surveyItemView{Label: p.L.T(questionLabel(qs, it.Question)), Mean: oneDecimal(p, it.Mean)}
				for j := len(it.Distribution) - 1; j >= 0; j-- {
					iv.Counts = append(iv.Counts, p.L.Number(it.Distribution[j].N))
				}
				view.Items = append(view.Items, iv)
			}
		}
		out = append(out, view)
	}
	return out, nil
}

// questionLabel is the message id of question id among qs.
func questionLabel(qs []path.Question, id string) string {
	for _, q := range qs {
		if q.Key == id {
			return q.Label
		}
	}
	return ""
}

// surveysSection is the surveys part of an activity's staff page: the
// results of its surveys, and the kinds a coordinator may still add.
type surveysSection struct {
	Surveys []surveyView
	Kinds   []surveyKindChoice // left to add; none without the permission
}

type surveyKindChoice struct {
	Value string
	Label string
}

// surveysOf fills the surveys section of activity activityID's staff page,
// for a user who may read surveys (nil otherwise).
func (s *Handlers) surveysOf(c *fiber.Ctx, p *request.Page, activityID int64) (*surveysSection, error) {
	if !s.Can(c, access.SurveysRead) {
		return nil, nil
	}
	views, err := s.surveyViews(c, p, activityID)
	if err != nil {
		return nil, err
	}
	out := &surveysSection{Surveys: views}
	if s.Can(c, access.SurveysWrite) {
		have := map[string]bool{}
		for _, v := range views {
			have[v.Code] = true
		}
		for _, k := range path.SurveyKinds {
			if !have[k] {
				out.Kinds = append(out.Kinds, surveyKindChoice{Value: k, Label: p.L.T(surveyKindLabels[k])})
			}
		}
	}
	return out, nil
}

// SurveyAdd is POST /manage/activities/{id}/surveys: kind, and
// anonymous=yes unless the survey is to keep each response with its
// registration.
func (s *Handlers) SurveyAdd(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	anonymous := c.FormValue("anonymous") == "yes"
	if _, err := s.Surveys.Create(c.UserContext(), request.Viewer(c), id,
		path.SurveyInput{Kind: c.FormValue("kind"), Anonymous: &anonymous}); err != nil {
		return err
	}
	return c.Redirect("/manage/activities/"+strconv.FormatInt(id, 10)+"?saved=1#surveys", fiber.StatusSeeOther)
}

type partnerSurveysData struct {
	Surveys []surveyView
}

// PartnerSurveys is GET /partner/activities/{id}/surveys: the results of
// the surveys of an activity the member's organisation co-hosts; any other
// activity is not found.
func (s *Handlers) PartnerSurveys(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	p := s.Page(c, "partner_surveys_link", nil)
	views, err := s.surveyViews(c, p, id)
	if err != nil {
		return err
	}
	a, err := s.Activities.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	p.Title = p.L.T("partner_surveys_title", "Title", a.TextIn(p.L.Lang, s.Catalog.Default()).Title)
	p.Data = partnerSurveysData{Surveys: views}
	return s.Render(c, fiber.StatusOK, tplPartnerSurveys, p)
}
