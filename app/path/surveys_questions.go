package path

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/usertext"
)

// Question is one question of a survey. A question with a Scale is
// answered by one of its values, Min to Max, and must be; one without is a
// free text, which may be left empty.
type Question struct {
	Key   string // its form field, and its name in the results
	Label string // the message id of the question
	Min   int
	Max   int
	// Scale are the message ids of the answers Min to Max, in that order.
	Scale []string
}

// Text reports whether q is answered in words.
func (q Question) Text() bool { return q.Scale == nil }

// MaxText is the longest free text kept, in characters.
const MaxText = 2000

// The feedback: a rating, then what helped and what to change.
var feedbackQuestions = []Question{
	{Key: "rating", Label: "survey_q_rating", Min: 1, Max: 5,
		Scale: []string{"survey_rating_1", "survey_rating_2", "survey_rating_3", "survey_rating_4", "survey_rating_5"}},
	{Key: "helped", Label: "survey_q_helped"},
	{Key: "change", Label: "survey_q_change"},
}

// who5Scale is the WHO-5's answer scale, from "At no time" (0) to "All of
// the time" (5).
var who5Scale = []string{"who5_scale_0", "who5_scale_1", "who5_scale_2", "who5_scale_3", "who5_scale_4", "who5_scale_5"}

// The WHO-5 Well-Being Index (WHO, 1998), its five items in their order,
// each about the last two weeks (who5_timeframe).
var who5Questions = []Question{
	{Key: "who5_1", Label: "who5_q1", Max: 5, Scale: who5Scale},
	{Key: "who5_2", Label: "who5_q2", Max: 5, Scale: who5Scale},
	{Key: "who5_3", Label: "who5_q3", Max: 5, Scale: who5Scale},
	{Key: "who5_4", Label: "who5_q4", Max: 5, Scale: who5Scale},
	{Key: "who5_5", Label: "who5_q5", Max: 5, Scale: who5Scale},
}

// Questions are the questions a survey of kind asks, in order; none for an
// unknown kind.
func Questions(kind string) []Question {
	switch kind {
	case SurveyFeedback:
		return feedbackQuestions
	case SurveyWellbeingPre, SurveyWellbeingPost:
		return who5Questions
	}
	return nil
}

// CheckAnswers reads the answers given to a survey of kind, by question id,
// as a form sends them: a scale's value as its number, a text as typed. It
// returns the answers to keep (a text left empty is none), or the problem
// of each question that is unanswered or wrong. What else given holds is
// ignored.
func CheckAnswers(kind string, given map[string]string) ([]Answer, error) {
	f := apperr.Fields{}
	var out []Answer
	for _, q := range Questions(kind) {
		v := strings.TrimSpace(given[q.Key])
		if q.Text() {
			usertext.Check(f, q.Key, v, usertext.Lines)
			if utf8.RuneCountInString(v) > MaxText {
				f.Add(q.Key, "error_too_long", "Max", MaxText)
			}
			if v != "" {
				out = append(out, Answer{Question: q.Key, Text: usertext.Clean(v)})
			}
			continue
		}
		if v == "" {
			f.Add(q.Key, "error_required")
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < q.Min || n > q.Max || strconv.Itoa(n) != v {
			f.Add(q.Key, "error_survey_choose")
			continue
		}
		out = append(out, Answer{Question: q.Key, Value: &n})
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
