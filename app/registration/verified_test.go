package registration_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/formlimit"
	"github.com/gotong/gotong/app/links"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/submissions"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// mails are the emails queued to addr, oldest first.
func mails(t *testing.T, db *gorm.DB, addr string) []outbox.Message {
	t.Helper()
	var out []outbox.Message
	if err := db.Where("to_address = ?", addr).Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// last is the newest email to addr, which must be of kind.
func last(t *testing.T, db *gorm.DB, addr, kind string) outbox.Message {
	t.Helper()
	all := mails(t, db, addr)
	if len(all) == 0 || all[len(all)-1].Kind != kind {
		t.Fatalf("last email to %s: want %s, have %v", addr, kind, kinds(all))
	}
	return all[len(all)-1]
}

func kinds(ms []outbox.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Kind
	}
	return out
}

var linkRE = regexp.MustCompile(`http://gotong\.test/([rvg])/([A-Za-z0-9_-]{43})`)

// link is the token of the one private link of kind ("r", "v" or "g") in
// m, read as a person would read it.
func link(t *testing.T, m outbox.Message, kind string) string {
	t.Helper()
	var found []string
	for _, l := range linkRE.FindAllStringSubmatch(m.Body, -1) {
		if l[1] == kind {
			found = append(found, l[2])
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s email holds %d /%s/ links:\n%s", m.Kind, len(found), kind, m.Body)
	}
	return found[0]
}

// set writes columns of activity a that its input does not carry and reads
// it again.
func (f *fixture) set(a *activities.Activity, cols map[string]any) *activities.Activity {
	f.t.Helper()
	if err := f.db.Model(&activities.Activity{}).Where("id = ?", a.ID).Updates(cols).Error; err != nil {
		f.t.Fatal(err)
	}
	a, err := f.act.Get(context.Background(), a.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// minor is the form of someone 15 when a starts, naming their guardian.
func minor(email string, a *activities.Activity) registration.Request {
	r := person(email, people.Urban)
	r.Person.BirthYear = a.StartsAt.Year() - 15
	r.Guardian = &registration.Guardian{Name: "Parent Name", Email: "guardian." + email}
	return r
}

func (f *fixture) count(table string) int64 {
	f.t.Helper()
	var n int64
	if err := f.db.Table(table).Count(&n).Error; err != nil {
		f.t.Fatal(err)
	}
	return n
}

// submit sends a public form and returns the token its email carries.
func (f *fixture) submit(a *activities.Activity, in registration.Request) string {
	f.t.Helper()
	if err := f.svc.Submit(context.Background(), a, in); err != nil {
		f.t.Fatal(err)
	}
	return link(f.t, last(f.t, f.db, strings.ToLower(in.Person.Email), "registration.verify"), "v")
}

func messageID(err error) string {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return ""
	}
	for _, m := range ae.Fields {
		return m.ID
	}
	return ae.Message.ID
}

// TestSubmitHoldsNoSeat: forms with invented addresses write no person and
// no registration, so a hundred of them keep nobody out.
func TestSubmitHoldsNoSeat(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(1)
		for i := range 100 {
			if err := f.svc.Submit(ctx, a, person(fmt.Sprintf("squat%03d@example.org", i), people.Urban)); err != nil {
				t.Fatal(err)
			}
		}
		if p, r, s := f.count("people"), f.count("registrations"), f.count("submissions"); p != 0 || r != 0 || s != 100 {
			t.Fatalf("after 100 forms: %d people, %d registrations, %d submissions", p, r, s)
		}
		if n, err := f.svc.ConfirmedCount(ctx, a.ID); err != nil || n != 0 {
			t.Fatalf("confirmed %d, %v", n, err)
		}
		r, err := f.svc.Register(ctx, a, person("real@example.org", people.Urban))
		if err != nil || r.Status != "confirmed" {
			t.Fatalf("the one seat: %+v %v", r, err)
		}
	})
}

// statements counts the statements run through a database handle.
type statements struct {
	logger.Interface
	n atomic.Int64
}

func (c *statements) LogMode(logger.LogLevel) logger.Interface { return c }

