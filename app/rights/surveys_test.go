package rights_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/locales"
	"gorm.io/gorm"
)

var surveyToken = regexp.MustCompile(`/s/([A-Za-z0-9_-]{43})`)

// surveyTokens are the tokens of the survey invitations queued to addr,
// in the order they were queued.
func surveyTokens(t *testing.T, db *gorm.DB, addr string) []string {
	t.Helper()
	var ms []outbox.Message
	if err := db.Where("kind = ? AND to_address = ?", path.KindSurveyInvitation, addr).Order("id").Find(&ms).Error; err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		if found := surveyToken.FindStringSubmatch(m.Body); found != nil {
			out = append(out, found[1])
		}
	}
	return out
}

// surveyRows is every row of a survey's responses and answers, as the
// database holds them.
type surveyRows struct {
	Responses []map[string]any
	Answers   []map[string]any
}

func readSurveyRows(t *testing.T, db *gorm.DB, surveyID int64) surveyRows {
	t.Helper()
	var out surveyRows
	if err := db.Raw("SELECT * FROM survey_responses WHERE survey_id = ? ORDER BY id", surveyID).Scan(&out.Responses).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Raw(`SELECT a.* FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
WHERE r.survey_id = ? ORDER BY a.response_id, a.question`, surveyID).Scan(&out.Answers).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSurveysExportedAndErased: a person's export lists the surveys they
// were invited to, with their answers to the one that is not anonymous and
// none to the anonymous one; their erasure deletes their invitations and
// their named response, and leaves every row of the anonymous survey's
// responses exactly as it was.
func TestSurveysExportedAndErased(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		cat, err := i18n.Load(locales.FS, "en", nil)
		if err != nil {
			t.Fatal(err)
		}
		surveys := path.NewSurveys(db, cat, "http://gotong.test", 5, func() time.Time { return time.Now().UTC().Add(f.ahead) })
		staff := access.Viewer{Staff: true}
		anonymous, named := f.camp("quiet", 10, 48*time.Hour), f.camp("open", 10, 48*time.Hour)
		var anonSurvey, namedSurvey *path.Survey
		for _, a := range []struct {
			id   int64
			anon bool
			into **path.Survey
		}{{anonymous.ID, true, &anonSurvey}, {named.ID, false, &namedSurvey}} {
			sv, err := surveys.Create(ctx, staff, a.id, path.SurveyInput{Kind: path.SurveyWellbeingPre, Anonymous: &a.anon})
			if err != nil {
				t.Fatal(err)
			}
			*a.into = sv
		}
		for _, who := range []struct{ given, email string }{{"Saraa", "saraa@example.org"}, {"Bold", "bold@example.org"}} {
			f.register(anonymous, who.given, who.email, people.Sensitive{})
			f.register(named, who.given, who.email, people.Sensitive{})
		}
		if n, err := surveys.InviteDue(ctx); err != nil || n != 4 {
			t.Fatalf("invited %d: %v", n, err)
		}
		answers := map[string]string{"who5_1": "1", "who5_2": "2", "who5_3": "3", "who5_4": "4", "who5_5": "5"}
		var saraa []string
		for _, addr := range []string{"saraa@example.org", "bold@example.org"} {
			tokens := surveyTokens(t, db, addr)
			if len(tokens) != 2 {
				t.Fatalf("%d invitations to %s", len(tokens), addr)
			}
			for _, tok := range tokens {
				if _, err := surveys.Respond(ctx, tok, answers); err != nil {
					t.Fatal(err)
				}
			}
			if addr == "saraa@example.org" {
				saraa = tokens
			}
		}
		personID := f.personID("saraa@example.org")

		x, err := f.rights.Export(ctx, personID)
		if err != nil {
			t.Fatal(err)
		}
		if len(x.Surveys) != 2 {
			t.Fatalf("exported surveys %+v", x.Surveys)
		}
		for _, s := range x.Surveys {
			switch s.SurveyID {
			case anonSurvey.ID:
				if !s.Anonymous || !s.Answered || s.Answers != nil || s.ActivityID != anonymous.ID || s.Kind != path.SurveyWellbeingPre ||
					s.ActivityTitle["mn"] != "Зуслан quiet" || s.InvitedAt.IsZero() {
					t.Errorf("the anonymous survey exported as %+v", s)
				}
			case namedSurvey.ID:
				if s.Anonymous || !s.Answered || len(s.Answers) != 5 || s.Answers[0].Question != "who5_1" || *s.Answers[0].Value != 1 ||
					s.Answers[4].Question != "who5_5" || *s.Answers[4].Value != 5 {
					t.Errorf("the named survey exported as %+v", s)
				}
			default:
				t.Errorf("exported survey %+v", s)
			}
		}
		b, _ := json.Marshal(x.Surveys)
		var raw []map[string]json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		for _, s := range raw {
			if string(s["anonymous"]) == "true" && string(s["answers"]) != "null" {
				t.Errorf("an anonymous survey exported with answers %s", s["answers"])
			}
		}

		before := readSurveyRows(t, db, anonSurvey.ID)
		if len(before.Responses) != 2 || len(before.Answers) != 10 {
			t.Fatalf("the anonymous survey holds %d responses, %d answers", len(before.Responses), len(before.Answers))
		}
		out, err := f.rights.Erase(ctx, 0, personID)
		if err != nil {
			t.Fatal(err)
		}
		if out.SurveyInvitationsDeleted != 2 || out.SurveyResponsesDeleted != 1 {
			t.Errorf("erasure %+v", out)
		}
		if after := readSurveyRows(t, db, anonSurvey.ID); !reflect.DeepEqual(after, before) {
			t.Errorf("the anonymous survey's rows changed:\nbefore %v\nafter  %v", before, after)
		}
		if n := f.count("SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?", namedSurvey.ID); n != 1 {
			t.Errorf("%d named responses left, want Bold's", n)
		}
		if n := f.count("SELECT COUNT(*) FROM survey_invitations"); n != 2 {
			t.Errorf("%d invitations left, want Bold's two", n)
		}
		for _, tok := range saraa {
			if _, err := surveys.Invited(ctx, tok); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("an erased person's link: %v", err)
			}
		}
		// Nobody erased is invited again.
		if n, err := surveys.InviteDue(ctx); err != nil || n != 0 {
			t.Errorf("invited %d after the erasure: %v", n, err)
		}
	})
}
