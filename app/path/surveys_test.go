package path_test

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/changes"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/submissions"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/locales"
	"gorm.io/gorm"
)

var staff = access.Viewer{UserID: 0, Staff: true}

// fixture is the stores over one test database, all on one clock that a
// test moves.
type fixture struct {
	t       *testing.T
	db      *gorm.DB
	cat     *i18n.Catalog
	regs    *registration.Service
	acts    *activities.Store
	surveys *path.Surveys
	base    time.Time // when the test began
	mu      sync.Mutex
	at      time.Time // the clock's time
}

func newFixture(t *testing.T, db *gorm.DB) *fixture {
	t.Helper()
	sealer, err := people.NewSealer(keys.Derive([]byte("0123456789abcdef0123456789abcdef")).Seal)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load(locales.FS, "en", nil)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Now().UTC().Truncate(time.Second)
	f := &fixture{t: t, db: db, cat: cat, base: base, at: base}
	now := func() time.Time {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.at
	}
	ps := people.NewStore(db, sealer, now)
	gens := new(changes.Generations)
	f.regs = registration.NewService(db, ps, submissions.NewStore(db, sealer, now), activities.NewCache(db, &gens.Activities), cat, "http://gotong.test", gens, now,
		registration.Rules{GuardianAge: 18, GuardianDays: 7})
	f.acts = activities.NewStore(db, f.regs, gens, now, "UTC")
	f.surveys = path.NewSurveys(db, cat, "http://gotong.test", 5, now)
	return f
}

// set moves the clock to the test's start plus d.
func (f *fixture) set(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.at = f.base.Add(d)
}

func ptr[T any](v T) *T { return &v }

// activity publishes a workshop that starts in a day and lasts two, open
// for registration now, changed by mod.
func (f *fixture) activity(slug string, mod func(in *activities.Input)) *activities.Activity {
	f.t.Helper()
	starts := f.base.Add(24 * time.Hour)
	in := activities.Input{Slug: ptr(slug), Kind: ptr(activities.KindWellbeing), Capacity: ptr(20), Region: ptr("MN-057"),
		Venue: ptr("Youth centre, Uliastai"), StartsAt: ptr(starts), EndsAt: ptr(starts.Add(48 * time.Hour)),
		RegistrationOpensAt: ptr(f.base.Add(-time.Hour)), RegistrationClosesAt: ptr(starts),
		Title: map[string]string{"en": "Resilience and well-being " + slug, "fr": "Résilience et bien-être " + slug,
			"mn": "Тэсвэр тэвчээр " + slug}}
	if mod != nil {
		mod(&in)
	}
	ctx := context.Background()
	a, err := f.acts.Create(ctx, 0, in)
	if err != nil {
		f.t.Fatal(err)
	}
	if a, err = f.acts.SetStatus(ctx, 0, a.ID, activities.StatusPublished); err != nil {
		f.t.Fatal(err)
	}
	return a
}