func (c *statements) Trace(context.Context, time.Time, func() (string, int64), error) { c.n.Add(1) }

// TestSubmitSameWhoeverOwnsTheEmail: a form for an address registered
// already answers as one for a new address, through as many statements;
// only the email differs: the manage link, and nothing else is written.
func TestSubmitSameWhoeverOwnsTheEmail(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(5)
		known, err := f.svc.Register(ctx, a, person("known@example.org", people.Urban))
		if err != nil {
			t.Fatal(err)
		}
		counter := &statements{Interface: logger.Discard}
		watched := f.service(db.Session(&gorm.Session{Logger: counter}))
		submit := func(email string) (int64, error) {
			counter.n.Store(0)
			err := watched.Submit(ctx, a, person(email, people.Urban))
			return counter.n.Load(), err
		}
		people0, regs0, subs0 := f.count("people"), f.count("registrations"), f.count("submissions")
		nKnown, errKnown := submit("Known@Example.org")
		if f.count("submissions") != subs0 {
			t.Fatal("a form for a registered address was kept")
		}
		nNew, errNew := submit("new@example.org")
		if errKnown != nil || errNew != nil || nKnown != nNew {
			t.Fatalf("known: %v in %d statements; new: %v in %d", errKnown, nKnown, errNew, nNew)
		}
		if f.count("people") != people0 || f.count("registrations") != regs0 || f.count("submissions") != subs0+1 {
			t.Fatal("a form wrote more than its submission")
		}

		m := last(t, db, "known@example.org", "registration.known")
		got, err := f.svc.Manage(ctx, link(t, m, "r"))
		if err != nil || got.ID != known.ID || got.GivenName != "Test" || got.Activity.ID != a.ID {
			t.Fatalf("the known email's link: %+v %v", got, err)
		}
		if strings.Contains(m.Body, "/v/") {
			t.Fatal("the known email carries a form's link")
		}
		link(t, last(t, db, "new@example.org", "registration.verify"), "v")

		// The silent limit per email holds for both alike.
		for range formlimit.PerEmail + 2 {
			if _, err := submit("known@example.org"); err != nil {
				t.Fatal(err)
			}
			if _, err := submit("new@example.org"); err != nil {
				t.Fatal(err)
			}
		}
		if k, n := len(mails(t, db, "known@example.org")), len(mails(t, db, "new@example.org")); k != formlimit.PerEmail || n != formlimit.PerEmail {
			t.Fatalf("emails over the limit: %d to the known address, %d to the new one", k, n)
		}
	})
}

// lookups counts the statements that look up the registrations behind
// public forms.
type lookups struct {
	logger.Interface
	n atomic.Int64
}

func (c *lookups) LogMode(logger.LogLevel) logger.Interface { return c }

func (c *lookups) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	if sql, _ := fc(); strings.Contains(sql, "person_email") {
		c.n.Add(1)
	}
}

// TestSubmitTogether: forms sent at once go in shared transactions, and
// each still gets its own answer and its own email: the manage link when
// its address holds a place in its activity, the form's link otherwise,
// even when the address holds a place in another activity of the batch.
func TestSubmitTogether(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		acts := []*activities.Activity{f.camp(200), f.camp(200), f.camp(200)}
		const n = 200
		email := func(i int) string { return fmt.Sprintf("s%03d@example.org", i) }
		held := map[int]int64{} // the registrations of the forms' addresses in their activities
		for i := range n {
			var at *activities.Activity
			switch i % 4 {
			case 0:
				at = acts[i%3]
			case 1:
				at = acts[(i+1)%3] // another activity than the form's
			default:
				continue
			}
			r, err := f.svc.Register(ctx, at, person(email(i), people.Urban))
			if err != nil {
				t.Fatal(err)
			}
			if at == acts[i%3] {
				held[i] = r.ID
			}
		}
		subs0 := f.count("submissions")
		counter := &lookups{Interface: logger.Discard}
		watched := f.service(db.Session(&gorm.Session{Logger: counter}))
		start := make(chan struct{})
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				errs[i] = watched.Submit(ctx, acts[i%3], person(email(i), people.Urban))
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("form %d: %v", i, err)
			}
		}
		if k := counter.n.Load(); k >= n {
			t.Fatalf("%d forms looked up in %d statements", n, k)
		}
		if got := f.count("submissions") - subs0; got != int64(n-len(held)) {
			t.Fatalf("%d submissions for %d new forms", got, n-len(held))
		}
		for i := range n {
			all := mails(t, db, email(i))
			if i%4 < 2 {
				all = all[1:] // the registration's own email
			}
			if id, ok := held[i]; ok {
				if len(all) != 1 || all[0].Kind != "registration.known" {
					t.Fatalf("%s: %v", email(i), kinds(all))
				}
				if r, err := f.svc.Manage(ctx, link(t, all[0], "r")); err != nil || r.ID != id {
					t.Fatalf("%s: manage %+v %v", email(i), r, err)
				}
				continue
			}
			if len(all) != 1 || all[0].Kind != "registration.verify" {
				t.Fatalf("%s: %v", email(i), kinds(all))
			}
			if p, err := f.svc.Pending(ctx, link(t, all[0], "v")); err != nil || p.Activity.ID != acts[i%3].ID {
				t.Fatalf("%s: pending %+v %v", email(i), p, err)
			}
		}
	})
}

