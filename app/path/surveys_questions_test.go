package path_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/path"
)

// TestQuestions: the feedback asks a rating of 1 to 5 and two texts; the
// well-being surveys ask the WHO-5's five items, each 0 to 5.
func TestQuestions(t *testing.T) {
	fb := path.Questions(path.SurveyFeedback)
	if len(fb) != 3 || fb[0].Key != "rating" || fb[0].Min != 1 || fb[0].Max != 5 || len(fb[0].Scale) != 5 ||
		!fb[1].Text() || !fb[2].Text() {
		t.Errorf("feedback questions %+v", fb)
	}
	for _, kind := range []string{path.SurveyWellbeingPre, path.SurveyWellbeingPost} {
		qs := path.Questions(kind)
		if len(qs) != 5 {
			t.Fatalf("%s asks %d questions", kind, len(qs))
		}
		for _, q := range qs {
			if q.Min != 0 || q.Max != 5 || len(q.Scale) != 6 || q.Text() {
				t.Errorf("%s: %+v", kind, q)
			}
		}
	}
	if qs := path.Questions("poll"); qs != nil {
		t.Errorf("an unknown kind asks %v", qs)
	}
}

func value(v int) *int { return &v }

// TestCheckAnswers: what a form sends, read or refused question by
// question.
func TestCheckAnswers(t *testing.T) {
	long := strings.Repeat("ж", path.MaxText)
	for _, c := range []struct {
		name   string
		kind   string
		given  map[string]string
		want   []path.Answer
		errors map[string]string // question → message id
	}{
		{"a rating alone", path.SurveyFeedback, map[string]string{"rating": "5"},
			[]path.Answer{{Question: "rating", Value: value(5)}}, nil},
		{"texts trimmed, line breaks kept", path.SurveyFeedback,
			map[string]string{"rating": " 1 ", "helped": "  Нөхөрлөл\r\nand tea ", "change": long, "other": "ignored"},
			[]path.Answer{{Question: "rating", Value: value(1)}, {Question: "helped", Text: "Нөхөрлөл\nand tea"},
				{Question: "change", Text: long}}, nil},
		{"nothing", path.SurveyFeedback, map[string]string{}, nil, map[string]string{"rating": "error_required"}},
		{"off the scale", path.SurveyFeedback, map[string]string{"rating": "0"}, nil, map[string]string{"rating": "error_survey_choose"}},
		{"not a number", path.SurveyFeedback, map[string]string{"rating": "four"}, nil, map[string]string{"rating": "error_survey_choose"}},
		{"a number written otherwise", path.SurveyFeedback, map[string]string{"rating": "+4"}, nil, map[string]string{"rating": "error_survey_choose"}},
		{"too long, a control character", path.SurveyFeedback,
			map[string]string{"rating": "3", "helped": long + "ж", "change": "a\x00b"}, nil,
			map[string]string{"helped": "error_too_long", "change": "error_text_control"}},
		{"the WHO-5", path.SurveyWellbeingPost,
			map[string]string{"who5_1": "0", "who5_2": "5", "who5_3": "2", "who5_4": "3", "who5_5": "1"},
			[]path.Answer{{Question: "who5_1", Value: value(0)}, {Question: "who5_2", Value: value(5)},
				{Question: "who5_3", Value: value(2)}, {Question: "who5_4", Value: value(3)}, {Question: "who5_5", Value: value(1)}}, nil},
		{"the WHO-5 half answered", path.SurveyWellbeingPre,
			map[string]string{"who5_1": "6", "who5_2": "5", "who5_3": "-1"}, nil,
			map[string]string{"who5_1": "error_survey_choose", "who5_3": "error_survey_choose", "who5_4": "error_required",
				"who5_5": "error_required"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := path.CheckAnswers(c.kind, c.given)
			if c.errors == nil {
				if err != nil || !reflect.DeepEqual(got, c.want) {
					t.Fatalf("CheckAnswers = %+v, %v; want %+v", got, err, c.want)
				}
				return
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.Invalid || got != nil {
				t.Fatalf("CheckAnswers = %+v, %v; want a refusal", got, err)
			}
			fields := map[string]string{}
			for k, m := range ae.Fields {
				fields[k] = m.ID
			}
			if !reflect.DeepEqual(fields, c.errors) {
				t.Errorf("refused %v, want %v", fields, c.errors)
			}
		})
	}
}

// FuzzCheckAnswers: whatever a form sends, the answers kept are on their
// question's scale or are texts that may be stored, within MaxText.
func FuzzCheckAnswers(f *testing.F) {
	f.Add("4", "helped", "change")
	f.Add("٣", "\u2028", "a\r\nb")
	f.Add("05", "", "\xff")
	f.Fuzz(func(t *testing.T, rating, helped, change string) {
		for _, kind := range path.SurveyKinds {
			given := map[string]string{"rating": rating, "helped": helped, "change": change, "who5_1": rating,
				"who5_2": rating, "who5_3": rating, "who5_4": rating, "who5_5": rating}
			answers, err := path.CheckAnswers(kind, given)
			if err != nil {
				var ae *apperr.Error
				if !errors.As(err, &ae) || ae.Kind != apperr.Invalid {
					t.Fatalf("%s: %v", kind, err)
				}
				continue
			}
			qs := map[string]path.Question{}
			for _, q := range path.Questions(kind) {
				qs[q.Key] = q
			}
			for _, a := range answers {
				q := qs[a.Question]
				switch {
				case q.Text():
					if a.Value != nil || a.Text == "" || !utf8.ValidString(a.Text) || utf8.RuneCountInString(a.Text) > path.MaxText ||
						strings.ContainsAny(a.Text, "\x00\r") {
						t.Fatalf("%s: text answer %+v", kind, a)
					}
				case a.Value == nil || *a.Value < q.Min || *a.Value > q.Max:
					t.Fatalf("%s: answer %+v off the scale", kind, a)
				}
			}
		}
	})
}
