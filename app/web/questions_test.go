package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/activities"
)

// A camp's questions through the real form: rendered without JavaScript, a
// follow-up with its hint, refused in the reader's language on answer_<id>,
// carried through the email step, stored at the tap, listed by the API
// (sealed for coordinators) and never written into the email.
func TestQuestionsThroughTheForm(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("hills", 5)
		qs := []activities.QuestionInput{
			{Key: "diet", Kind: activities.QuestionChoice, Label: activities.Labels{"en": "Food", "fr": "Repas"},
				Options: activities.Options{{Value: "vegetarian", Label: activities.Labels{"en": "Vegetarian", "fr": "Végétarien"}}, {Value: "halal"}}},
			{Key: "meds", Kind: activities.QuestionYesNo, Label: activities.Labels{"en": "Medication?", "fr": "Un traitement ?"}},
			{Key: "meds_which", Kind: activities.QuestionLongText, Label: activities.Labels{"en": "Which?", "fr": "Lequel ?"}, Required: true, Sealed: true,
				ShowIf: &activities.Condition{Question: "meds", Equals: json.RawMessage(`true`)}},
			{Key: "arrival", Kind: activities.QuestionDate, Label: activities.Labels{"en": "Arrival"}},
		}
		if _, err := e.srv.Activities.Update(context.Background(), 0, a.ID, activities.Input{Questions: &qs}); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		page := c.get("/activities/hills/register?lang=fr")
		for _, want := range []string{`<legend>Repas</legend>`, `type="radio" name="answer_diet" value="vegetarian"`, "Végétarien",
			`type="radio" name="answer_meds" value="yes"`, `<textarea id="f-answer_meds_which" name="answer_meds_which"`,
			`type="date"`, "Seulement si vous avez répondu « Oui » à « Un traitement ? » ci-dessus."} {
			if !strings.Contains(text(page), want) && !strings.Contains(page.Body, want) {
				t.Fatalf("the form lacks %q:\n%s", want, page.Body)
			}
		}
		if strings.Contains(page.Body, "<script") {
			t.Fatal("the form needs JavaScript")
		}
		form := registrationForm("amina@example.org", "urban")
		form.Set("answer_meds", "yes")
		form.Set("answer_diet", "halal")
		res := c.postForm("/activities/hills/register?lang=fr", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-answer_meds_which"`) ||
			!strings.Contains(text(res), e.msg("fr", "error_required")) || !strings.Contains(res.Body, `href="#f-answer_meds_which"`) {
			t.Fatalf("a required follow-up left out: %d %s", res.StatusCode, res.Body)
		}
		form.Set("answer_meds_which", "inhaler-4412")
		res = c.postForm("/activities/hills/register?lang=fr", form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the form: %d %s", res.StatusCode, res.Body)
		}
		if n := e.rows("registration_answers"); n != 0 {
			t.Fatalf("%d answers before the tap", n)
		}
		mail := e.lastMail("amina@example.org")
		if strings.Contains(mail.Text, "inhaler-4412") || strings.Contains(mail.Text, "halal") {
			t.Fatal("an answer in the email")
		}
		link := mail.Link(t, "/v/")
		c.get(link)
		res = c.postForm(link, url.Values{})
		manage := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(manage, "/r/") {
			t.Fatalf("the tap: %d %s", res.StatusCode, res.Body)
		}
		if n := e.rows("registration_answers"); n != 3 {
			t.Fatalf("%d answers after the tap, want 3", n)
		}
		if p := c.get(manage); !strings.Contains(p.Body, `class="note answers-purge"`) {
			t.Fatalf("the registration's page does not say when the answers go: %s", p.Body)
		}

		staff, tok := apiStaff(e)
		var list struct {
			Items []struct {
				Answers map[string]json.RawMessage `json:"answers"`
			} `json:"items"`
		}
		apiJSON(t, staff.api("GET", "/api/v1/activities/"+itoa(a.ID)+"/registrations?answers=true", tok, ""), http.StatusOK, &list)
		if len(list.Items) != 1 || string(list.Items[0].Answers["meds_which"]) != `"inhaler-4412"` || string(list.Items[0].Answers["diet"]) != `"halal"` {
			t.Fatalf("answers listed: %+v", list)
		}
		res = staff.api("POST", "/api/v1/activities/"+itoa(a.ID)+"/registrations", tok,
			`{"person":{"given_name":"B","family_name":"C","email":"b@example.org","birth_year":2006,"region":"MN-057","locality":"rural"},
			  "consent":true,"answers":{"diet":"vegan","meds":{"x":1}}}`)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"answer_meds"`) {
			t.Fatalf("a malformed answer: %d %s", res.StatusCode, res.Body)
		}
		res = staff.api("POST", "/api/v1/activities/"+itoa(a.ID)+"/registrations", tok,
			`{"person":{"given_name":"B","family_name":"C","email":"b@example.org","birth_year":2006,"region":"MN-057","locality":"rural"},
			  "consent":true,"answers":{"diet":"vegan"}}`)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"answer_diet"`) {
			t.Fatalf("an option not offered: %d %s", res.StatusCode, res.Body)
		}
	})
}