// register places given at a, in locale.
func (f *fixture) register(a *activities.Activity, given, locale string) *registration.Placed {
	f.t.Helper()
	r, err := f.regs.Register(context.Background(), a, registration.Request{Consent: true, Person: people.Declared{
		GivenName: given, FamilyName: "Tester", Email: strings.ToLower(given) + "@example.org", BirthYear: f.base.Year() - 22,
		Region: "MN-057", Locality: people.Rural, Locale: locale}})
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// mark records whether registration r came; the clock must be past the start.
func (f *fixture) mark(r *registration.Placed, came bool) {
	f.t.Helper()
	if _, err := f.regs.SetAttendance(context.Background(), staff, r.ID, came); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) survey(a *activities.Activity, kind string, anonymous bool) *path.Survey {
	f.t.Helper()
	sv, err := f.surveys.Create(context.Background(), staff, a.ID, path.SurveyInput{Kind: kind, Anonymous: &anonymous})
	if err != nil {
		f.t.Fatal(err)
	}
	return sv
}

// invite runs InviteDue and fails the test unless it invited want.
func (f *fixture) invite(want int) {
	f.t.Helper()
	n, err := f.surveys.InviteDue(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	if n != want {
		f.t.Fatalf("InviteDue invited %d, want %d", n, want)
	}
}

// invited is the invitations' emails queued, by address.
func (f *fixture) invited() map[string]outbox.Message {
	f.t.Helper()
	var ms []outbox.Message
	if err := f.db.Where("kind = ?", path.KindSurveyInvitation).Find(&ms).Error; err != nil {
		f.t.Fatal(err)
	}
	out := map[string]outbox.Message{}
	for _, m := range ms {
		if _, twice := out[m.ToAddress]; twice {
			f.t.Errorf("%s invited twice", m.ToAddress)
		}
		out[m.ToAddress] = m
	}
	return out
}

var surveyLink = regexp.MustCompile(`http://gotong\.test/s/([A-Za-z0-9_-]+)`)

// token is the token of the link in the invitation to addr.
func (f *fixture) token(addr string) string {
	f.t.Helper()
	m, ok := f.invited()[addr]
	if !ok {
		f.t.Fatalf("no invitation to %s", addr)
	}
	found := surveyLink.FindStringSubmatch(m.Body)
	if found == nil {
		f.t.Fatalf("no link in %q", m.Body)
	}
	return found[1]
}

func (f *fixture) count(q string, args ...any) int64 {
	f.t.Helper()
	var n int64
	if err := f.db.Raw(q, args...).Scan(&n).Error; err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func keysOf(m map[string]outbox.Message) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

var feedback = map[string]string{"rating": "4", "helped": "The breathing exercises", "change": "Longer breaks"}

// TestFeedbackToAttendeesOnceEnded: the feedback goes to those marked as
// having come, once the activity has ended; never to those absent or not
// marked, nor before the end.
func TestFeedbackToAttendeesOnceEnded(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		a := f.activity("feedback", nil)
		came, absent := f.register(a, "Saraa", "mn"), f.register(a, "Bold", "mn")
		f.register(a, "Nomin", "mn") // never marked
		f.survey(a, path.SurveyFeedback, true)
		f.invite(0)
		f.set(30 * time.Hour) // the activity is under way
		f.mark(came, true)
		f.mark(absent, false)
		f.invite(0)
		f.set(72*time.Hour - time.Second)
		f.invite(0)
		f.set(72 * time.Hour) // it ends
		f.invite(1)
		if got := keysOf(f.invited()); !slices.Equal(got, []string{"saraa@example.org"}) {
			t.Fatalf("invited %v", got)
		}
		f.invite(0)
	})
}

// TestInvitedOnce: running the job again, or on two nodes at once, invites
// each registration once, with one email.
func TestInvitedOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		a := f.activity("once", nil)
		var regs []*registration.Placed
		for _, name := range []string{"Anu", "Bat", "Chimeg", "Dulmaa", "Enkh", "Ganaa"} {
			regs = append(regs, f.register(a, name, "mn"))
		}
		f.survey(a, path.SurveyWellbeingPre, true)
		f.invite(6)
		f.invite(0)

		f.survey(a, path.SurveyFeedback, true)
		f.set(30 * time.Hour)
		for _, r := range regs {
			f.mark(r, true)
		}
		f.set(80 * time.Hour)
		var wg sync.WaitGroup
		counts := make([]int, 4)
		for i := range counts {
			wg.Go(func() {
				n, err := f.surveys.InviteDue(context.Background())
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			})
		}
		wg.Wait()
		total := 0
		for _, n := range counts {
			total += n
		}
		if total != 6 {
			t.Fatalf("four nodes at once invited %v, %d in all; want 6", counts, total)
		}
		if n := f.count("SELECT COUNT(*) FROM survey_invitations"); n != 12 {
			t.Fatalf("%d invitations, want 12", n)
		}
		if n := f.count("SELECT COUNT(*) FROM outbox WHERE kind = ?", path.KindSurveyInvitation); n != 12 {
			t.Fatalf("%d emails, want 12", n)
		}
	})
}

