package rights_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/changes"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/registration/regtest"
	"github.com/gotong/gotong/app/rights"
	"github.com/gotong/gotong/app/submissions"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/locales"
	"gorm.io/gorm"
)

const testPassword = "correct-horse-battery"

type fixture struct {
	t      *testing.T
	db     *gorm.DB
	people *people.Store
	regs   *registration.Service
	acts   *activities.Store
	pets   *petitions.Store
	users  *auth.Store
	rights *rights.Service
	ahead  time.Duration // how far the stores' clock runs ahead of the machine's
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
	f := &fixture{t: t, db: db}
	now := func() time.Time { return time.Now().UTC().Add(f.ahead) }
	ps := people.NewStore(db, sealer, now)
	f.people = ps
	gens := new(changes.Generations)
	subs := submissions.NewStore(db, sealer, now)
	regs := registration.NewService(db, ps, subs, activities.NewCache(db, &gens.Activities), cat, "http://gotong.test", gens, now,
		registration.Rules{GuardianAge: 18, GuardianDays: 7})
	f.regs, f.acts, f.pets = regs, activities.NewStore(db, regs, gens, now, "UTC"), petitions.NewStore(db, ps, subs, cat, "http://gotong.test", now)
	f.users, f.rights = auth.NewStoreWithParams(db, now, auth.TestParams()), rights.New(db, ps, regs, now)
	t.Cleanup(func() { regtest.CheckSeatRows(t, db, sealer) })
	return f
}

func ptr[T any](v T) *T { return &v }