// TestConfirmPlacesOnce: opening the link places nothing; the tap does; a
// second tap, or a second form's tap, places nothing and emails the link.
func TestConfirmPlacesOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(1)
		token := f.submit(a, person("tap@example.org", people.Urban))
		other := f.submit(a, person("tap@example.org", people.Urban)) // a second form before any tap
		p, err := f.svc.Pending(ctx, token)
		if err != nil || p.Activity.ID != a.ID || p.GivenName != "Test" || p.Used || p.Locale != "mn" {
			t.Fatalf("pending: %+v %v", p, err)
		}
		if f.count("registrations") != 0 {
			t.Fatal("opening the link placed the registration")
		}
		c, err := f.svc.Confirm(ctx, token)
		if err != nil || c.Again || c.Status != "confirmed" || c.ManageToken == "" {
			t.Fatalf("tap: %+v %v", c, err)
		}
		if m, err := f.svc.Manage(ctx, c.ManageToken); err != nil || m.ID != c.ID {
			t.Fatalf("manage: %+v %v", m, err)
		}
		if p, _ := f.svc.Pending(ctx, token); !p.Used {
			t.Fatal("the link does not show it was used")
		}
		for _, tok := range []string{token, other} {
			again, err := f.svc.Confirm(ctx, tok)
			if err != nil || !again.Again || again.ID != 0 || again.ManageToken != "" {
				t.Fatalf("a second tap: %+v %v", again, err)
			}
			m := last(t, db, "tap@example.org", "registration.known")
			if got, err := f.svc.Manage(ctx, link(t, m, "r")); err != nil || got.ID != c.ID {
				t.Fatalf("the second tap's email: %+v %v", got, err)
			}
		}
		if n := f.count("registrations"); n != 1 {
			t.Fatalf("%d registrations", n)
		}
		want := "registration.verify registration.verify registration.confirmed registration.known registration.known"
		if got := strings.Join(kinds(mails(t, db, "tap@example.org")), " "); got != want {
			t.Fatalf("emails %s, want %s", got, want)
		}

		// A form whose activity closed meanwhile places nothing, and stays
		// unused; links of another kind, junk, or past 48 hours are dead.
		late := f.submit(a, person("late@example.org", people.Urban))
		f.set(a, map[string]any{"registration_closes_at": time.Now().UTC().Add(-time.Minute)})
		if _, err := f.svc.Confirm(ctx, late); kindOf(err) != apperr.Conflict || messageID(err) != "error_registration_closed" {
			t.Fatalf("tap after the close: %v", err)
		}
		if p, err := f.svc.Pending(ctx, late); err != nil || p.Used {
			t.Fatalf("after a refused tap: %+v %v", p, err)
		}
		f.at = time.Now().UTC().Add(submissions.Lifetime + time.Minute)
		for _, tok := range []string{late, "junk", c.ManageToken} {
			if _, err := f.svc.Confirm(ctx, tok); !errors.Is(err, submissions.ErrLinkExpired) {
				t.Fatalf("Confirm(%q): %v", tok, err)
			}
			if _, err := f.svc.Pending(ctx, tok); !errors.Is(err, submissions.ErrLinkExpired) {
				t.Fatalf("Pending(%q): %v", tok, err)
			}
		}
	})
}

