package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/path"
)

// TestPathCountsSurveysAnswered: two people each answer a survey that is
// not anonymous (the WHO-5 before) and an anonymous one (the feedback),
// with opposite answers. Each path counts 2 surveys, in the API and on
// the account; the two paths are the same, byte for byte, and neither
// shows an answer: the count says whether, never what.
func TestPathCountsSurveysAnswered(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		act, regs := surveyActivity(t, c, tok, 2, "en", nil)
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/surveys", act.ID), tok, `{"kind": "wellbeing_pre", "anonymous": false}`), http.StatusCreated, nil)
		e.inviteDue(2)
		answer := func(addr string, vals url.Values) {
			t.Helper()
			link := e.surveyLink(addr)
			person := e.client()
			person.get(link)
			if r := person.postForm(link, vals); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s answers: %d %s", addr, r.StatusCode, r.Body)
			}
		}
		who5 := func(v string) url.Values {
			return url.Values{"who5_1": {v}, "who5_2": {v}, "who5_3": {v}, "who5_4": {v}, "who5_5": {v}}
		}
		answer("person1@example.org", who5("0"))
		answer("person2@example.org", who5("5"))

		e.endInThePast(act.ID)
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/attendance", act.ID), tok,
			fmt.Sprintf(`{"attended": [%d, %d]}`, regs[0], regs[1])), http.StatusOK, nil)
		apiJSON(t, c.api("POST", apiPath("/api/v1/activities/%d/surveys", act.ID), tok, `{"kind": "feedback"}`), http.StatusCreated, nil)
		e.inviteDue(2)
		texts := []string{"The breathing exercises helped", "Nothing did, longer breaks"}
		answer("person1@example.org", url.Values{"rating": {"1"}, "helped": {texts[0]}})
		answer("person2@example.org", url.Values{"rating": {"5"}, "change": {texts[1]}})
		var anonymous, named int64
		e.db.Model(&path.Response{}).Where("registration_id IS NULL").Count(&anonymous)
		e.db.Model(&path.Response{}).Where("registration_id IS NOT NULL").Count(&named)
		if anonymous != 2 || named != 2 {
			t.Fatalf("%d anonymous and %d named responses, want 2 and 2", anonymous, named)
		}

		var bodies []string
		for _, addr := range []string{"person1@example.org", "person2@example.org"} {
			res := c.api("GET", apiPath("/api/v1/people/%d/path", e.personOf(addr)), tok, "")
			apiJSON(t, res, http.StatusOK, nil)
			if !strings.HasSuffix(strings.TrimSpace(res.Body), `"surveys":2}`) {
				t.Fatalf("%s's path: %s", addr, res.Body)
			}
			bodies = append(bodies, res.Body)
		}
		if bodies[0] != bodies[1] {
			t.Fatalf("opposite answers, different paths:\n%s\n%s", bodies[0], bodies[1])
		}

		// Her account, linked to her record: the same count, no answer.
		u := e.user("person1.own@example.org", access.Participant)
		if err := e.db.Table("users").Where("id = ?", u.ID).Update("person_id", e.personOf("person1@example.org")).Error; err != nil {
			t.Fatal(err)
		}
		if res := c.api("GET", "/api/v1/me/path", e.token("person1.own@example.org"), ""); res.Body != bodies[0] {
			t.Fatalf("me/path %s, want %s", res.Body, bodies[0])
		}
		own := e.client()
		own.login("person1.own@example.org")
		page := text(own.get("/account"))
		if !strings.Contains(between(page, `id="path"`, "</section>"), `id="path-surveys">2<`) {
			t.Fatalf("the account's path: %s", between(page, `id="path"`, "</section>"))
		}
		for _, answer := range append(texts, e.msg("en", "survey_rating_1"), e.msg("en", "who5_scale_0")) {
			if strings.Contains(page, answer) || strings.Contains(bodies[0], answer) {
				t.Errorf("the path shows the answer %q", answer)
			}
		}
	})
}