// camp publishes a camp open for registration now, starting in `in` days.
func (f *fixture) camp(slug string, capacity int, in time.Duration) *activities.Activity {
	f.t.Helper()
	now := time.Now().UTC()
	a, err := f.acts.Create(context.Background(), 0, activities.Input{
		Slug: ptr(slug), Kind: ptr(activities.KindCamp), Capacity: ptr(capacity),
		StartsAt: ptr(now.Add(in)), EndsAt: ptr(now.Add(in + 72*time.Hour)),
		RegistrationOpensAt: ptr(now.Add(-time.Hour)), RegistrationClosesAt: ptr(now.Add(in - 24*time.Hour)),
		Title: map[string]string{"en": "Camp " + slug, "mn": "Зуслан " + slug},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	if a, err = f.acts.SetStatus(context.Background(), 0, a.ID, activities.StatusPublished); err != nil {
		f.t.Fatal(err)
	}
	return a
}

func request(given, email string, sens people.Sensitive) registration.Request {
	return registration.Request{Consent: true, Person: people.Declared{GivenName: given, FamilyName: "Tester",
		Email: email, BirthYear: time.Now().Year() - 20, Region: "MN-057", Locality: people.Rural, Locale: "mn",
		Sensitive: sens}}
}

func (f *fixture) register(a *activities.Activity, given, email string, sens people.Sensitive) *registration.Placed {
	f.t.Helper()
	r, err := f.regs.Register(context.Background(), a, request(given, email, sens))
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// petition makes a campaign with a theme and its petition.
func (f *fixture) petition(slug string) *petitions.Petition {
	f.t.Helper()
	now := time.Now().UTC()
	var campaign int64
	if err := f.db.Raw("INSERT INTO campaigns (stage, created_at, updated_at) VALUES ('planning', ?, ?) RETURNING id", now, now).
		Scan(&campaign).Error; err != nil {
		f.t.Fatal(err)
	}
	tags, err := people.EnsureTags(f.db, []string{"privacy"})
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.db.Exec("INSERT INTO campaign_tags (campaign_id, tag_id) VALUES (?, ?)", campaign, tags["privacy"]).Error; err != nil {
		f.t.Fatal(err)
	}
	p, err := f.pets.Create(context.Background(), 0, petitions.Input{CampaignID: &campaign, Slug: ptr(slug), Goal: ptr(100),
		Title: map[string]string{"en": "Petition " + slug}, Text: map[string]string{"en": "Sign it"}})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) sign(p *petitions.Petition, given, email string) {
	f.t.Helper()
	if _, err := f.pets.Sign(context.Background(), p.Slug, petitions.Signer{GivenName: given, Email: email, Region: "MN-057",
		Consent: true}, "mn"); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) user(email, role string) *auth.User {
	f.t.Helper()
	u, err := f.users.CreateUser(context.Background(), 0, auth.NewUser{Email: email, DisplayName: strings.Split(email, "@")[0],
		Password: testPassword, Role: role})
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

func (f *fixture) personID(email string) int64 {
	f.t.Helper()
	var ids []int64
	f.db.Model(&people.Person{}).Where("email = ?", email).Pluck("id", &ids)
	if len(ids) != 1 {
		f.t.Fatalf("%d people with %s", len(ids), email)
	}
	return ids[0]
}

func (f *fixture) count(q string, args ...any) int64 {
	f.t.Helper()
	var n int64
	if err := f.db.Raw(q, args...).Scan(&n).Error; err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// saraa is a person with something of every kind: a registration with a
// sealed declaration, a signature (and the campaign's tag), a consent line,
// an account with a token, a view of her sensitive attributes in the audit
// log, and a notice in the outbox.
func (f *fixture) saraa() (personID int64, u *auth.User, token string) {
	f.t.Helper()
	ctx := context.Background()
	a := f.camp("summer", 10, 30*24*time.Hour)
	f.register(a, "Saraa", "saraa@example.org", people.Sensitive{Disability: ptr(true), AccessibilityNeeds: ptr("ramp")})
	f.sign(f.petition("clean-air"), "Saraa", "saraa@example.org")
	personID = f.personID("saraa@example.org")
	u = f.user("saraa@example.org", access.Participant)
	token, _, err := f.users.CreateToken(ctx, u.Email, "phone")
	if err != nil {
		f.t.Fatal(err)
	}
	admin := f.user("office@example.org", access.Admin)
	if _, err := f.people.ReadSensitive(ctx, admin.ID, personID); err != nil {
		f.t.Fatal(err)
	}
	return personID, u, token
}

// TestExportHoldsEverything: an export has each kind of data held about the
// person, sensitive values opened, and never a secret of the account.
func TestExportHoldsEverything(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		personID, u, token := f.saraa()
		before := f.count("SELECT COUNT(*) FROM audit_log")
		x, err := f.rights.ExportUser(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after := f.count("SELECT COUNT(*) FROM audit_log"); after != before {
			t.Errorf("one's own export wrote %d audit entries", after-before)
		}
		if x.Person == nil || x.Person.ID != personID || x.Person.GivenName != "Saraa" || *x.Person.Email != "saraa@example.org" {
			t.Fatalf("person %+v", x.Person)
		}
		if x.Sensitive == nil || x.Sensitive.Disability == nil || !*x.Sensitive.Disability ||
			x.Sensitive.AccessibilityNeeds == nil || *x.Sensitive.AccessibilityNeeds != "ramp" {
			t.Errorf("sensitive %+v", x.Sensitive)
		}
		if strings.Join(x.Tags, ",") != "privacy" {
			t.Errorf("tags %v", x.Tags)
		}
		// The registration and the signature each recorded the consent their form gave.
		if len(x.Consents) != 2 || !x.Consents[0].Given || x.Consents[0].Source != people.ConsentRegistration ||
			!x.Consents[1].Given || x.Consents[1].Source != people.ConsentPetition {
			t.Errorf("consents %+v", x.Consents)
		}
		if len(x.Registrations) != 1 {
			t.Fatalf("registrations %+v", x.Registrations)
		}
		r := x.Registrations[0]
		if r.ActivitySlug != "summer" || r.ActivityTitle["mn"] != "Зуслан summer" || r.Status != "confirmed" ||
			r.Pool == nil || r.DeclaredLocality != people.Rural || r.Declared.Disability == nil || !*r.Declared.Disability ||
			r.RegisteredAt.IsZero() || r.ActivityStartsAt.IsZero() {
			t.Errorf("registration %+v", r)
		}
		if len(x.Signatures) != 1 || x.Signatures[0].PetitionSlug != "clean-air" || x.Signatures[0].SignedAt.IsZero() {
			t.Errorf("signatures %+v", x.Signatures)
		}
		if x.Account == nil || x.Account.Email != "saraa@example.org" || len(x.Account.Roles) != 1 ||
			x.Account.Roles[0].Role != access.Participant {
			t.Errorf("account %+v", x.Account)
		}
		actions := map[string]bool{}
		for _, e := range x.Audit {
			actions[e.Action] = true
		}
		if !actions["person.sensitive.view"] || !actions["user.create"] {
			t.Errorf("audit entries %+v", x.Audit)
		}
		b, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		var secrets []string
		var hash string
		db.Model(&auth.User{}).Where("id = ?", u.ID).Pluck("password_hash", &hash)
		secrets = append(secrets, hash, "argon2id", token, "password", "token")
		var tokenHash []byte
		db.Model(&auth.APIToken{}).Where("user_id = ?", u.ID).Pluck("token_hash", &tokenHash)
		hashJSON, _ := json.Marshal(tokenHash)
		secrets = append(secrets, strings.Trim(string(hashJSON), `"`))
		for _, s := range secrets {
			if s != "" && strings.Contains(string(b), s) {
				t.Errorf("the export holds a secret: %q", s)
			}
		}
		for _, want := range []string{`"person"`, `"sensitive"`, `"tags"`, `"consents"`, `"registrations"`, `"signatures"`, `"account"`, `"audit"`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("the export lacks %s", want)
			}
		}

		// The office's export of her is the same data, audited.
		y, err := f.rights.ExportAudited(ctx, u.ID+1, personID)
		if err != nil {
			t.Fatal(err)
		}
		if y.Person.ID != personID || y.Account == nil || y.Account.ID != u.ID || y.Sensitive.Disability == nil {
			t.Errorf("admin export %+v", y)
		}
		entries, _ := audit.List(ctx, db, audit.Filter{Action: "person.export"})
		if len(entries) != 1 || entries[0].ObjectID != fmt.Sprint(personID) || strings.Contains(entries[0].Details, "Saraa") {
			t.Errorf("person.export entries %+v", entries)
		}
		if _, err := f.rights.Export(ctx, personID+1000); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("unknown person: %v", err)
		}

		// An account without a person record has its own data.
		staff := f.user("coord@example.org", access.Coordinator)
		z, err := f.rights.ExportUser(ctx, staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		if z.Person != nil || z.Sensitive != nil || z.Account == nil || z.Account.Email != "coord@example.org" ||
			len(z.Registrations) != 0 || z.Tags == nil {
			t.Errorf("account-only export %+v", z)
		}
	})
}

// erasureFixture: Saraa attended a camp that has ended and holds the only
// seat of a coming camp, where Bataa waits; she signed a petition, has an
// account with a token and a session, and mail in the outbox.
type erasureFixture struct {
	*fixture
	past, coming *activities.Activity
	pet          *petitions.Petition
	saraa        int64
	user         *auth.User
	pastReg      int64
	bataaReg     int64
}

func newErasure(t *testing.T, db *gorm.DB) *erasureFixture {
	f := &erasureFixture{fixture: newFixture(t, db)}
	ctx := context.Background()
	f.past = f.camp("past", 5, 10*24*time.Hour)
	f.coming = f.camp("coming", 1, 60*24*time.Hour)
	r := f.register(f.past, "Saraa", "saraa@example.org", people.Sensitive{Disability: ptr(true)})
	f.pastReg = r.ID
	f.register(f.past, "Tuya", "tuya@example.org", people.Sensitive{})
	f.register(f.coming, "Saraa", "saraa@example.org", people.Sensitive{Minority: ptr(true)})
	f.bataaReg = f.register(f.coming, "Bataa", "bataa@example.org", people.Sensitive{}).ID
	// Attended, as if the camp had taken place (it starts in ten days:
	// the service would refuse the mark).
	if err := db.Model(&registration.Registration{}).Where("id = ?", f.pastReg).Update("attended", true).Error; err != nil {
		t.Fatal(err)
	}
	f.pet = f.petition("clean-air")
	f.sign(f.pet, "Saraa", "saraa@example.org")
	f.sign(f.pet, "Tuya", "tuya@example.org")
	f.saraa = f.personID("saraa@example.org")
	if err := db.Create(&people.Consent{PersonID: f.saraa, Given: true, Version: "v", Source: "self", Purpose: people.ConsentToData, At: time.Now().UTC()}).Error; err != nil {
		t.Fatal(err)
	}
	f.user = f.fixture.user("saraa@example.org", access.Participant)
	if _, _, err := f.users.CreateToken(ctx, f.user.Email, "phone"); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("INSERT INTO sessions (id, data, expires_at, user_id) VALUES ('s1', ?, 0, ?)", []byte("x"), f.user.ID).Error; err != nil {
		t.Fatal(err)
	}
	// The past camp has ended by the time of the erasure.
	f.ahead = 20 * 24 * time.Hour
	return f
}

// tally is what an erasure must leave as it was (or move only as the
// waitlist moves): confirmed and attended per activity, signatures.
func (f *erasureFixture) tally() string {
	f.t.Helper()
	return fmt.Sprintf("past %d confirmed %d attended, coming %d confirmed %d waiting, %d signatures",
		f.count("SELECT COUNT(*) FROM registrations WHERE activity_id = ? AND status = 'confirmed'", f.past.ID),
		f.count("SELECT COUNT(*) FROM registrations WHERE activity_id = ? AND attended = ?", f.past.ID, true),
		f.count("SELECT COUNT(*) FROM registrations WHERE activity_id = ? AND status = 'confirmed'", f.coming.ID),
		f.count("SELECT COUNT(*) FROM registrations WHERE activity_id = ? AND status = 'waitlisted'", f.coming.ID),
		f.count("SELECT COUNT(*) FROM signatures WHERE petition_id = ?", f.pet.ID))
}

// TestEraseKeepsCounts: the person and all that is theirs go, the counts
// stay, and the seat she held at the coming camp goes to the waitlist.
func TestEraseKeepsCounts(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newErasure(t, db)
		ctx := context.Background()
		if got := f.tally(); got != "past 2 confirmed 1 attended, coming 1 confirmed 1 waiting, 2 signatures" {
			t.Fatalf("before: %s", got)
		}
		if n := f.count("SELECT COUNT(*) FROM outbox WHERE to_address = 'saraa@example.org'"); n == 0 {
			t.Fatal("no mail to erase")
		}
		if n := f.count("SELECT COUNT(*) FROM form_limits WHERE key = 'form:saraa@example.org'"); n != 1 {
			t.Fatal("no form counter to erase")
		}
		if err := db.Exec("INSERT INTO rate_limits (id, data, expires_at) VALUES ('login:email:saraa@example.org', ?, 0), ('login:email:tuya@example.org', ?, 0), (?, ?, 0), (?, ?, 0), (?, ?, 0)",
			[]byte("1"), []byte("1"), auth.LoginPairKey("saraa@example.org", "198.51.100.1"), []byte("1"),
			auth.LoginPairKey("saraa@example.org", "2001:db8::1"), []byte("1"), auth.LoginPairKey("tuya@example.org", "198.51.100.1"), []byte("1")).Error; err != nil {
			t.Fatal(err)
		}
		userID := f.user.ID
		done, err := f.rights.EraseUser(ctx, userID)
		if err != nil {
			t.Fatal(err)
		}
		if done.RegistrationsCancelled != 1 || done.RegistrationsKept != 2 || done.SignaturesKept != 1 ||
			done.AccountsDeleted != 1 || done.MessagesDeleted == 0 || !done.Self {
			t.Errorf("erasure %+v", done)
		}
		// Counts: the past camp and the petition as they were; at the
		// coming camp Bataa has the seat.
		if got := f.tally(); got != "past 2 confirmed 1 attended, coming 1 confirmed 0 waiting, 2 signatures" {
			t.Errorf("after: %s", got)
		}
		if r, _ := f.regs.Get(ctx, f.bataaReg); r.Status != "confirmed" {
			t.Errorf("Bataa not promoted: %+v", r)
		}
		if n := f.count("SELECT COUNT(*) FROM outbox WHERE kind = 'registration.promoted' AND to_address = 'bataa@example.org'"); n != 1 {
			t.Errorf("%d promotion notices to Bataa", n)
		}
		// Gone: the person and everything of theirs.
		for q, want := range map[string]int64{
			"SELECT COUNT(*) FROM people WHERE id = ?":                        0,
			"SELECT COUNT(*) FROM person_sensitive WHERE person_id = ?":       0,
			"SELECT COUNT(*) FROM person_tags WHERE person_id = ?":            0,
			"SELECT COUNT(*) FROM person_consents WHERE person_id = ?":        0,
			"SELECT COUNT(*) FROM registrations WHERE person_id = ?":          0,
			"SELECT COUNT(*) FROM signatures WHERE person_id = ?":             0,
			"SELECT COUNT(*) FROM users WHERE person_id = ? OR id = ?":        0,
			"SELECT COUNT(*) FROM api_tokens WHERE user_id = ? + 0 * ?":       0,
			"SELECT COUNT(*) FROM sessions WHERE user_id = ? + 0 * ?":         0,
			"SELECT COUNT(*) FROM role_assignments WHERE user_id = ? + 0 * ?": 0,
		} {
			args := []any{f.saraa}
			if strings.Count(q, "?") == 2 {
				args = []any{userID, f.saraa}
				if strings.Contains(q, "person_id") {
					args = []any{f.saraa, userID}
				}
			}
			if n := f.count(q, args...); n != want {
				t.Errorf("%s: %d", q, n)
			}
		}
		if n := f.count("SELECT COUNT(*) FROM sessions WHERE id = 's1'"); n != 0 {
			t.Error("her session is left")
		}
		if n := f.count("SELECT COUNT(*) FROM outbox WHERE LOWER(to_address) = 'saraa@example.org'"); n != 0 {
			t.Errorf("%d messages to her left", n)
		}
		if n := f.count("SELECT COUNT(*) FROM outbox WHERE to_address = 'tuya@example.org'"); n == 0 {
			t.Error("Tuya's mail went too")
		}
		if n := f.count("SELECT COUNT(*) FROM form_limits WHERE key LIKE '%saraa%'") + f.count("SELECT COUNT(*) FROM rate_limits WHERE id LIKE '%saraa%'"); n != 0 {
			t.Errorf("%d counters hold her address", n)
		}
		if n := f.count("SELECT COUNT(*) FROM form_limits WHERE key LIKE '%tuya%'") + f.count("SELECT COUNT(*) FROM rate_limits WHERE id LIKE '%tuya%'"); n != 2 {
			t.Errorf("Tuya's counters went too: %d left", n)
		}
		if n := f.count("SELECT COUNT(*) FROM rate_limits WHERE id LIKE 'login:pair:%'"); n != 1 {
			t.Errorf("%d counters per email and address left, want Tuya's", n)
		}
		// Kept as anonymous rows, without their sealed declarations.
		if n := f.count("SELECT COUNT(*) FROM registrations WHERE person_id IS NULL AND declared_sensitive IS NULL"); n != 2 {
			t.Errorf("%d anonymous registrations, want 2", n)
		}
		if n := f.count("SELECT COUNT(*) FROM registrations WHERE person_id IS NULL AND activity_id = ? AND status = 'cancelled'", f.coming.ID); n != 1 {
			t.Errorf("her coming registration is not cancelled")
		}
		if n := f.count("SELECT COUNT(*) FROM signatures WHERE person_id IS NULL"); n != 1 {
			t.Errorf("%d anonymous signatures", n)
		}
		// The audit log says what happened, in counts, without her name.
		entries, _ := audit.List(ctx, db, audit.Filter{Action: "person.erase"})
		if len(entries) != 1 || entries[0].ObjectID != fmt.Sprint(f.saraa) {
			t.Fatalf("person.erase entries %+v", entries)
		}
		var details map[string]int
		if err := json.Unmarshal([]byte(entries[0].Details), &details); err != nil {
			t.Fatalf("details %s: %v", entries[0].Details, err)
		}
		if details["registrations_cancelled"] != 1 || details["registrations_kept"] != 2 || details["signatures_kept"] != 1 {
			t.Errorf("details %v", details)
		}
		for _, s := range []string{"Saraa", "saraa", "example.org", "Tester"} {
			if strings.Contains(entries[0].Details, s) {
				t.Errorf("the audit entry names %q: %s", s, entries[0].Details)
			}
		}

		// Every reader of registrations copes with the anonymous rows.
		roster, err := f.regs.Roster(ctx, access.Viewer{Staff: true}, f.past.ID)
		if err != nil {
			t.Fatal(err)
		}
		erased := 0
		for _, r := range roster {
			if r.Erased {
				erased++
				if r.GivenName != "" || r.Email != nil || r.Status != "confirmed" || r.Attended == nil || !*r.Attended {
					t.Errorf("anonymous roster entry %+v", r)
				}
			}
		}
		if len(roster) != 2 || erased != 1 {
			t.Errorf("roster of the past camp %+v", roster)
		}
		list, err := f.regs.List(ctx, access.Viewer{Staff: true}, f.past.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("list %+v %v", list, err)
		}
		if got, _ := f.regs.Get(ctx, f.pastReg); got.PersonID != nil || got.Status != "confirmed" {
			t.Errorf("her past registration %+v", got)
		}
		sum, err := f.regs.Summary(ctx, access.Viewer{Staff: true}, f.past.ID)
		if err != nil || sum.Confirmed != 2 {
			t.Errorf("summary %+v %v", sum, err)
		}
		if _, err := f.acts.Update(ctx, 0, f.past.ID, activities.Input{Capacity: ptr(6)}); err != nil {
			t.Errorf("capacity of an activity with anonymous seats: %v", err)
		}
		if _, err := f.acts.SetStatus(ctx, 0, f.past.ID, activities.StatusCancelled); err != nil {
			t.Errorf("cancelling an activity with anonymous seats: %v", err)
		}
		if _, err := f.rights.EraseUser(ctx, userID); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("erasing again: %v", err)
		}
	})
}