// TestConfirmRush: 300 taps at once for 50 seats, some of them twice,
// keep every invariant of the seats; each form is placed once. Taps of
// links that lead nowhere come among them, read in the same batches as the
// others: each of those alone answers that its link has expired.
func TestConfirmRush(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(50, activities.QuotaInput{Attribute: "rural", Share: 0.25})
		const n, twice, nowhere = 300, 40, 30
		tokens := make([]string, n)
		for i := range tokens {
			locality := people.Urban
			if i%3 == 0 {
				locality = people.Rural
			}
			tokens[i] = f.submit(a, person(fmt.Sprintf("tap%03d@example.org", i), locality))
		}
		var wg sync.WaitGroup
		var placed, again, expired atomic.Int64
		start := make(chan struct{})
		for i := range nowhere {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				bad := "not a token"
				if i%2 == 0 {
					bad, _ = links.New() // well-formed, unknown
				}
				if _, err := f.svc.Confirm(ctx, bad); !errors.Is(err, submissions.ErrLinkExpired) {
					t.Errorf("a link that leads nowhere answered %v", err)
					return
				}
				expired.Add(1)
			}()
		}
		for i := range n + twice {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				c, err := f.svc.Confirm(ctx, tokens[i%n])
				switch {
				case err != nil:
					t.Errorf("tap %d: %v", i, err)
				case c.Again:
					again.Add(1)
				default:
					placed.Add(1)
				}
			}()
		}
		close(start)
		wg.Wait()
		if placed.Load() != n || again.Load() != twice || expired.Load() != nowhere {
			t.Fatalf("%d placed, %d again, %d expired; want %d, %d, %d", placed.Load(), again.Load(), expired.Load(), n, twice, nowhere)
		}
		checkRush(t, f, a, n)
	})
}

// guardianCamp is a one-seat camp whose seat a minor took by the emailed
// link, awaiting their guardian, with an adult waiting behind; it returns
// the guardian's token.
func (f *fixture) guardianCamp() (a *activities.Activity, young, adult *registration.Placed, token string) {
	f.t.Helper()
	ctx := context.Background()
	a = f.camp(1)
	in := minor("young@example.org", a)
	yes, needs := true, "a ramp at the entrance"
	in.Person.Sensitive = people.Sensitive{Minority: &yes, AccessibilityNeeds: &needs}
	c, err := f.svc.Confirm(ctx, f.submit(a, in))
	if err != nil || c.Status != "confirmed" || c.Guardian != registration.GuardianPending || c.GuardianDueAt == nil {
		f.t.Fatalf("the minor: %+v %v", c, err)
	}
	if adult, err = f.svc.Register(ctx, a, person("adult@example.org", people.Urban)); err != nil || adult.Status != "waitlisted" {
		f.t.Fatalf("the adult: %+v %v", adult, err)
	}
	if !strings.Contains(last(f.t, f.db, "young@example.org", "registration.confirmed").Body, "Parent Name") {
		f.t.Fatal("the minor is not told that their guardian must answer")
	}
	m := last(f.t, f.db, "guardian.young@example.org", "guardian.request")
	for _, secret := range []string{"ramp", needs} {
		if strings.Contains(m.Body, secret) || strings.Contains(m.Subject, secret) {
			f.t.Fatalf("the guardian's email holds a declared answer:\n%s", m.Body)
		}
	}
	if m.Locale != "mn" || !strings.Contains(m.Body, "Зуны зуслан") {
		f.t.Fatalf("the guardian's email is not in the registrant's language:\n%s", m.Body)
	}
	return a, &c.Placed, adult, link(f.t, m, "g")
}

