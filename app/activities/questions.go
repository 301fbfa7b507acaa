package activities

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/usertext"
)

// An activity asks its own questions (DESIGN.md, "A young person's place",
// point 7): each of a kind, translated, required or not, shown only when an
// earlier answer has a given value, ordinary or sealed, and kept RetainDays
// after the activity ends. This file holds the definitions, their
// validation and the pure check of a registrant's answers; the answers
// themselves are the registrations' (registration/answers.go).

// Kinds of question.
const (
	QuestionText        = "text"
	QuestionLongText    = "long_text"
	QuestionChoice      = "choice"
	QuestionMultiChoice = "multi_choice"
	QuestionYesNo       = "yes_no"
	QuestionNumber      = "number"
	QuestionDate        = "date"
)

// QuestionKinds lists the kinds in display order.
var QuestionKinds = []string{QuestionText, QuestionLongText, QuestionChoice, QuestionMultiChoice, QuestionYesNo, QuestionNumber, QuestionDate}

// Bounds of questions and of their answers.
const (
	MaxQuestions      = 30
	MaxOptions        = 30
	MaxRetainDays     = 3650
	DefaultRetainDays = 30
	maxLabel          = 300
	maxText           = 300  // an answer of kind text
	maxLongText       = 5000 // an answer of kind long_text
	maxNumber         = 1e12
)

// questionID is what a question's id may be: it names a form field
// (answer_<id>) and a CSV column.
var questionID = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Question is one question an activity asks, a row of activity_questions.
type Question struct {
	ActivityID int64  `gorm:"primaryKey"`
	Key        string `gorm:"primaryKey;column:question_id"` // the API's "id"
	Position   int
	Kind       string
	Label      Labels
	Options    Options // of a choice or a multi_choice
	Required   bool
	ShowIf     *Condition
	Sealed     bool // its answers are encrypted at rest and read by coordinators only
	RetainDays int  // its answers are deleted this many days after the activity ends
	// PurgedAt is when the answers were deleted, RetainDays after the end.
	PurgedAt *time.Time
}

// TableName is the migrated table.
func (Question) TableName() string { return "activity_questions" }

// Labels is a text by language.
type Labels map[string]string

// Option is one answer a choice offers: its value, as answers and show_if
// hold it, and its label by language.
type Option struct {
	Value string `json:"value"`
	Label Labels `json:"label"`
}

// Options are a question's options in order.
type Options []Option

// Condition shows a question only when the earlier question Question was
// answered Equals (for several choices: among them).
type Condition struct {
	Question string          `json:"question"`
	Equals   json.RawMessage `json:"equals"`
}

// Value stores the labels as JSON.
func (l Labels) Value() (driver.Value, error) { return jsonValue(l) }

// Scan reads labels stored as JSON.
func (l *Labels) Scan(v any) error { return jsonScan(v, l) }

// Value stores the options as JSON.
func (o Options) Value() (driver.Value, error) { return jsonValue(o) }

// Scan reads options stored as JSON.
func (o *Options) Scan(v any) error { return jsonScan(v, o) }

// Value stores the condition as JSON.
func (c Condition) Value() (driver.Value, error) { return jsonValue(c) }

// Scan reads a condition stored as JSON.
func (c *Condition) Scan(v any) error { return jsonScan(v, c) }

