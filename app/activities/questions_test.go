package activities

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/apperr"
)

// asked is a set of questions of every kind, with follow-ups.
func asked() []Question {
	opts := Options{{Value: "vegetarian", Label: Labels{"en": "Vegetarian", "mn": "Цагаан хоол"}}, {Value: "halal", Label: Labels{"en": "Halal"}}}
	return []Question{
		{Key: "nickname", Kind: QuestionText, Label: Labels{"en": "Nickname"}},
		{Key: "story", Kind: QuestionLongText, Label: Labels{"en": "Your story"}, Required: true},
		{Key: "diet", Kind: QuestionChoice, Label: Labels{"en": "Food"}, Options: opts},
		{Key: "diet_more", Kind: QuestionText, Label: Labels{"en": "Anything else?"}, Required: true,
			ShowIf: &Condition{Question: "diet", Equals: json.RawMessage(`"halal"`)}},
		{Key: "days", Kind: QuestionMultiChoice, Label: Labels{"en": "Days"},
			Options: Options{{Value: "mon", Label: Labels{"en": "Monday"}}, {Value: "tue"}, {Value: "wed"}}},
		{Key: "tue_room", Kind: QuestionYesNo, Label: Labels{"en": "Room on Tuesday?"}, Required: true,
			ShowIf: &Condition{Question: "days", Equals: json.RawMessage(`"tue"`)}},
		{Key: "meds", Kind: QuestionYesNo, Label: Labels{"en": "Medication?"}, Sealed: true},
		{Key: "meds_which", Kind: QuestionLongText, Label: Labels{"en": "Which?"}, Required: true, Sealed: true,
			ShowIf: &Condition{Question: "meds", Equals: json.RawMessage(`true`)}},
		{Key: "shoe", Kind: QuestionNumber, Label: Labels{"en": "Shoe size"}},
		{Key: "arrival", Kind: QuestionDate, Label: Labels{"en": "Arrival"}},
	}
}

func TestValidateQuestionsAcceptsEveryKind(t *testing.T) {
	f := apperr.Fields{}
	ValidateQuestions(asked(), f)
	if len(f) > 0 {
		t.Fatalf("valid questions refused: %v", f)
	}
}