// guardianConsents are the guardian's consents in a person's history.
func (f *fixture) guardianConsents(personID int64) []people.Consent {
	f.t.Helper()
	var out []people.Consent
	if err := f.db.Where("person_id = ? AND purpose = ?", personID, people.ConsentOfGuardian).Order("id").Find(&out).Error; err != nil {
		f.t.Fatal(err)
	}
	return out
}

func TestGuardianGives(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		_, young, adult, token := f.guardianCamp()
		v, err := f.svc.GuardianRequest(ctx, token)
		if err != nil || v.Answer != registration.GuardianPending || v.GivenName != "Test" || v.GuardianName != "Parent Name" ||
			v.Locale != "mn" || v.DueAt.Before(time.Now().Add(6*24*time.Hour)) {
			t.Fatalf("the guardian's page: %+v %v", v, err)
		}
		if v, err = f.svc.GuardianAnswer(ctx, token, true); err != nil || v.Answer != registration.GuardianGiven {
			t.Fatalf("give: %+v %v", v, err)
		}
		if _, err := f.svc.GuardianAnswer(ctx, token, false); messageID(err) != "error_guardian_answered" {
			t.Fatalf("a second answer: %v", err)
		}
		got, _ := f.svc.Get(ctx, young.ID)
		if got.Status != "confirmed" || got.Guardian != registration.GuardianGiven {
			t.Fatalf("after consent: %+v", got)
		}
		if got, _ := f.svc.Get(ctx, adult.ID); got.Status != "waitlisted" {
			t.Fatalf("the waitlist moved: %+v", got)
		}
		if c := f.guardianConsents(*young.PersonID); len(c) != 1 || !c[0].Given || c[0].Source != registration.GuardianByLink {
			t.Fatalf("consent history: %+v", c)
		}
		link(t, last(t, db, "young@example.org", "registration.guardian_given"), "r")
		// Nor does expiry touch an answered place.
		f.at = time.Now().UTC().Add(8 * 24 * time.Hour)
		if n, err := f.svc.ExpireGuardians(ctx); err != nil || n != 0 {
			t.Fatalf("expired %d, %v", n, err)
		}
	})
}

func TestGuardianRefuses(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		_, young, adult, token := f.guardianCamp()
		if v, err := f.svc.GuardianAnswer(ctx, token, false); err != nil || v.Answer != registration.GuardianRefused {
			t.Fatalf("refuse: %+v %v", v, err)
		}
		got, _ := f.svc.Get(ctx, young.ID)
		if got.Status != "cancelled" || got.Guardian != registration.GuardianRefused {
			t.Fatalf("after refusal: %+v", got)
		}
		if got, _ := f.svc.Get(ctx, adult.ID); got.Status != "confirmed" {
			t.Fatalf("the waitlist did not move: %+v", got)
		}
		if c := f.guardianConsents(*young.PersonID); len(c) != 1 || c[0].Given {
			t.Fatalf("consent history: %+v", c)
		}
		link(t, last(t, db, "young@example.org", "registration.guardian_refused"), "r")
		link(t, last(t, db, "adult@example.org", "registration.promoted"), "r")
	})
}

func TestGuardianExpires(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		_, young, adult, token := f.guardianCamp()
		if n, err := f.svc.ExpireGuardians(ctx); err != nil || n != 0 {
			t.Fatalf("expired %d before the due time, %v", n, err)
		}
		f.at = young.GuardianDueAt.Add(time.Minute)
		// Two nodes at once: one cancels the place.
		var wg sync.WaitGroup
		var total atomic.Int64
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := f.svc.ExpireGuardians(ctx)
				if err != nil {
					t.Error(err)
				}
				total.Add(int64(n))
			}()
		}
		wg.Wait()
		if total.Load() != 1 {
			t.Fatalf("expired %d", total.Load())
		}
		got, _ := f.svc.Get(ctx, young.ID)
		if got.Status != "cancelled" || got.Guardian != registration.GuardianRefused {
			t.Fatalf("after the due time: %+v", got)
		}
		if got, _ := f.svc.Get(ctx, adult.ID); got.Status != "confirmed" {
			t.Fatalf("the waitlist did not move: %+v", got)
		}
		if c := f.guardianConsents(*young.PersonID); len(c) != 0 {
			t.Fatalf("silence entered the consent history: %+v", c)
		}
		link(t, last(t, db, "young@example.org", "registration.guardian_expired"), "r")
		if _, err := f.svc.GuardianRequest(ctx, token); !errors.Is(err, submissions.ErrLinkExpired) {
			t.Fatalf("the guardian's link after the due time: %v", err)
		}
		if _, err := f.svc.GuardianAnswer(ctx, token, true); !errors.Is(err, submissions.ErrLinkExpired) {
			t.Fatalf("an answer after the due time: %v", err)
		}
	})
}