func jsonValue(v any) (driver.Value, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

func jsonScan(v, dst any) error {
	switch b := v.(type) {
	case nil:
		return nil
	case string:
		return json.Unmarshal([]byte(b), dst)
	case []byte:
		return json.Unmarshal(b, dst)
	}
	return fmt.Errorf("activities: cannot read %T as JSON", v)
}

// LabelIn is a question's label for a reader of lang, falling back like an
// activity's texts (i18n.FieldIn), with the language it is in.
func (q *Question) LabelIn(lang, def string) (string, string) { return labelIn(q.Label, lang, def) }

// LabelIn is an option's label for a reader of lang, else its value.
func (o *Option) LabelIn(lang, def string) string {
	if l, _ := labelIn(o.Label, lang, def); l != "" {
		return l
	}
	return o.Value
}

type labelRow struct{ lang, text string }

func labelIn(l Labels, lang, def string) (string, string) {
	rows := make([]labelRow, 0, len(l))
	for k, v := range l {
		rows = append(rows, labelRow{k, v})
	}
	return i18n.FieldIn(rows, lang, def, func(r *labelRow) string { return r.lang }, func(r *labelRow) string { return r.text })
}

// QuestionInput is one question as given; RetainDays nil takes
// DefaultRetainDays.
type QuestionInput struct {
	Key        string
	Kind       string
	Label      Labels
	Options    Options
	Required   bool
	ShowIf     *Condition
	Sealed     bool
	RetainDays *int
}

// questionsOf makes the questions of activity id from in, keeping when each
// kept question's answers were purged.
func questionsOf(id int64, in []QuestionInput, old []Question) []Question {
	out := make([]Question, len(in))
	for i, q := range in {
		days := DefaultRetainDays
		if q.RetainDays != nil {
			days = *q.RetainDays
		}
		label := Labels{}
		for lang, v := range q.Label {
			if v = strings.TrimSpace(v); v != "" {
				label[lang] = v
			}
		}
		opts := make(Options, len(q.Options))
		for j, o := range q.Options {
			opts[j] = Option{Value: strings.TrimSpace(o.Value), Label: Labels{}}
			for lang, v := range o.Label {
				if v = strings.TrimSpace(v); v != "" {
					opts[j].Label[lang] = v
				}
			}
		}
		out[i] = Question{ActivityID: id, Key: strings.TrimSpace(q.Key), Position: i, Kind: q.Kind, Label: label,
			Options: opts, Required: q.Required, ShowIf: q.ShowIf, Sealed: q.Sealed, RetainDays: days}
		if j := slices.IndexFunc(old, func(o Question) bool { return o.Key == out[i].Key }); j >= 0 {
			out[i].PurgedAt = old[j].PurgedAt
		}
	}
	return out
}

// questionField names field of the i-th question in an error.
func questionField(i int, field string) string { return "questions." + strconv.Itoa(i) + "." + field }

// ValidateQuestions checks an activity's questions, each problem under
// questions.<index>.<field>: ids unique and well formed, a known kind, a
// label, options for choices only (non-empty, values unique), show_if on an
// earlier question that has values to compare with, and a retention within
// bounds.
func ValidateQuestions(qs []Question, f apperr.Fields) {
	if len(qs) > MaxQuestions {
		f.Add("questions", "error_questions_too_many", "Max", MaxQuestions)
	}
	seen := map[string]int{}
	for i, q := range qs {
		field := func(name string) string { return questionField(i, name) }
		switch {
		case !questionID.MatchString(q.Key):
			f.Add(field("id"), "error_question_id")
		case seen[q.Key] > 0:
			f.Add(field("id"), "error_question_id_taken")
		}
		seen[q.Key] = i + 1
		if !oneOf(q.Kind, QuestionKinds) {
			f.Add(field("kind"), "error_question_kind")
		}
		checkLabels(f, field("label"), q.Label, true)
		choices := q.Kind == QuestionChoice || q.Kind == QuestionMultiChoice
		switch {
		case choices && len(q.Options) == 0:
			f.Add(field("options"), "error_question_options_required")
		case !choices && len(q.Options) > 0:
			f.Add(field("options"), "error_question_options_unused")
		case len(q.Options) > MaxOptions:
			f.Add(field("options"), "error_question_options_too_many", "Max", MaxOptions)
		}
		values := map[string]bool{}
		for _, o := range q.Options {
			switch {
			case o.Value == "" || utf8.RuneCountInString(o.Value) > 100 || usertext.Problem(o.Value, usertext.Line) != "":
				f.Add(field("options"), "error_question_option_value")
			case values[o.Value]:
				f.Add(field("options"), "error_question_option_duplicate")
			}
			values[o.Value] = true
			checkLabels(f, field("options"), o.Label, false)
		}
		if q.RetainDays < 0 || q.RetainDays > MaxRetainDays {
			f.Add(field("retain_days"), "error_question_retain_days", "Max", MaxRetainDays)
		}
		if c := q.ShowIf; c != nil {
			j := seen[c.Question] - 1
			if j < 0 || j >= i {
				f.Add(field("show_if"), "error_question_show_if_earlier")
				continue
			}
			if _, ok := conditionValue(&qs[j], c.Equals); !ok {
				f.Add(field("show_if"), "error_question_show_if_value")
			}
		}
	}
}

// checkLabels checks a text by language; required asks for one at least.
func checkLabels(f apperr.Fields, field string, l Labels, required bool) {
	for lang, v := range l {
		if !i18n.IsSupported(lang) {
			f.Add(field, "error_locale_unknown")
		}
		usertext.Check(f, field, v, usertext.Line)
		if utf8.RuneCountInString(v) > maxLabel {
			f.Add(field, "error_too_long", "Max", maxLabel)
		}
	}
	if required && len(l) == 0 {
		f.Add(field, "error_question_label_required")
	}
}

// conditionValue is the value a show_if compares the answer to q with: an
// option of a choice or of several choices, or true or false; questions of
// other kinds cannot be conditions.
func conditionValue(q *Question, equals json.RawMessage) (string, bool) {
	switch q.Kind {
	case QuestionChoice, QuestionMultiChoice:
		var v string
		if json.Unmarshal(equals, &v) != nil || !slices.ContainsFunc(q.Options, func(o Option) bool { return o.Value == v }) {
			return "", false
		}
		return v, true
	case QuestionYesNo:
		var v bool
		if json.Unmarshal(equals, &v) != nil {
			return "", false
		}
		return yesNo(v), true
	}
	return "", false
}

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

// Given is what a registrant answered: question id → the values as typed
// (a form's checkboxes repeat their field: several values).
type Given map[string][]string

// Answers are answers checked and put in their canonical JSON: a string
// (text, long_text, choice, date as YYYY-MM-DD), a number, true or false
// (yes_no), or a list of strings (multi_choice, in the options' order).
type Answers map[string]json.RawMessage

// AnswerField is the form field, and the key of an error, of question id.
func AnswerField(id string) string { return "answer_" + id }

// GivenFromJSON reads the API's "answers" object: a string, a number, true
// or false, a list of strings, or null (no answer). A value of another
// shape is reported under the question's field.
func GivenFromJSON(raw map[string]json.RawMessage, f apperr.Fields) Given {
	g := Given{}
	for id, v := range raw {
		var (
			s    string
			b    bool
			n    json.Number
			list []string
		)
		switch {
		case string(v) == "null":
		case json.Unmarshal(v, &s) == nil:
			g[id] = []string{s}
		case json.Unmarshal(v, &b) == nil:
			g[id] = []string{yesNo(b)}
		case json.Unmarshal(v, &n) == nil:
			g[id] = []string{n.String()}
		case json.Unmarshal(v, &list) == nil:
			g[id] = list
		default:
			f.Add(AnswerField(id), "error_answer_shape")
		}
	}
	return g
}

// CheckAnswers checks what a registrant answered to qs and returns the
// answers in canonical form. Each problem is reported under the question's
// form field (AnswerField). A question whose show_if is not met is
// optional, and its answer, if any, is dropped; an answer to a question
// the activity does not ask is refused.
func CheckAnswers(qs []Question, given Given, f apperr.Fields) Answers {
	out := Answers{}
	for id := range given {
		if !slices.ContainsFunc(qs, func(q Question) bool { return q.Key == id }) {
			f.Add(AnswerField(id), "error_answer_unknown")
		}
	}
	for i := range qs {
		q := &qs[i]
		field := AnswerField(q.Key)
		values := nonEmpty(given[q.Key])
		if c := q.ShowIf; c != nil && !conditionMet(qs, out, c) {
			continue // not asked of this registrant: whatever came is dropped
		}
		if len(values) == 0 {
			if q.Required {
				f.Add(field, "error_required")
			}
			continue
		}
		v, msg := answer(q, values)
		if msg != "" {
			f.Add(field, msg, "Max", maxFor(q.Kind))
			continue
		}
		out[q.Key] = v
	}
	return out
}

// nonEmpty drops values left blank.
func nonEmpty(values []string) []string {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// conditionMet reports whether the answers so far meet c (an earlier
// question's answer, already in out when it was given and shown).
func conditionMet(qs []Question, out Answers, c *Condition) bool {
	i := slices.IndexFunc(qs, func(q Question) bool { return q.Key == c.Question })
	got, ok := out[c.Question]
	if i < 0 || !ok {
		return false
	}
	want, ok := conditionValue(&qs[i], c.Equals)
	if !ok {
		return false
	}
	switch qs[i].Kind {
	case QuestionMultiChoice:
		var list []string
		return json.Unmarshal(got, &list) == nil && slices.Contains(list, want)
	case QuestionYesNo:
		var b bool
		return json.Unmarshal(got, &b) == nil && yesNo(b) == want
	}
	var s string
	return json.Unmarshal(got, &s) == nil && s == want
}

func maxFor(kind string) int {
	if kind == QuestionLongText {
		return maxLongText
	}
	return maxText
}

// answer checks the values given to q and makes its canonical JSON, or
// returns the message id of what is wrong (an argument Max is given).
func answer(q *Question, values []string) (json.RawMessage, string) {
	if q.Kind != QuestionMultiChoice && len(values) > 1 {
		return nil, "error_answer_one"
	}
	v := values[0]
	enc := func(x any) (json.RawMessage, string) {
		b, err := json.Marshal(x)
		if err != nil {
			return nil, "error_answer_shape"
		}
		return b, ""
	}
	switch q.Kind {
	case QuestionText, QuestionLongText:
		kind := usertext.Line
		if q.Kind == QuestionLongText {
			kind = usertext.Lines
		}
		if p := usertext.Problem(v, kind); p != "" {
			return nil, p
		}
		if utf8.RuneCountInString(v) > maxFor(q.Kind) {
			return nil, "error_too_long"
		}
		return enc(v)
	case QuestionChoice:
		if !slices.ContainsFunc(q.Options, func(o Option) bool { return o.Value == v }) {
			return nil, "error_answer_choice"
		}
		return enc(v)
	case QuestionMultiChoice:
		var list []string
		for _, o := range q.Options {
			if slices.Contains(values, o.Value) {
				list = append(list, o.Value)
			}
		}
		for _, v := range values {
			if !slices.ContainsFunc(q.Options, func(o Option) bool { return o.Value == v }) {
				return nil, "error_answer_choice"
			}
		}
		return enc(list)
	case QuestionYesNo:
		switch strings.ToLower(v) {
		case "yes", "true":
			return enc(true)
		case "no", "false":
			return enc(false)
		}
		return nil, "error_answer_yes_no"
	case QuestionNumber:
		n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
		if err != nil || n != n || n > maxNumber || n < -maxNumber {
			return nil, "error_answer_number"
		}
		return enc(n)
	case QuestionDate:
		d, err := time.Parse(time.DateOnly, v)
		if err != nil || d.Year() < 1900 || d.Year() > 2200 {
			return nil, "error_date"
		}
		return enc(d.Format(time.DateOnly))
	}
	return nil, "error_answer_shape"
}

// ErrNoQuestion is the answer to a question an activity does not (or no
// longer) asks.
var ErrNoQuestion = errors.New("activities: no such question")

// Display is an answer to the question id as a reader of lang reads it:
// text as typed, options by their labels, yes and no by yes and no (the
// caller's words), numbers and dates as given.
func (a *Activity) Display(id string, v json.RawMessage, lang, def, yes, no string) (string, error) {
	i := slices.IndexFunc(a.Questions, func(q Question) bool { return q.Key == id })
	if i < 0 {
		return "", ErrNoQuestion
	}
	q := &a.Questions[i]
	label := func(value string) string {
		if j := slices.IndexFunc(q.Options, func(o Option) bool { return o.Value == value }); j >= 0 {
			return q.Options[j].LabelIn(lang, def)
		}
		return value
	}
	switch q.Kind {
	case QuestionYesNo:
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			return "", err
		}
		if b {
			return yes, nil
		}
		return no, nil
	case QuestionMultiChoice:
		var list []string
		if err := json.Unmarshal(v, &list); err != nil {
			return "", err
		}
		for k := range list {
			list[k] = label(list[k])
		}
		return strings.Join(list, "; "), nil
	case QuestionNumber:
		var n json.Number
		if err := json.Unmarshal(v, &n); err != nil {
			return "", err
		}
		return n.String(), nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", err
	}
	return label(s), nil
}