func TestValidateQuestions(t *testing.T) {
	text := func(id string) Question { return Question{Key: id, Kind: QuestionText, Label: Labels{"en": "Q"}} }
	yes := func(id string) Question { return Question{Key: id, Kind: QuestionYesNo, Label: Labels{"en": "Q"}} }
	cond := func(q Question, on, equals string) Question {
		q.ShowIf = &Condition{Question: on, Equals: json.RawMessage(equals)}
		return q
	}
	for _, tc := range []struct {
		name  string
		qs    []Question
		field string
		msg   string
	}{
		{"bad id", []Question{text("Diet")}, "questions.0.id", "error_question_id"},
		{"empty id", []Question{text("")}, "questions.0.id", "error_question_id"},
		{"long id", []Question{text(strings.Repeat("a", 41))}, "questions.0.id", "error_question_id"},
		{"duplicate id", []Question{text("a"), text("a")}, "questions.1.id", "error_question_id_taken"},
		{"unknown kind", []Question{{Key: "a", Kind: "essay", Label: Labels{"en": "Q"}}}, "questions.0.kind", "error_question_kind"},
		{"no label", []Question{{Key: "a", Kind: QuestionText}}, "questions.0.label", "error_question_label_required"},
		{"label language", []Question{{Key: "a", Kind: QuestionText, Label: Labels{"xx": "Q"}}}, "questions.0.label", "error_locale_unknown"},
		{"label too long", []Question{{Key: "a", Kind: QuestionText, Label: Labels{"en": strings.Repeat("é", 301)}}}, "questions.0.label", "error_too_long"},
		{"choice without options", []Question{{Key: "a", Kind: QuestionChoice, Label: Labels{"en": "Q"}}}, "questions.0.options", "error_question_options_required"},
		{"options on text", []Question{{Key: "a", Kind: QuestionText, Label: Labels{"en": "Q"}, Options: Options{{Value: "x"}}}}, "questions.0.options", "error_question_options_unused"},
		{"empty option", []Question{{Key: "a", Kind: QuestionChoice, Label: Labels{"en": "Q"}, Options: Options{{Value: ""}}}}, "questions.0.options", "error_question_option_value"},
		{"duplicate option", []Question{{Key: "a", Kind: QuestionMultiChoice, Label: Labels{"en": "Q"}, Options: Options{{Value: "x"}, {Value: "x"}}}}, "questions.0.options", "error_question_option_duplicate"},
		{"retention", []Question{{Key: "a", Kind: QuestionText, Label: Labels{"en": "Q"}, RetainDays: -1}}, "questions.0.retain_days", "error_question_retain_days"},
		{"show_if later", []Question{cond(text("a"), "b", `true`), yes("b")}, "questions.0.show_if", "error_question_show_if_earlier"},
		{"show_if itself", []Question{cond(yes("a"), "a", `true`)}, "questions.0.show_if", "error_question_show_if_earlier"},
		{"show_if unknown", []Question{yes("a"), cond(text("b"), "z", `true`)}, "questions.1.show_if", "error_question_show_if_earlier"},
		{"show_if on text", []Question{text("a"), cond(text("b"), "a", `"x"`)}, "questions.1.show_if", "error_question_show_if_value"},
		{"show_if not boolean", []Question{yes("a"), cond(text("b"), "a", `"yes"`)}, "questions.1.show_if", "error_question_show_if_value"},
		{"show_if not an option", []Question{{Key: "a", Kind: QuestionChoice, Label: Labels{"en": "Q"}, Options: Options{{Value: "x"}}},
			cond(text("b"), "a", `"y"`)}, "questions.1.show_if", "error_question_show_if_value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := apperr.Fields{}
			ValidateQuestions(tc.qs, f)
			if f[tc.field].ID != tc.msg {
				t.Fatalf("want %s on %s, have %v", tc.msg, tc.field, f)
			}
		})
	}
	many := make([]Question, MaxQuestions+1)
	for i := range many {
		many[i] = text("q" + strings.Repeat("x", i%30) + string(rune('a'+i%26)))
	}
	f := apperr.Fields{}
	ValidateQuestions(many, f)
	if f["questions"].ID != "error_questions_too_many" {
		t.Fatalf("too many questions: %v", f)
	}
}

// A complete, valid set of answers, as a form sends them.
func validGiven() Given {
	return Given{"nickname": {"Bat"}, "story": {"I organise\nin my school"}, "diet": {"halal"}, "diet_more": {"no pork gelatin"},
		"days": {"tue", "mon"}, "tue_room": {"yes"}, "meds": {"no"}, "shoe": {"41.5"}, "arrival": {"2030-06-01"}}
}

func TestCheckAnswersCanonical(t *testing.T) {
	f := apperr.Fields{}
	got := CheckAnswers(asked(), validGiven(), f)
	if len(f) > 0 {
		t.Fatalf("valid answers refused: %v", f)
	}
	want := map[string]string{"nickname": `"Bat"`, "story": `"I organise\nin my school"`, "diet": `"halal"`, "diet_more": `"no pork gelatin"`,
		"days": `["mon","tue"]`, "tue_room": `true`, "meds": `false`, "shoe": `41.5`, "arrival": `"2030-06-01"`}
	have := map[string]string{}
	for k, v := range got {
		have[k] = string(v)
	}
	if !maps.Equal(have, want) {
		t.Fatalf("answers:\nhave %v\nwant %v", have, want)
	}
}