// TestWellbeingTimes: the survey before the start goes to confirmed
// places whose guardian is not awaited, also when it is added after they
// registered, and no longer once the activity has started; the survey
// after goes to attendees PostDelay after the end, not a second sooner.
func TestWellbeingTimes(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		a := f.activity("times", func(in *activities.Input) { in.Capacity = ptr(2) })
		first, second := f.register(a, "Anu", "mn"), f.register(a, "Bat", "mn")
		if w := f.register(a, "Chimeg", "mn"); w.Status != string(registration.Waitlisted) {
			t.Fatalf("third registration %s, want waitlisted", w.Status)
		}
		f.survey(a, path.SurveyWellbeingPre, true)
		f.survey(a, path.SurveyWellbeingPost, true)
		f.invite(2)
		if got := keysOf(f.invited()); !slices.Equal(got, []string{"anu@example.org", "bat@example.org"}) {
			t.Fatalf("invited before the start %v", got)
		}
		if _, err := f.regs.Cancel(context.Background(), second.ID); err != nil {
			t.Fatal(err)
		}
		f.set(24*time.Hour - time.Minute)
		f.invite(1) // Chimeg took the seat before the start
		f.set(24 * time.Hour)
		f.mark(first, true)
		f.invite(0)
		end := 72 * time.Hour
		f.set(end + path.PostDelay - time.Second)
		f.invite(0)
		f.set(end + path.PostDelay)
		f.invite(1)
		if n := f.count("SELECT COUNT(*) FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id WHERE s.kind = ?",
			path.SurveyWellbeingPost); n != 1 {
			t.Fatalf("%d invited after, want 1", n)
		}
	})
}

// TestInvitationWording: an invitation is in the registrant's language,
// names the activity and says whether it is anonymous; a discreet
// activity's names neither the activity nor its place, in the subject or
// the body.
func TestInvitationWording(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		open := f.activity("open", nil)
		f.register(open, "Amelie", "fr")
		f.survey(open, path.SurveyWellbeingPre, false)
		secret := f.activity("secret", func(in *activities.Input) {
			in.Discreet = ptr(true)
			in.Title = map[string]string{"en": "LGBTI youth safe space", "mn": "ЛГБТИ залуучуудын аюулгүй орон зай"}
		})
		f.register(secret, "Tuya", "mn")
		f.survey(secret, path.SurveyWellbeingPre, true)
		f.invite(2)
		got := f.invited()

		fr := f.cat.Localizer("fr")
		m := got["amelie@example.org"]
		title := open.TextIn("fr", "en").Title
		if want := fr.T("survey_pre_subject", "Title", title); m.Subject != want || m.Locale != "fr" {
			t.Errorf("subject %q (%s), want %q", m.Subject, m.Locale, want)
		}
		for _, want := range []string{title, fr.T("survey_named_note"), fr.T("survey_pre_body")} {
			if !strings.Contains(m.Body, want) {
				t.Errorf("the French invitation lacks %q:\n%s", want, m.Body)
			}
		}

		mn := f.cat.Localizer("mn")
		m = got["tuya@example.org"]
		if want := mn.T("survey_discreet_subject"); m.Subject != want {
			t.Errorf("discreet subject %q, want %q", m.Subject, want)
		}
		for _, secretWord := range []string{"ЛГБТИ", "LGBTI", "Uliastai", "Улиастай", "Youth centre", secret.Slug} {
			if strings.Contains(m.Subject+m.Body, secretWord) {
				t.Errorf("the discreet invitation names %q:\n%s\n%s", secretWord, m.Subject, m.Body)
			}
		}
		if !strings.Contains(m.Body, mn.T("survey_anonymous_note")) || !strings.Contains(m.Body, secret.Span(mn)) {
			t.Errorf("the discreet invitation lacks its note or its dates:\n%s", m.Body)
		}
	})
}