// TestGuardianForms: a minor's form names a guardian other than themself;
// an adult's guardian is not kept; staff record paper consent, audited
// without names.
func TestGuardianForms(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(5)
		none := minor("kid@example.org", a)
		none.Guardian = nil
		self := minor("kid@example.org", a)
		self.Guardian.Email = "KID@example.org"
		bad := minor("kid@example.org", a)
		bad.Guardian.Email = "not an address"
		for name, in := range map[string]registration.Request{"none": none, "self": self, "bad": bad} {
			for _, try := range []func() error{
				func() error { return f.svc.Submit(ctx, a, in) },
				func() error { _, err := f.svc.Register(ctx, a, in); return err },
			} {
				var ae *apperr.Error
				if err := try(); !errors.As(err, &ae) || ae.Fields["guardian"].ID == "" {
					t.Errorf("%s: %v", name, err)
				}
			}
		}
		if f.count("submissions") != 0 || f.count("registrations") != 0 {
			t.Fatal("a refused form was kept")
		}
		// Guardian age 0 on the activity: nobody needs one.
		free := f.set(f.camp(5), map[string]any{"guardian_age": 0})
		if r, err := f.svc.Register(ctx, free, none); err != nil || r.Guardian != registration.GuardianNotNeeded {
			t.Fatalf("no guardian age: %+v %v", r, err)
		}
		adultForm := person("grown@example.org", people.Urban)
		adultForm.Guardian = &registration.Guardian{Name: "Someone", Email: "someone@example.org"}
		grown, err := f.svc.Register(ctx, a, adultForm)
		if err != nil || grown.Guardian != registration.GuardianNotNeeded || grown.GuardianEmail != "" {
			t.Fatalf("an adult's guardian: %+v %v", grown, err)
		}

		young, err := f.svc.Register(ctx, a, minor("kid@example.org", a))
		if err != nil || young.Guardian != registration.GuardianPending {
			t.Fatalf("the minor: %+v %v", young, err)
		}
		if _, err := f.svc.RecordGuardian(ctx, staff, 1, young.ID, true, "email", ""); messageID(err) != "error_guardian_method" {
			t.Fatalf("unknown method: %v", err)
		}
		if _, err := f.svc.RecordGuardian(ctx, staff, 1, grown.ID, true, registration.GuardianByPaper, ""); messageID(err) != "error_guardian_not_needed" {
			t.Fatalf("an adult: %v", err)
		}
		if _, err := f.svc.RecordGuardian(ctx, access.Viewer{UserID: 99}, 1, young.ID, true, registration.GuardianByPaper, ""); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("out of reach: %v", err)
		}
		for _, bad := range []string{"bad\x00note", strings.Repeat("é", 501)} {
			var ae *apperr.Error
			if _, err := f.svc.RecordGuardian(ctx, staff, 1, young.ID, true, registration.GuardianByPaper, bad); !errors.As(err, &ae) || ae.Fields["note"].ID == "" {
				t.Fatalf("note %.20q: %v", bad, err)
			}
		}
		got, err := f.svc.RecordGuardian(ctx, staff, 1, young.ID, true, registration.GuardianByPaper, "  signed form, office file 12 ")
		if err != nil || got.Guardian != registration.GuardianGiven || got.Status != "confirmed" || got.GuardianNote != "signed form, office file 12" {
			t.Fatalf("paper consent: %+v %v", got, err)
		}
		if c := f.guardianConsents(*young.PersonID); len(c) != 1 || !c[0].Given || c[0].Source != registration.GuardianByPaper {
			t.Fatalf("consent history: %+v", c)
		}
		var entry audit.Entry
		if err := db.Where("action = ?", "registration.guardian").Take(&entry).Error; err != nil {
			t.Fatal(err)
		}
		if entry.Details != `{"given":true,"method":"paper"}` || entry.ObjectID != fmt.Sprint(young.ID) {
			t.Fatalf("audit entry: %+v", entry)
		}
		if _, err := f.svc.RecordGuardian(ctx, staff, 1, young.ID, false, registration.GuardianByPaper, ""); messageID(err) != "error_guardian_answered" {
			t.Fatalf("answered twice: %v", err)
		}
	})
}

