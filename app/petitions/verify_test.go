package petitions_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/formlimit"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/submissions"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// mailTo returns the mail queued to address, oldest first.
func mailTo(t *testing.T, db *gorm.DB, address string) []outbox.Message {
	t.Helper()
	var out []outbox.Message
	if err := db.Where("to_address = ?", address).Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

var linkRe = regexp.MustCompile(`http://gotong\.test/v/([A-Za-z0-9_-]+)`)

// linkOf returns the token of the link in the last mail to address, which
// must be a MailVerify.
func linkOf(t *testing.T, db *gorm.DB, address string) string {
	t.Helper()
	mail := mailTo(t, db, address)
	if len(mail) == 0 {
		t.Fatalf("no mail to %s", address)
	}
	m := mail[len(mail)-1]
	match := linkRe.FindStringSubmatch(m.Body)
	if m.Kind != petitions.MailVerify || match == nil {
		t.Fatalf("the last mail to %s is %s with no link: %q", address, m.Kind, m.Body)
	}
	return match[1]
}

func signatures(t *testing.T, s *petitions.Store, slug string) int {
	t.Helper()
	p, err := s.GetBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return p.Signatures
}

// TestSubmitAnswersAlike: the public form answers the same for an address
// that signed and one that did not, counts nothing, and queues one email
// each in the form's language: the link for the one, "you signed already"
// for the other.
func TestSubmitAnswersAlike(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := newStore(t, db)
		camp := newCampaign(t, db, "Free expression", "expression")
		if _, err := s.Create(ctx, 0, input(camp, "free-them")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Sign(ctx, "free-them", signer("known@example.org"), "en"); err != nil {
			t.Fatal(err)
		}
		persons := countRows(t, db, "people")

		errKnown := s.Submit(ctx, "free-them", signer(" Known@Example.org "), "fr")
		errNew := s.Submit(ctx, "free-them", signer("New@example.org"), "fr")
		if errKnown != nil || errNew != nil {
			t.Fatalf("Submit: %v for the known address, %v for the new one", errKnown, errNew)
		}
		if n := signatures(t, s, "free-them"); n != 1 {
			t.Fatalf("count %d after two forms, want 1: nothing counts before its link", n)
		}
		if n := countRows(t, db, "people"); n != persons {
			t.Fatalf("%d people after the forms, want %d", n, persons)
		}
		// The same writes for both: a submission each.
		if n := countRows(t, db, "submissions"); n != 2 {
			t.Fatalf("%d submissions, want 2", n)
		}

		known, fresh := mailTo(t, db, "known@example.org"), mailTo(t, db, "new@example.org")
		if len(known) != 1 || len(fresh) != 1 {
			t.Fatalf("%d mails to the known address and %d to the new one, want 1 each", len(known), len(fresh))
		}
		k, f := known[0], fresh[0]
		if k.Kind != petitions.MailKnown || f.Kind != petitions.MailVerify || k.Locale != "fr" || f.Locale != "fr" {
			t.Fatalf("mails %s/%s and %s/%s", k.Kind, k.Locale, f.Kind, f.Locale)
		}
		if strings.Contains(k.Body, "/v/") || !strings.Contains(k.Body, "Free them now") {
			t.Errorf("the known address's mail: %q", k.Body)
		}
		if !linkRe.MatchString(f.Body) || !strings.Contains(f.Body, "48") || !strings.Contains(f.Body, "Free them now") {
			t.Errorf("the new address's mail: %q", f.Body)
		}
		for _, m := range []outbox.Message{k, f} {
			// A shared inbox shows subjects: they name no petition, nor
			// the name that was typed.
			if strings.Contains(m.Subject, "Free them") || strings.Contains(m.Body, "Saraa") {
				t.Errorf("%s names the petition in its subject or the typed name: %q, %q", m.Kind, m.Subject, m.Body)
			}
		}
		if strings.Contains(f.Body, "Hello") || !strings.Contains(f.Body, "Bonjour") {
			t.Errorf("the mail is not in French: %q", f.Body)
		}
	})
}