// TestEraseByTheOffice: an admin's erasure deletes a participant's account
// but keeps and unlinks a staff member's; an unknown person is a 404.
func TestEraseByTheOffice(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		admin := f.user("office@example.org", access.Admin)
		a := f.camp("summer", 10, 30*24*time.Hour)
		f.register(a, "Saraa", "saraa@example.org", people.Sensitive{})
		f.register(a, "Coord", "coord@example.org", people.Sensitive{})
		participant := f.user("saraa@example.org", access.Participant)
		coord := f.user("coord-work@example.org", access.Coordinator)
		coordPerson := f.personID("coord@example.org")
		db.Model(&auth.User{}).Where("id = ?", coord.ID).Update("person_id", coordPerson)

		done, err := f.rights.Erase(ctx, admin.ID, f.personID("saraa@example.org"))
		if err != nil || done.AccountsDeleted != 1 || done.Self {
			t.Fatalf("%+v %v", done, err)
		}
		if n := f.count("SELECT COUNT(*) FROM users WHERE id = ?", participant.ID); n != 0 {
			t.Error("the participant's account is left")
		}
		done, err = f.rights.Erase(ctx, admin.ID, coordPerson)
		if err != nil || done.AccountsDeleted != 0 || done.AccountsUnlinked != 1 {
			t.Fatalf("%+v %v", done, err)
		}
		var u auth.User
		db.Take(&u, coord.ID)
		if u.PersonID != nil || u.Email != "coord-work@example.org" {
			t.Errorf("staff account %+v", u)
		}
		if _, err := f.rights.Erase(ctx, admin.ID, coordPerson); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("unknown person: %v", err)
		}
		entries, _ := audit.List(ctx, db, audit.Filter{Action: "person.erase", ActorID: admin.ID})
		if len(entries) != 2 {
			t.Errorf("%d person.erase entries by the admin", len(entries))
		}
	})
}

