package web

import (
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
)

// storedQuestions reads the questions of activity id in order.
func (e *env) storedQuestions(id int64) []activities.Question {
	e.t.Helper()
	var qs []activities.Question
	if err := e.db.Where("activity_id = ?", id).Order("position").Find(&qs).Error; err != nil {
		e.t.Fatal(err)
	}
	return qs
}

// An activity's questions through the staff form, without JavaScript: two
// questions and a show_if created with the activity, edited (a row added
// through the empty row, a label changed), one removed by its checkbox; a
// refusal reaches the error summary on questions.<row>.<field>.
func TestQuestionsThroughTheStaffForm(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.staffClient("coord@example.org", access.Coordinator)
		form := c.get("/manage/activities/new")
		for _, want := range []string{`name="question_rows" value="1"`, `<select id="f-questions.0.kind" name="questions.0.kind">`,
			`name="questions.0.label_mn"`, `<textarea id="f-questions.0.options" name="questions.0.options"`,
			`name="questions.0.show_if_question"`, `name="questions.0.sealed" value="yes"`, `name="questions.0.retain_days"`} {
			if !strings.Contains(form.Body, want) {
				t.Fatalf("the new form lacks %q", want)
			}
		}
		if strings.Contains(form.Body, "<script") {
			t.Fatal("the form needs JavaScript")
		}
		vals := activityFormValues()
		vals.Set("question_rows", "3")
		vals.Set("questions.0.id", "diet")
		vals.Set("questions.0.kind", "choice")
		vals.Set("questions.0.label_en", "Food")
		vals.Set("questions.0.label_fr", "Repas")
		vals.Set("questions.0.options", "veg | Vegetarian | Végétarien\r\nhalal\n\n")
		vals.Set("questions.0.required", "yes")
		vals.Set("questions.1.id", "meds")
		vals.Set("questions.1.kind", "yes_no")
		vals.Set("questions.1.label_en", "Medication?")
		vals.Set("questions.1.retain_days", "10")
		// Row 2 is the empty row: a kind and nothing else, not saved.
		vals.Set("questions.2.kind", "text")
		res := c.postForm("/manage/activities", vals)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		var a activities.Activity
		if err := e.db.Preload("Translations").Preload("Quotas").Take(&a).Error; err != nil {
			t.Fatal(err)
		}
		qs := e.storedQuestions(a.ID)
		if len(qs) != 2 || qs[0].Key != "diet" || !qs[0].Required || len(qs[0].Options) != 2 || qs[0].Options[0].Label["fr"] != "Végétarien" ||
			qs[0].Options[1].Value != "halal" || len(qs[0].Options[1].Label) != 0 || qs[0].RetainDays != activities.DefaultRetainDays ||
			qs[1].Kind != activities.QuestionYesNo || qs[1].RetainDays != 10 || qs[1].Sealed {
			t.Fatalf("stored: %+v", qs)
		}

		// The edit form: a row per question and an empty one.
		edit := c.get(fmt.Sprintf("/manage/activities/%d/edit", a.ID))
		for _, want := range []string{`name="question_rows" value="3"`, `id="f-questions.0.id" name="questions.0.id" type="text" value="diet"`,
			html.EscapeString("veg | Vegetarian | Végétarien") + "\nhalal</textarea>", `id="f-questions.1.remove"`, `id="f-questions.2.id" name="questions.2.id" type="text" value=""`} {
			if !strings.Contains(edit.Body, want) {
				t.Fatalf("the edit form lacks %q:\n%s", want, edit.Body)
			}
		}
		if strings.Contains(edit.Body, `id="f-questions.2.remove"`) {
			t.Error("the empty row offers to remove itself")
		}
		vals = formOf(&a)
		for k, v := range map[string]string{"question_rows": "3",
			"questions.0.id": "diet", "questions.0.kind": "choice", "questions.0.label_en": "Food", "questions.0.options": "veg | Vegetarian\nhalal",
			"questions.1.id": "meds", "questions.1.kind": "yes_no", "questions.1.label_en": "Any medication?",
			"questions.2.id": "meds_which", "questions.2.kind": "long_text", "questions.2.label_en": "Which?", "questions.2.sealed": "yes",
			"questions.2.show_if_question": "meds", "questions.2.show_if_value": "yes"} {
			vals.Set(k, v)
		}
		if res := c.postForm(fmt.Sprintf("/manage/activities/%d", a.ID), vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", res.StatusCode, res.Body)
		}
		qs = e.storedQuestions(a.ID)
		if len(qs) != 3 || qs[1].Label["en"] != "Any medication?" || qs[2].ShowIf == nil || qs[2].ShowIf.Question != "meds" ||
			string(qs[2].ShowIf.Equals) != "true" || !qs[2].Sealed || qs[0].Required {
			t.Fatalf("edited: %+v", qs)
		}
		a.Questions = qs
		edit = c.get(fmt.Sprintf("/manage/activities/%d/edit", a.ID))
		if !strings.Contains(edit.Body, `name="question_rows" value="4"`) || !strings.Contains(edit.Body, `<option value="meds" selected>meds</option>`) ||
			!strings.Contains(edit.Body, `id="f-questions.2.show_if_value" name="questions.2.show_if_value" type="text" value="yes"`) {
			t.Fatalf("the edit form after saving:\n%s", edit.Body)
		}

		// A refusal: a show_if on a later question and an id taken; the
		// questions stay as they were.
		vals = formOf(&a)
		vals.Set("questions.0.show_if_question", "meds")
		vals.Set("questions.0.show_if_value", "maybe")
		vals.Set("questions.3.id", "diet")
		vals.Set("questions.3.label_en", "Again")
		res = c.postForm(fmt.Sprintf("/manage/activities/%d", a.ID), vals)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("refusal: %d", res.StatusCode)
		}
		summary, _, _ := strings.Cut(res.Body[strings.Index(res.Body, `id="error-summary"`):], "</div>")
		for _, want := range []string{`href="#f-questions.0.show_if_question"`, html.EscapeString(e.msg("en", "error_question_show_if_value")),
			`href="#f-questions.3.id"`, html.EscapeString(e.msg("en", "error_question_id_taken"))} {
			if !strings.Contains(summary, want) {
				t.Errorf("the summary lacks %q:\n%s", want, summary)
			}
		}
		if !strings.Contains(res.Body, fieldError("questions.3.id", e.msg("en", "error_question_id_taken"))) {
			t.Error("the message is not beside its row")
		}
		if len(e.storedQuestions(a.ID)) != 3 {
			t.Fatal("a refused form changed the questions")
		}

		// Removing the first question by its checkbox.
		vals = formOf(&a)
		vals.Set("questions.0.remove", "yes")
		if res := c.postForm(fmt.Sprintf("/manage/activities/%d", a.ID), vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d %s", res.StatusCode, res.Body)
		}
		if qs = e.storedQuestions(a.ID); len(qs) != 2 || qs[0].Key != "meds" || qs[1].Key != "meds_which" || qs[1].ShowIf == nil {
			t.Fatalf("after removing: %+v", qs)
		}
		// A form without question rows leaves the questions alone.
		vals = formOf(&a)
		for k := range vals {
			if strings.HasPrefix(k, "question") {
				vals.Del(k)
			}
		}
		if res := c.postForm(fmt.Sprintf("/manage/activities/%d", a.ID), vals); res.StatusCode != http.StatusSeeOther || len(e.storedQuestions(a.ID)) != 2 {
			t.Fatalf("a form without questions: %d", res.StatusCode)
		}
	})
}