// TestAnonymousResponseHoldsNoLink: the tables of responses hold no
// column that could name a person or date an answer, an anonymous
// response's row names no registration, and its id is no sequence. On
// PostgreSQL, the answered invitations all carry the transaction of the
// last response (xmin), so that none is paired with its response by it.
func TestAnonymousResponseHoldsNoLink(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		a := f.activity("anon", nil)
		for _, name := range []string{"Anu", "Bat", "Chimeg"} {
			f.register(a, name, "mn")
		}
		sv := f.survey(a, path.SurveyWellbeingPre, true)
		f.invite(3)
		who5 := map[string]string{"who5_1": "3", "who5_2": "4", "who5_3": "2", "who5_4": "5", "who5_5": "1"}
		for _, addr := range []string{"anu@example.org", "chimeg@example.org"} {
			if _, err := f.surveys.Respond(context.Background(), f.token(addr), who5); err != nil {
				t.Fatal(err)
			}
		}
		columns := func(table string) []string {
			cols, err := db.Migrator().ColumnTypes(table)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range cols {
				out = append(out, c.Name())
				if typ := strings.ToLower(c.DatabaseTypeName()); strings.Contains(typ, "time") || strings.Contains(typ, "date") {
					t.Errorf("%s.%s is of type %s: it could date an answer", table, c.Name(), typ)
				}
			}
			slices.Sort(out)
			return out
		}
		if got := columns("survey_responses"); !slices.Equal(got, []string{"id", "registration_id", "survey_id"}) {
			t.Errorf("survey_responses has columns %v", got)
		}
		if got := columns("survey_answers"); !slices.Equal(got, []string{"question", "response_id", "text", "value"}) {
			t.Errorf("survey_answers has columns %v", got)
		}
		var rows []path.Response
		if err := db.Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("%d responses, want 2", len(rows))
		}
		digits := regexp.MustCompile(`^[0-9]+$`)
		for _, r := range rows {
			if r.RegistrationID != nil || r.SurveyID != sv.ID || len(r.ID) < 22 || digits.MatchString(r.ID) {
				t.Errorf("anonymous response %+v", r)
			}
		}
		if n := f.count("SELECT COUNT(*) FROM survey_invitations WHERE answered = ?", true); n != 2 {
			t.Fatalf("%d invitations answered, want 2", n)
		}
		if database.Dialect(db) == database.Postgres {
			var xmins []string
			if err := db.Raw("SELECT DISTINCT xmin::text FROM survey_invitations WHERE answered").Scan(&xmins).Error; err != nil {
				t.Fatal(err)
			}
			var first []string
			if err := db.Raw("SELECT xmin::text FROM survey_responses").Scan(&first).Error; err != nil {
				t.Fatal(err)
			}
			if len(xmins) != 1 || len(first) != 2 {
				t.Fatalf("answered invitations written by %v, responses by %v", xmins, first)
			}
			matched := 0
			for _, x := range first {
				if x == xmins[0] {
					matched++
				}
			}
			if matched != 1 {
				t.Errorf("answered invitations written by %v, responses by %v: want the last response's only", xmins, first)
			}
		}
	})
}

// TestNamedResponseKeepsItsRegistration: a survey that is not anonymous
// keeps the registration with the response.
func TestNamedResponseKeepsItsRegistration(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		a := f.activity("named", nil)
		r := f.register(a, "Anu", "mn")
		f.survey(a, path.SurveyWellbeingPre, false)
		f.invite(1)
		inv, err := f.surveys.Respond(context.Background(), f.token("anu@example.org"),
			map[string]string{"who5_1": "0", "who5_2": "0", "who5_3": "0", "who5_4": "0", "who5_5": "5"})
		if err != nil || !inv.Answered {
			t.Fatalf("%+v, %v", inv, err)
		}
		var rows []path.Response
		db.Find(&rows)
		if len(rows) != 1 || rows[0].RegistrationID == nil || *rows[0].RegistrationID != r.ID {
			t.Fatalf("responses %+v, want one of registration %d", rows, r.ID)
		}
	})
}