// TestLastAdmin: the last administrator cannot erase their account, with or
// without a person record, and nothing changes; with a second one they can.
func TestLastAdmin(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		admin := f.user("office@example.org", access.Admin)
		a := f.camp("summer", 10, 30*24*time.Hour)
		f.register(a, "Office", "office@example.org", people.Sensitive{})
		personID := f.personID("office@example.org")
		state := func() string {
			return fmt.Sprint(f.count("SELECT COUNT(*) FROM users"), f.count("SELECT COUNT(*) FROM people"),
				f.count("SELECT COUNT(*) FROM registrations WHERE status = 'confirmed'"), f.count("SELECT COUNT(*) FROM audit_log"))
		}
		before := state()
		if _, err := f.rights.EraseUser(ctx, admin.ID); !errors.Is(err, rights.ErrLastAdmin) {
			t.Fatalf("self-erasure of the last admin: %v", err)
		}
		if _, err := f.rights.Erase(ctx, admin.ID, personID); !errors.Is(err, rights.ErrLastAdmin) {
			t.Fatalf("the last admin erasing their own person: %v", err)
		}
		if after := state(); after != before {
			t.Fatalf("the refusals changed the data: %s, then %s", before, after)
		}
		lone := f.user("lone@example.org", access.Participant) // no person record
		// A second admin: now the first may go.
		f.user("second@example.org", access.Admin)
		done, err := f.rights.EraseUser(ctx, admin.ID)
		if err != nil || done.AccountsDeleted != 1 {
			t.Fatalf("%+v %v", done, err)
		}
		// An account without a person record is erased alone.
		done, err = f.rights.EraseUser(ctx, lone.ID)
		if err != nil || done.AccountsDeleted != 1 || done.RegistrationsKept != 0 {
			t.Fatalf("%+v %v", done, err)
		}
		entries, _ := audit.List(ctx, db, audit.Filter{Action: "account.erase"})
		if len(entries) != 1 || entries[0].ObjectID != fmt.Sprint(lone.ID) || strings.Contains(entries[0].Details, "lone") {
			t.Errorf("account.erase entries %+v", entries)
		}
	})
}