// TestManageLinkCancel: the link in the email cancels, and the seat moves
// on at once; the next person's email carries their own link.
func TestManageLinkCancel(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(1)
		first, err := f.svc.Confirm(ctx, f.submit(a, person("first@example.org", people.Urban)))
		if err != nil {
			t.Fatal(err)
		}
		second, err := f.svc.Confirm(ctx, f.submit(a, person("second@example.org", people.Urban)))
		if err != nil || second.Status != "waitlisted" || second.Position != 1 {
			t.Fatalf("second: %+v %v", second, err)
		}
		token := link(t, last(t, db, "first@example.org", "registration.confirmed"), "r")
		m, err := f.svc.CancelByLink(ctx, token)
		if err != nil || m.Status != "cancelled" || m.ID != first.ID || m.Activity.ID != a.ID {
			t.Fatalf("cancel: %+v %v", m, err)
		}
		if _, err := f.svc.CancelByLink(ctx, token); messageID(err) != "error_already_cancelled" {
			t.Fatalf("cancel twice: %v", err)
		}
		if m, err := f.svc.Manage(ctx, token); err != nil || m.Status != "cancelled" {
			t.Fatalf("the page after cancelling: %+v %v", m, err)
		}
		link(t, last(t, db, "first@example.org", "registration.cancelled"), "r")
		promoted := link(t, last(t, db, "second@example.org", "registration.promoted"), "r")
		if m, err := f.svc.Manage(ctx, promoted); err != nil || m.ID != second.ID || m.Status != "confirmed" || m.Position != 0 {
			t.Fatalf("the promoted person's page: %+v %v", m, err)
		}
		// A guardian's link opens no manage page, nor the reverse.
		if _, err := f.svc.GuardianRequest(ctx, promoted); !errors.Is(err, submissions.ErrLinkExpired) {
			t.Fatalf("a manage link as a guardian's: %v", err)
		}
		// Once the activity has ended, every link is dead.
		f.at = a.EndsAt.Add(time.Minute)
		if _, err := f.svc.Manage(ctx, promoted); !errors.Is(err, submissions.ErrLinkExpired) {
			t.Fatalf("after the end: %v", err)
		}
		if _, err := f.svc.CancelByLink(ctx, promoted); !errors.Is(err, submissions.ErrLinkExpired) {
			t.Fatalf("cancel after the end: %v", err)
		}
	})
}