// TestSubmitRefused: a bad form is refused by field, an unknown petition is
// a 404, and neither writes anything nor sends any email.
func TestSubmitRefused(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := newStore(t, db)
		camp := newCampaign(t, db, "Free expression", "expression")
		if _, err := s.Create(ctx, 0, input(camp, "free-them")); err != nil {
			t.Fatal(err)
		}
		tables := []string{"people", "signatures", "submissions", "outbox", "form_limits"}
		tally := func() []int64 {
			var out []int64
			for _, table := range tables {
				out = append(out, countRows(t, db, table))
			}
			return out
		}
		before := tally()
		for name, tc := range map[string]struct {
			sig   petitions.Signer
			field string
		}{
			"no consent":    {petitions.Signer{GivenName: "A", Email: "a@example.org"}, "consent"},
			"bad email":     {petitions.Signer{GivenName: "A", Email: "not-an-email", Consent: true}, "email"},
			"no email":      {petitions.Signer{GivenName: "A", Consent: true}, "email"},
			"no given name": {petitions.Signer{GivenName: "  ", Email: "a@example.org", Consent: true}, "given_name"},
			"bad region":    {petitions.Signer{GivenName: "A", Email: "a@example.org", Region: "XX-1", Consent: true}, "region"},
		} {
			t.Run(name, func(t *testing.T) { fieldOf(t, s.Submit(ctx, "free-them", tc.sig, "en"), tc.field) })
		}
		if err := s.Submit(ctx, "no-such-petition", signer("c@example.org"), "en"); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("unknown petition: %v", err)
		}
		if after := tally(); !slices.Equal(before, after) {
			t.Errorf("refused forms wrote: %v %v, then %v", tables, before, after)
		}
	})
}

// TestSubmitLimitedPerEmail: past the limit of notices per email, forms to
// one address are answered as any other and no more mail goes to it.
func TestSubmitLimitedPerEmail(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := newStore(t, db)
		camp := newCampaign(t, db, "Free expression", "expression")
		if _, err := s.Create(ctx, 0, input(camp, "free-them")); err != nil {
			t.Fatal(err)
		}
		for i := range formlimit.PerEmail + 3 {
			if err := s.Submit(ctx, "free-them", signer("busy@example.org"), "en"); err != nil {
				t.Fatalf("form %d: %v", i+1, err)
			}
		}
		if n := len(mailTo(t, db, "busy@example.org")); n != formlimit.PerEmail {
			t.Fatalf("%d mails to one address, want %d", n, formlimit.PerEmail)
		}
		if n := countRows(t, db, "submissions"); n != formlimit.PerEmail+3 {
			t.Fatalf("%d submissions, want one per form", n)
		}
	})
}