// TestErasureRacesRegistration runs erasures of a person while the same
// person registers at other activities, many times: whoever wins, the
// state is whole. Either the registration came first and was cancelled
// with the person, or it came after and made a new person; never a live
// seat of nobody at a coming activity, never a registration of a person
// half gone.
func TestErasureRacesRegistration(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		first := f.camp("first", 50, 30*24*time.Hour)
		var others []*activities.Activity
		for i := range 3 {
			others = append(others, f.camp(fmt.Sprintf("other-%d", i), 50, 40*24*time.Hour))
		}
		for round := range 12 {
			email := fmt.Sprintf("racer%d@example.org", round)
			f.register(first, "Racer", email, people.Sensitive{Disability: ptr(true)})
			old := f.personID(email)
			var wg sync.WaitGroup
			var eraseErr error
			regErrs := make([]error, len(others))
			wg.Add(1 + len(others))
			go func() {
				defer wg.Done()
				_, eraseErr = f.rights.Erase(ctx, 0, old)
			}()
			for i, a := range others {
				go func() {
					defer wg.Done()
					_, regErrs[i] = f.regs.Register(ctx, a, request("Racer", email, people.Sensitive{Minority: ptr(true)}))
				}()
			}
			wg.Wait()
			if eraseErr != nil {
				t.Fatalf("round %d: erasure failed: %v", round, eraseErr)
			}
			for i, err := range regErrs {
				if err != nil {
					t.Errorf("round %d: registration %d: %v", round, i, err)
				}
			}
			if n := f.count("SELECT COUNT(*) FROM people WHERE id = ?", old); n != 0 {
				t.Fatalf("round %d: the person survived", round)
			}
			for _, q := range []string{"person_sensitive", "person_tags", "person_consents", "registrations", "signatures"} {
				if n := f.count("SELECT COUNT(*) FROM "+q+" WHERE person_id = ?", old); n != 0 {
					t.Fatalf("round %d: %d rows of %s still name the erased person", round, n, q)
				}
			}
			// No live seat of nobody at an activity not yet ended.
			if n := f.count("SELECT COUNT(*) FROM registrations WHERE person_id IS NULL AND status <> 'cancelled'"); n != 0 {
				t.Fatalf("round %d: %d live anonymous registrations", round, n)
			}
			// A registration that came after belongs to a new person,
			// whole: their record, their declaration, sealed to them.
			var news []registration.Registration
			db.Where("person_id IS NOT NULL AND person_id IN (SELECT id FROM people WHERE email = ?)", email).Find(&news)
			for _, r := range news {
				if *r.PersonID == old || r.Status == "cancelled" {
					t.Fatalf("round %d: registration %+v", round, r)
				}
				d, err := f.regs.Declaration(&r)
				if err != nil || d.Minority == nil {
					t.Fatalf("round %d: the new registration's declaration %+v %v", round, d, err)
				}
			}
			succeeded := len(others)
			cancelledHere := f.count("SELECT COUNT(*) FROM registrations WHERE person_id IS NULL AND status = 'cancelled' AND activity_id <> ?", first.ID)
			if int64(succeeded) != int64(len(news))+cancelledHere {
				t.Fatalf("round %d: %d registrations succeeded, %d live and %d cancelled with the person", round, succeeded, len(news), cancelledHere)
			}
			// Clean the round's survivors so the next round starts even.
			if len(news) > 0 {
				if _, err := f.rights.Erase(ctx, 0, *news[0].PersonID); err != nil {
					t.Fatal(err)
				}
			}
			db.Exec("DELETE FROM registrations WHERE person_id IS NULL AND activity_id <> ?", first.ID)
			db.Exec("DELETE FROM activity_seats WHERE activity_id <> ?", first.ID)
		}
	})
}