// TestRemindersGoOnce: each confirmed participant is reminded once, even
// with two nodes at it; nobody waiting or awaiting a guardian, and nobody
// of an activity with reminder_hours 0.
func TestRemindersGoOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		soon := f.set(f.campIn(24*time.Hour, 3), map[string]any{"reminder_hours": 48})
		silent := f.set(f.campIn(24*time.Hour, 3), map[string]any{"reminder_hours": 0})
		later := f.set(f.campIn(72*time.Hour, 3), map[string]any{"reminder_hours": 48})
		for _, a := range []*activities.Activity{soon, silent, later} {
			for _, email := range []string{"one@example.org", "two@example.org"} {
				if _, err := f.svc.Register(ctx, a, person(email, people.Urban)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := f.svc.Register(ctx, soon, minor("young@example.org", soon)); err != nil {
			t.Fatal(err)
		}
		if r, err := f.svc.Register(ctx, soon, person("waiting@example.org", people.Urban)); err != nil || r.Status != "waitlisted" {
			t.Fatalf("waiting: %+v %v", r, err)
		}
		var wg sync.WaitGroup
		var total atomic.Int64
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := f.svc.RemindDue(ctx)
				if err != nil {
					t.Error(err)
				}
				total.Add(int64(n))
			}()
		}
		wg.Wait()
		var reminders []outbox.Message
		db.Where("kind = ?", "registration.reminder").Order("to_address").Find(&reminders)
		if total.Load() != 2 || len(reminders) != 2 || reminders[0].ToAddress != "one@example.org" || reminders[1].ToAddress != "two@example.org" {
			t.Fatalf("%d reminders counted, queued %v", total.Load(), reminders)
		}
		if m, err := f.svc.Manage(ctx, link(t, reminders[0], "r")); err != nil || m.ActivityID != soon.ID {
			t.Fatalf("the reminder's link: %+v %v", m, err)
		}
		if n, err := f.svc.RemindDue(ctx); err != nil || n != 0 {
			t.Fatalf("reminded again: %d %v", n, err)
		}
		// A day later the later camp is within its 48 hours.
		f.at = time.Now().UTC().Add(25 * time.Hour)
		if n, err := f.svc.RemindDue(ctx); err != nil || n != 2 {
			t.Fatalf("the later camp: %d %v", n, err)
		}
	})
}

// TestDiscreetActivityNeverNamed: no email about a discreet activity names
// it or its venue, in its subject or its body, whatever it is about.
func TestDiscreetActivityNeverNamed(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp(1)
		if err := db.Model(&activities.Translation{}).Where("activity_id = ?", a.ID).
			Update("title", gorm.Expr("CASE locale WHEN 'en' THEN 'Rainbow circle' ELSE 'Солонго дугуйлан' END")).Error; err != nil {
			t.Fatal(err)
		}
		a = f.set(a, map[string]any{"discreet": true, "venue": "Hidden house 12", "mode": activities.ModeInPerson, "reminder_hours": 24 * 40})
		secrets := []string{"Rainbow", "Солонго", "Hidden house"}

		first := person("first@example.org", people.Urban)
		first.Person.Locale = "en"
		c, err := f.svc.Confirm(ctx, f.submit(a, first)) // verify, confirmed
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Submit(ctx, a, first); err != nil { // known
			t.Fatal(err)
		}
		if _, err := f.svc.Register(ctx, a, person("second@example.org", people.Urban)); err != nil { // waitlisted
			t.Fatal(err)
		}
		young, err := f.svc.Register(ctx, a, minor("young@example.org", a)) // waitlisted, guardian request
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CancelByLink(ctx, c.ManageToken); err != nil { // cancelled, promoted
			t.Fatal(err)
		}
		if _, err := f.svc.RecordGuardian(ctx, staff, 1, young.ID, true, registration.GuardianByTrusted, ""); err != nil { // given
			t.Fatal(err)
		}
		if n, err := f.svc.RemindDue(ctx); err != nil || n != 1 { // reminder
			t.Fatalf("reminders: %d %v", n, err)
		}
		if _, err := f.act.SetStatus(ctx, 0, a.ID, activities.StatusCancelled); err != nil { // activity cancelled
			t.Fatal(err)
		}
		var all []outbox.Message
		db.Order("id").Find(&all)
		seen := map[string]bool{}
		for _, m := range all {
			seen[m.Kind] = true
			for _, s := range secrets {
				if strings.Contains(m.Subject, s) || strings.Contains(m.Body, s) {
					t.Errorf("%s email names %q:\n%s\n%s", m.Kind, s, m.Subject, m.Body)
				}
			}
			if neutral := f.cat.Localizer(m.Locale).T("notice_discreet_subject"); m.Kind != "guardian.request" && m.Subject != neutral {
				t.Errorf("%s subject %q, want %q", m.Kind, m.Subject, neutral)
			}
		}
		for _, k := range []string{"registration.verify", "registration.confirmed", "registration.known", "registration.waitlisted",
			"guardian.request", "registration.cancelled", "registration.promoted", "registration.guardian_given",
			"registration.reminder", "activity.cancelled"} {
			if !seen[k] {
				t.Errorf("no %s email was checked", k)
			}
		}
	})
}