func TestCheckAnswers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(g Given)
		field string
		msg   string
	}{
		{"required missing", func(g Given) { delete(g, "story") }, "answer_story", "error_required"},
		{"required blank", func(g Given) { g["story"] = []string{"  "} }, "answer_story", "error_required"},
		{"text with a line break", func(g Given) { g["nickname"] = []string{"a\nb"} }, "answer_nickname", "error_text_control"},
		{"text too long", func(g Given) { g["nickname"] = []string{strings.Repeat("x", 301)} }, "answer_nickname", "error_too_long"},
		{"long text too long", func(g Given) { g["story"] = []string{strings.Repeat("x", 5001)} }, "answer_story", "error_too_long"},
		{"two values for one", func(g Given) { g["nickname"] = []string{"a", "b"} }, "answer_nickname", "error_answer_one"},
		{"unknown option", func(g Given) { g["diet"] = []string{"vegan"} }, "answer_diet", "error_answer_choice"},
		{"unknown among several", func(g Given) { g["days"] = []string{"mon", "sun"} }, "answer_days", "error_answer_choice"},
		{"yes or no", func(g Given) { g["meds"] = []string{"maybe"} }, "answer_meds", "error_answer_yes_no"},
		{"number", func(g Given) { g["shoe"] = []string{"forty"} }, "answer_shoe", "error_answer_number"},
		{"number too large", func(g Given) { g["shoe"] = []string{"1e13"} }, "answer_shoe", "error_answer_number"},
		{"not a number", func(g Given) { g["shoe"] = []string{"NaN"} }, "answer_shoe", "error_answer_number"},
		{"date", func(g Given) { g["arrival"] = []string{"01/06/2030"} }, "answer_arrival", "error_date"},
		{"date out of range", func(g Given) { g["arrival"] = []string{"1800-01-01"} }, "answer_arrival", "error_date"},
		{"follow-up required when shown", func(g Given) { delete(g, "diet_more") }, "answer_diet_more", "error_required"},
		{"follow-up of several choices", func(g Given) { delete(g, "tue_room") }, "answer_tue_room", "error_required"},
		{"sealed follow-up", func(g Given) { g["meds"] = []string{"yes"} }, "answer_meds_which", "error_required"},
		{"unknown question", func(g Given) { g["shoe_size"] = []string{"41"} }, "answer_shoe_size", "error_answer_unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := validGiven()
			tc.edit(g)
			f := apperr.Fields{}
			CheckAnswers(asked(), g, f)
			if f[tc.field].ID != tc.msg {
				t.Fatalf("want %s on %s, have %v", tc.msg, tc.field, f)
			}
			if len(f) != 1 {
				t.Fatalf("more than one problem: %v", f)
			}
		})
	}
}

// A follow-up whose condition is not met is optional, and whatever it was
// given is dropped.
func TestShowIf(t *testing.T) {
	g := validGiven()
	g["diet"] = []string{"vegetarian"} // diet_more asks only after halal
	g["days"] = []string{"mon"}        // tue_room only with tue
	g["meds_which"] = []string{"insulin"}
	f := apperr.Fields{}
	got := CheckAnswers(asked(), g, f)
	if len(f) > 0 {
		t.Fatalf("refused: %v", f)
	}
	for _, k := range []string{"diet_more", "tue_room", "meds_which"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s kept though its condition is false", k)
		}
	}
	delete(g, "diet_more")
	delete(g, "tue_room")
	f = apperr.Fields{}
	CheckAnswers(asked(), g, f)
	if len(f) > 0 {
		t.Fatalf("an unmet follow-up is optional: %v", f)
	}
	// A follow-up of a question left unanswered is not asked either.
	delete(g, "diet")
	g["diet_more"] = []string{"x"}
	f = apperr.Fields{}
	if got := CheckAnswers(asked(), g, f); len(f) > 0 || got["diet_more"] != nil {
		t.Fatalf("follow-up of an unanswered question: %v %v", f, got)
	}
}