// TestRespondOnce: an invitation records one response, whether the second
// comes after the first or at the same time; wrong answers record nothing
// and say what is wrong with each; a forged token finds nothing.
func TestRespondOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.activity("respond", nil)
		f.register(a, "Anu", "mn")
		f.register(a, "Bat", "mn")
		f.survey(a, path.SurveyFeedback, true)
		f.set(30 * time.Hour)
		var rows []registration.Registration
		if err := db.Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			f.mark(&registration.Placed{Registration: r}, true)
		}
		f.set(73 * time.Hour)
		f.invite(2)

		_, err := f.surveys.Respond(ctx, f.token("anu@example.org"), map[string]string{"rating": "6", "helped": "x"})
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Kind != apperr.Invalid || ae.Fields["rating"].ID != "error_survey_choose" {
			t.Fatalf("a rating of 6: %v", err)
		}
		_, err = f.surveys.Respond(ctx, f.token("anu@example.org"), map[string]string{"change": strings.Repeat("é", path.MaxText+1)})
		if !errors.As(err, &ae) || ae.Fields["rating"].ID != "error_required" || ae.Fields["change"].ID != "error_too_long" {
			t.Fatalf("no rating, a long text: %v", err)
		}
		if n := f.count("SELECT COUNT(*) FROM survey_responses") + f.count("SELECT COUNT(*) FROM survey_invitations WHERE answered = ?", true); n != 0 {
			t.Fatalf("refused answers wrote %d rows", n)
		}

		tok := f.token("anu@example.org")
		if _, err := f.surveys.Respond(ctx, tok, feedback); err != nil {
			t.Fatal(err)
		}
		if _, err := f.surveys.Respond(ctx, tok, feedback); !errors.Is(err, path.ErrAnswered) {
			t.Fatalf("a second response: %v", err)
		}
		inv, err := f.surveys.Invited(ctx, tok)
		if err != nil || !inv.Answered {
			t.Fatalf("the invitation after its response: %+v, %v", inv, err)
		}

		tok = f.token("bat@example.org")
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Go(func() { _, errs[i] = f.surveys.Respond(ctx, tok, feedback) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, path.ErrAnswered):
				t.Errorf("a response at the same time: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d of six responses at once were recorded, want 1", ok)
		}
		if n := f.count("SELECT COUNT(*) FROM survey_responses"); n != 2 {
			t.Fatalf("%d responses, want 2", n)
		}
		if n := f.count("SELECT COUNT(*) FROM survey_answers"); n != 6 {
			t.Fatalf("%d answers, want 6", n)
		}

		forged := []byte(tok)
		forged[0] ^= 1
		for _, bad := range []string{string(forged), "", "short", url.PathEscape("../" + tok)} {
			if _, err := f.surveys.Invited(ctx, bad); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("token %q: %v", bad, err)
			}
			if _, err := f.surveys.Respond(ctx, bad, feedback); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("response with token %q: %v", bad, err)
			}
		}
	})
}

// TestCreateSurvey: one survey of a kind per activity, anonymous unless
// told, audited; an unknown kind, a cancelled activity and a survey
// before a start that has passed are refused.
func TestCreateSurvey(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.activity("create", nil)
		sv, err := f.surveys.Create(ctx, staff, a.ID, path.SurveyInput{Kind: path.SurveyFeedback})
		if err != nil || !sv.Anonymous {
			t.Fatalf("%+v, %v", sv, err)
		}
		if _, err := f.surveys.Create(ctx, staff, a.ID, path.SurveyInput{Kind: path.SurveyFeedback, Anonymous: ptr(false)}); !errors.Is(err, path.ErrSurveyExists) {
			t.Fatalf("a second feedback: %v", err)
		}
		var ae *apperr.Error
		if _, err := f.surveys.Create(ctx, staff, a.ID, path.SurveyInput{Kind: "poll"}); !errors.As(err, &ae) || ae.Fields["kind"].ID != "error_survey_kind" {
			t.Fatalf("kind poll: %v", err)
		}
		if _, err := f.surveys.Create(ctx, staff, a.ID+1000, path.SurveyInput{Kind: path.SurveyFeedback}); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("no such activity: %v", err)
		}
		f.set(24 * time.Hour)
		if _, err := f.surveys.Create(ctx, staff, a.ID, path.SurveyInput{Kind: path.SurveyWellbeingPre}); !errors.Is(err, path.ErrSurveyStarted) {
			t.Fatalf("before a start that has passed: %v", err)
		}
		named, err := f.surveys.Create(ctx, staff, a.ID, path.SurveyInput{Kind: path.SurveyWellbeingPost, Anonymous: ptr(false)})
		if err != nil || named.Anonymous {
			t.Fatalf("%+v, %v", named, err)
		}
		cancelled := f.activity("cancelled", nil)
		if _, err := f.acts.SetStatus(ctx, 0, cancelled.ID, activities.StatusCancelled); err != nil {
			t.Fatal(err)
		}
		if _, err := f.surveys.Create(ctx, staff, cancelled.ID, path.SurveyInput{Kind: path.SurveyFeedback}); !errors.Is(err, path.ErrSurveyCancelled) {
			t.Fatalf("a cancelled activity: %v", err)
		}
		list, err := f.surveys.List(ctx, staff, a.ID)
		if err != nil || len(list) != 2 || list[0].Kind != path.SurveyFeedback || list[1].Kind != path.SurveyWellbeingPost {
			t.Fatalf("list %+v, %v", list, err)
		}
		entries, err := audit.List(ctx, db, audit.Filter{Action: "survey.create"})
		if err != nil || len(entries) != 2 {
			t.Fatalf("%d audit entries, %v", len(entries), err)
		}
	})
}