// TestErasureKillsPrivateLinks: once a person is erased, the links in their
// emails and in their guardian's open nothing, and the registration keeps
// nothing of the guardian; before, their export shows the guardian.
func TestErasureKillsPrivateLinks(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp("young", 5, 30*24*time.Hour)
		in := request("Bold", "bold@example.org", people.Sensitive{})
		in.Person.BirthYear = a.StartsAt.Year() - 15
		in.Guardian = &registration.Guardian{Name: "Parent Name", Email: "parent@example.org"}
		r, err := f.regs.Register(ctx, a, in)
		if err != nil || r.Guardian != registration.GuardianPending {
			t.Fatalf("register: %+v %v", r, err)
		}
		var letter string
		db.Table("outbox").Where("kind = ?", "guardian.request").Pluck("body", &letter)
		_, after, _ := strings.Cut(letter, "http://gotong.test/g/")
		guardianToken := after[:43]
		if _, err := f.regs.Manage(ctx, r.ManageToken); err != nil {
			t.Fatal(err)
		}
		if _, err := f.regs.GuardianRequest(ctx, guardianToken); err != nil {
			t.Fatal(err)
		}

		personID := f.personID("bold@example.org")
		// A note staff kept with the guardian's answer goes with the rest.
		if err := db.Table("registrations").Where("id = ?", r.ID).Update("guardian_note", "form on file").Error; err != nil {
			t.Fatal(err)
		}
		x, err := f.rights.Export(ctx, personID)
		if err != nil {
			t.Fatal(err)
		}
		if len(x.Registrations) != 1 || x.Registrations[0].Guardian != "pending" || x.Registrations[0].GuardianName != "Parent Name" ||
			x.Registrations[0].GuardianNote != "form on file" {
			t.Fatalf("export: %+v", x.Registrations)
		}
		if len(x.Consents) != 1 || x.Consents[0].Purpose != people.ConsentToData {
			t.Fatalf("export consents: %+v", x.Consents)
		}

		if _, err := f.rights.Erase(ctx, 0, personID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.regs.Manage(ctx, r.ManageToken); !errors.Is(err, submissions.ErrLinkExpired) {
			t.Fatalf("manage after erasure: %v", err)
		}
		if _, err := f.regs.GuardianRequest(ctx, guardianToken); !errors.Is(err, submissions.ErrLinkExpired) {
			t.Fatalf("the guardian's link after erasure: %v", err)
		}
		if n := f.count("SELECT COUNT(*) FROM registration_links"); n != 0 {
			t.Fatalf("%d links left", n)
		}
		if n := f.count("SELECT COUNT(*) FROM registrations WHERE guardian_name <> '' OR guardian_email <> '' OR guardian_note <> ''"); n != 0 {
			t.Fatal("the guardian stayed with the anonymous registration")
		}
	})
}