func TestGivenFromJSON(t *testing.T) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(`{"nickname":"Bat","story":"s","diet":"halal","diet_more":"x","days":["tue"],"tue_room":true,
		"meds":false,"shoe":41.5,"arrival":"2030-06-01","bad":{"x":1},"none":null}`), &raw); err != nil {
		t.Fatal(err)
	}
	f := apperr.Fields{}
	g := GivenFromJSON(raw, f)
	if len(f) != 1 || f["answer_bad"].ID != "error_answer_shape" {
		t.Fatalf("shape errors: %v", f)
	}
	if _, ok := g["none"]; ok {
		t.Fatal("null is no answer")
	}
	delete(g, "bad")
	f = apperr.Fields{}
	got := CheckAnswers(asked(), g, f)
	if len(f) > 0 || string(got["shoe"]) != "41.5" || string(got["tue_room"]) != "true" || string(got["meds"]) != "false" {
		t.Fatalf("JSON answers: %v %v", f, got)
	}
}

func TestDisplayAndLabels(t *testing.T) {
	a := &Activity{Questions: asked()}
	for _, tc := range []struct{ id, v, lang, want string }{
		{"diet", `"vegetarian"`, "mn", "Цагаан хоол"},
		{"diet", `"halal"`, "mn", "Halal"}, // falls back to another language
		{"days", `["mon","tue"]`, "en", "Monday; tue"},
		{"meds", `true`, "en", "Yes"},
		{"meds", `false`, "en", "No"},
		{"shoe", `41.5`, "en", "41.5"},
		{"nickname", `"Bat"`, "en", "Bat"},
	} {
		got, err := a.Display(tc.id, json.RawMessage(tc.v), tc.lang, "en", "Yes", "No")
		if err != nil || got != tc.want {
			t.Errorf("Display(%s, %s) = %q, %v; want %q", tc.id, tc.v, got, err, tc.want)
		}
	}
	if _, err := a.Display("gone", json.RawMessage(`"x"`), "en", "en", "Yes", "No"); err != ErrNoQuestion {
		t.Fatalf("an answer to a question no longer asked: %v", err)
	}
	q := asked()[2]
	if l, lang := q.LabelIn("fr", "mn"); l != "Food" || lang != "en" {
		t.Fatalf("label fallback: %q %q", l, lang)
	}
}

// FuzzCheckAnswers: whatever a registrant sends, CheckAnswers never panics,
// keeps only questions asked, and every answer it keeps is valid JSON of the
// question's kind that checks again to itself.
func FuzzCheckAnswers(f *testing.F) {
	f.Add("nickname", "Bat", "x")
	f.Add("days", "tue", "mon")
	f.Add("shoe", "1e400", "")
	f.Add("arrival", "2030-02-30", "")
	f.Add("meds", "TRUE", "yes")
	f.Add("story", "a\u2028b", "\x00")
	f.Fuzz(func(t *testing.T, id, v1, v2 string) {
		g := validGiven()
		g[id] = []string{v1, v2}
		if v2 == "" {
			g[id] = []string{v1}
		}
		qs := asked()
		fields := apperr.Fields{}
		got := CheckAnswers(qs, g, fields)
		for k, v := range got {
			i := slices.IndexFunc(qs, func(q Question) bool { return q.Key == k })
			if i < 0 {
				t.Fatalf("kept an answer to %q, not asked", k)
			}
			if !json.Valid(v) {
				t.Fatalf("%s: invalid JSON %s", k, v)
			}
			// The canonical answer, given back, checks to itself.
			raw := map[string]json.RawMessage{k: v}
			again := CheckAnswers([]Question{withoutCondition(qs[i])}, GivenFromJSON(raw, apperr.Fields{}), apperr.Fields{})
			if string(again[k]) != string(v) {
				t.Fatalf("%s: %s checks again to %s", k, v, again[k])
			}
		}
		for k := range fields {
			if !strings.HasPrefix(k, "answer_") {
				t.Fatalf("error on %q", k)
			}
		}
	})
}

func withoutCondition(q Question) Question {
	q.ShowIf = nil
	return q
}
