package ui

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/web/request"
)

// The staff activity form edits an activity's questions without
// JavaScript: one row per question and one empty row, each field named
// questions.<row>.<field> (the row counts from 0, as the API's index does),
// and the hidden question_rows says how many rows the form sent. A row
// left empty, or ticked "remove", is not saved. A choice's options are a
// textarea, one option a line: "value | label en | label fr | label id |
// label mn", labels in the order of i18n.Supported, any left out.

// questionRowsField is the hidden field that counts the question rows; a
// form without it leaves the questions as they are.
const questionRowsField = "question_rows"

// optionSeparator splits an option's line into its value and labels.
const optionSeparator = "|"

// questionKindLabels are the message ids of the kinds of question.
var questionKindLabels = map[string]string{
	activities.QuestionText: "question_kind_text", activities.QuestionLongText: "question_kind_long_text",
	activities.QuestionChoice: "question_kind_choice", activities.QuestionMultiChoice: "question_kind_multi_choice",
	activities.QuestionYesNo: "question_kind_yes_no", activities.QuestionNumber: "question_kind_number",
	activities.QuestionDate: "question_kind_date",
}

// questionRowField names field of the row-th question row.
func questionRowField(row int, field string) string {
	return "questions." + strconv.Itoa(row) + "." + field
}

// questionRowNames are the fields of a question row, the labels' per language.
func questionRowNames() []string {
	names := []string{"id", "kind", "options", "required", "show_if_question", "show_if_value", "sealed", "retain_days", "remove"}
	for _, lang := range i18n.Supported {
		names = append(names, "label_"+lang)
	}
	return names
}

// questionRowCount is how many question rows form holds: none when the
// form does not say (then the questions are left as they are).
func questionRowCount(form map[string]string) (int, bool) {
	n, err := strconv.Atoi(form[questionRowsField])
	if err != nil || n < 0 {
		return 0, false
	}
	return min(n, activities.MaxQuestions+1), true
}

// readQuestionRows adds the posted question rows to form, each trimmed
// (the options' lines are kept as typed, each trimmed when read).
func readQuestionRows(c *fiber.Ctx, form map[string]string) {
	form[questionRowsField] = strings.TrimSpace(c.FormValue(questionRowsField))
	n, ok := questionRowCount(form)
	if !ok {
		delete(form, questionRowsField)
		return
	}
	for row := range n {
		for _, name := range questionRowNames() {
			k := questionRowField(row, name)
			form[k] = strings.TrimSpace(c.FormValue(k))
		}
	}
}

// questionRowsOf fills form with a's questions, a row each, and one empty row.
func questionRowsOf(a *activities.Activity, form map[string]string) {
	for row, q := range a.Questions {
		f := func(name, v string) { form[questionRowField(row, name)] = v }
		f("id", q.Key)
		f("kind", q.Kind)
		for lang, v := range q.Label {
			f("label_"+lang, v)
		}
		f("options", optionsText(q.Options))
		if q.Required {
			f("required", "yes")
		}
		if q.Sealed {
			f("sealed", "yes")
		}
		f("retain_days", strconv.Itoa(q.RetainDays))
		if c := q.ShowIf; c != nil {
			f("show_if_question", c.Question)
			var b bool
			var s string
			switch {
			case json.Unmarshal(c.Equals, &b) == nil:
				f("show_if_value", yesNoWord(b))
			case json.Unmarshal(c.Equals, &s) == nil:
				f("show_if_value", s)
			}
		}
	}
	form[questionRowsField] = strconv.Itoa(len(a.Questions) + 1)
}

func yesNoWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// optionsText writes options as the form's textarea holds them.
func optionsText(opts activities.Options) string {
	lines := make([]string, len(opts))
	for i, o := range opts {
		parts := []string{o.Value}
		for _, lang := range i18n.Supported {
			parts = append(parts, o.Label[lang])
		}
		for len(parts) > 1 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
		lines[i] = strings.Join(parts, " "+optionSeparator+" ")
	}
	return strings.Join(lines, "\n")
}

// parseOptionsText reads the textarea of options: a line each, blank
// lines skipped, its value then its labels in the order of i18n.Supported.
func parseOptionsText(text string) activities.Options {
	var out activities.Options
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, optionSeparator)
		o := activities.Option{Value: strings.TrimSpace(parts[0]), Label: activities.Labels{}}
		for i, lang := range i18n.Supported {
			if i+1 < len(parts) {
				if v := strings.TrimSpace(parts[i+1]); v != "" {
					o.Label[lang] = v
				}
			}
		}
		out = append(out, o)
	}
	return out
}

// questionRowEmpty reports whether row holds nothing to save: no id, no
// label, no option.
func questionRowEmpty(form map[string]string, row int) bool {
	for _, name := range questionRowNames() {
		if (name == "id" || name == "options" || strings.HasPrefix(name, "label_")) && form[questionRowField(row, name)] != "" {
			return false
		}
	}
	return true
}