// TestConfirm: the signature counts on the tap, not when the link is
// opened; a second tap, or the link of an address that signed meanwhile,
// counts nothing; a link past its lifetime, or of another kind, is dead.
func TestConfirm(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		s := newStoreAt(t, db, func() time.Time { return now })
		camp := newCampaign(t, db, "Free expression", "expression", "students")
		pet, err := s.Create(ctx, 0, input(camp, "free-them"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Submit(ctx, "free-them", signer("saraa@example.org"), "mn"); err != nil {
			t.Fatal(err)
		}
		token := linkOf(t, db, "saraa@example.org")

		// Opening the link, as a mail scanner does, counts nothing.
		for range 3 {
			p, err := s.Pending(ctx, token)
			if err != nil || p.Used || p.Petition.Slug != "free-them" || p.Petition.Signatures != 0 ||
				p.Petition.TextIn("en", "en").Title != "Free them now" {
				t.Fatalf("Pending = %+v, %v", p, err)
			}
		}
		if n := countRows(t, db, "people"); n != 0 {
			t.Fatalf("%d people before the tap", n)
		}

		got, err := s.Confirm(ctx, token)
		if err != nil || got.Again || got.Petition.Signatures != 1 || got.Petition.Slug != "free-them" {
			t.Fatalf("Confirm = %+v, %v", got, err)
		}
		var person people.Person
		if err := db.Where("email = ?", "saraa@example.org").Take(&person).Error; err != nil {
			t.Fatalf("the signer is not a person: %v", err)
		}
		if person.Source != "petition" || person.Locale != "mn" || person.Region != "MN-057" || person.GivenName != "Saraa" {
			t.Errorf("signer %+v", person)
		}
		if got := tagsOf(t, db, "saraa@example.org"); !slices.Equal(got, []string{"expression", "students"}) {
			t.Errorf("signer's tags %v, want the campaign's themes", got)
		}
		var consents []people.Consent
		if err := db.Where("person_id = ?", person.ID).Find(&consents).Error; err != nil || len(consents) != 1 ||
			consents[0].Source != people.ConsentPetition || consents[0].Version != people.ConsentVersion {
			t.Errorf("consent history %+v, %v", consents, err)
		}
		var sig petitions.Signature
		if err := db.Take(&sig).Error; err != nil {
			t.Fatal(err)
		}
		var sub submissions.Submission
		if err := db.Take(&sub).Error; err != nil || sub.UsedAt == nil || sub.ResultID == nil || *sub.ResultID != sig.ID {
			t.Fatalf("the submission after its tap: %+v, %v", sub, err)
		}

		// A second tap counts nothing; the page then says it was used.
		if again, err := s.Confirm(ctx, token); err != nil || !again.Again || again.Petition.Signatures != 1 {
			t.Fatalf("second tap: %+v, %v", again, err)
		}
		if p, err := s.Pending(ctx, token); err != nil || !p.Used || p.Petition.Signatures != 1 {
			t.Fatalf("Pending after the tap: %+v, %v", p, err)
		}

		// Now the address signed: a new form gets "signed already".
		if err := s.Submit(ctx, "free-them", signer("SARAA@example.org"), "en"); err != nil {
			t.Fatal(err)
		}
		if mail := mailTo(t, db, "saraa@example.org"); len(mail) != 2 || mail[1].Kind != petitions.MailKnown {
			t.Fatalf("mail to a signer who signs again: %+v", mail)
		}

		// Two forms of a new address before either link is tapped: the
		// first tap counts, the second finds the address signed.
		for range 2 {
			if err := s.Submit(ctx, "free-them", signer("bat@example.org"), "en"); err != nil {
				t.Fatal(err)
			}
		}
		mail := mailTo(t, db, "bat@example.org")
		if len(mail) != 2 || mail[0].Kind != petitions.MailVerify || mail[1].Kind != petitions.MailVerify {
			t.Fatalf("mail to bat: %+v", mail)
		}
		first, second := linkRe.FindStringSubmatch(mail[0].Body)[1], linkRe.FindStringSubmatch(mail[1].Body)[1]
		if got, err := s.Confirm(ctx, second); err != nil || got.Again || got.Petition.Signatures != 2 {
			t.Fatalf("bat's second link: %+v, %v", got, err)
		}
		if got, err := s.Confirm(ctx, first); err != nil || !got.Again || got.Petition.Signatures != 2 {
			t.Fatalf("bat's first link after the second: %+v, %v", got, err)
		}

		// Dead links: junk, unknown, of another kind, expired.
		var registration string
		if err := database.Tx(ctx, db, func(tx *gorm.DB) error {
			var err error
			registration, err = submissions.NewStore(db, testSealer(t), clock.System).
				Create(tx, submissions.KindRegistration, pet.ID, signer("reg@example.org"), "en")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.Submit(ctx, "free-them", signer("late@example.org"), "en"); err != nil {
			t.Fatal(err)
		}
		late := linkOf(t, db, "late@example.org")
		now = now.Add(submissions.Lifetime)
		for _, tok := range []string{"x", token + "x", registration, late} {
			if _, err := s.Pending(ctx, tok); !errors.Is(err, submissions.ErrLinkExpired) {
				t.Errorf("Pending(%q) = %v", tok, err)
			}
			if _, err := s.Confirm(ctx, tok); !errors.Is(err, submissions.ErrLinkExpired) {
				t.Errorf("Confirm(%q) = %v", tok, err)
			}
		}
		if n := signatures(t, s, "free-them"); n != 2 {
			t.Fatalf("count %d, want 2", n)
		}
	})
}

// TestConfirmConcurrently: taps at once on 20 links count 20 signatures;
// 10 taps at once on one link count one.
func TestConfirmConcurrently(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := newStore(t, db)
		camp := newCampaign(t, db, "Free expression", "expression")
		if _, err := s.Create(ctx, 0, input(camp, "free-them")); err != nil {
			t.Fatal(err)
		}
		const distinct, taps = 20, 10
		tokens := make([]string, distinct+1)
		for i := range tokens {
			email := fmt.Sprintf("p%d@example.org", i)
			if err := s.Submit(ctx, "free-them", signer(email), "en"); err != nil {
				t.Fatal(err)
			}
			tokens[i] = linkOf(t, db, email)
		}
		tapAll := func(tokens []string) (counted int) {
			var wg sync.WaitGroup
			var n atomic.Int32
			start := make(chan struct{})
			for _, tok := range tokens {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					got, err := s.Confirm(ctx, tok)
					if err != nil {
						t.Errorf("Confirm: %v", err)
						return
					}
					if !got.Again {
						n.Add(1)
					}
				}()
			}
			close(start)
			wg.Wait()
			return int(n.Load())
		}
		if n := tapAll(tokens[:distinct]); n != distinct {
			t.Fatalf("%d of %d links counted", n, distinct)
		}
		if n := signatures(t, s, "free-them"); n != distinct {
			t.Fatalf("count %d after %d links, want %d", n, distinct, distinct)
		}
		one := slices.Repeat(tokens[distinct:], taps)
		if n := tapAll(one); n != 1 {
			t.Fatalf("%d of %d taps on one link counted, want 1", n, taps)
		}
		if n := signatures(t, s, "free-them"); n != distinct+1 {
			t.Fatalf("count %d, want %d", n, distinct+1)
		}
		if n := countRows(t, db, "people"); n != distinct+1 {
			t.Fatalf("%d people, want %d", n, distinct+1)
		}
	})
}