// parseQuestionRows makes the questions of the form's rows, nil when the
// form has no question rows. rows[i] is the form row of the i-th question,
// to put the store's messages (questions.<i>.<field>) beside their row. A
// value that does not parse is reported on its row's field and left out.
func parseQuestionRows(form map[string]string, f apperr.Fields) (*[]activities.QuestionInput, []int) {
	n, ok := questionRowCount(form)
	if !ok {
		return nil, nil
	}
	var rows []int
	kinds := map[string]string{} // a kept row's id → its kind, for show_if
	for row := range n {
		if form[questionRowField(row, "remove")] == "yes" || questionRowEmpty(form, row) {
			continue
		}
		rows = append(rows, row)
		kinds[form[questionRowField(row, "id")]] = form[questionRowField(row, "kind")]
	}
	qs := make([]activities.QuestionInput, 0, len(rows))
	for _, row := range rows {
		v := func(name string) string { return form[questionRowField(row, name)] }
		q := activities.QuestionInput{Key: v("id"), Kind: v("kind"), Label: activities.Labels{},
			Options: parseOptionsText(v("options")), Required: v("required") == "yes", Sealed: v("sealed") == "yes"}
		for _, lang := range i18n.Supported {
			if l := v("label_" + lang); l != "" {
				q.Label[lang] = l
			}
		}
		if d := v("retain_days"); d != "" {
			if days, err := strconv.Atoi(d); err != nil {
				f.Add(questionRowField(row, "retain_days"), "error_question_retain_days", "Max", activities.MaxRetainDays)
			} else {
				q.RetainDays = &days
			}
		}
		if on := v("show_if_question"); on != "" {
			var equals any = v("show_if_value")
			if kinds[on] == activities.QuestionYesNo {
				switch strings.ToLower(v("show_if_value")) {
				case "yes":
					equals = true
				case "no":
					equals = false
				default:
					f.Add(questionRowField(row, "show_if"), "error_question_show_if_value")
				}
			}
			raw, _ := json.Marshal(equals)
			q.ShowIf = &activities.Condition{Question: on, Equals: raw}
		}
		qs = append(qs, q)
	}
	return &qs, rows
}

// questionErrorKey is the form's key of a store message about the
// questions: questions.<i>.<field> of the i-th question saved is that of
// its form row.
func questionErrorKey(key string, rows []int) string {
	rest, ok := strings.CutPrefix(key, "questions.")
	if !ok {
		return key
	}
	idx, field, ok := strings.Cut(rest, ".")
	i, err := strconv.Atoi(idx)
	if !ok || err != nil || i < 0 || i >= len(rows) {
		return key
	}
	return questionRowField(rows[i], field)
}

// questionFormRow is one question row of the form.
type questionFormRow struct {
	N       int // the row, from 0
	Number  int // the row as people count, from 1
	Kinds   []option
	ShowIfs []option // the other rows' ids a question may depend on
}

// questionFormRows are the form's question rows, and their fields for the
// error summary.
func questionFormRows(p *request.Page, form map[string]string) []questionFormRow {
	n, ok := questionRowCount(form)
	if !ok {
		n = 1
	}
	var out []questionFormRow
	first := i18n.Supported[0]
	for row := range n {
		kind := form[questionRowField(row, "kind")]
		if kind == "" {
			kind = activities.QuestionText
		}
		r := questionFormRow{N: row, Number: row + 1, Kinds: options(activities.QuestionKinds, questionKindLabels, p, kind)}
		on := form[questionRowField(row, "show_if_question")]
		r.ShowIfs = []option{{Value: "", Label: p.L.T("question_show_if_always"), Selected: on == ""}}
		found := on == ""
		for other := range n {
			id := form[questionRowField(other, "id")]
			if other == row || id == "" {
				continue
			}
			r.ShowIfs = append(r.ShowIfs, option{Value: id, Label: id, Selected: id == on})
			found = found || id == on
		}
		if !found {
			r.ShowIfs = append(r.ShowIfs, option{Value: on, Label: on, Selected: true})
		}
		out = append(out, r)
		name := p.L.T("manage_question_n", "N", row+1)
		for _, f := range []struct{ key, label, target string }{
			{"id", "field_question_id", ""}, {"kind", "field_question_kind", ""},
			{"label", "field_question_label", "label_" + first}, {"options", "field_question_options", ""},
			{"show_if", "field_question_show_if", "show_if_question"}, {"retain_days", "field_question_retain_days", ""},
		} {
			target := ""
			if f.target != "" {
				target = "f-" + questionRowField(row, f.target)
			}
			p.Fields = append(p.Fields, request.Field{Key: questionRowField(row, f.key), Label: name + " · " + p.L.T(f.label), Target: target})
		}
	}
	p.Fields = append(p.Fields, request.Field{Key: "questions", Label: p.L.T("manage_questions"), Target: "f-" + questionRowField(0, "id")})
	return out
}
