package people_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func TestContactValidate(t *testing.T) {
	t.Parallel()
	c := people.Contact{GivenName: " Saraa ", Email: " Saraa@Example.ORG ", Region: "MN-057", Locale: "xx"}
	f := apperr.Fields{}
	c.Validate(f)
	if len(f) != 0 || c.GivenName != "Saraa" || c.Email != "saraa@example.org" || c.Locale != "" {
		t.Fatalf("normalised contact %+v, errors %v", c, f)
	}
	for field, bad := range map[string]people.Contact{
		"given_name": {Email: "a@example.org"},
		"email":      {GivenName: "A", Email: "not an address"},
		"region":     {GivenName: "A", Email: "a@example.org", Region: "XX-99"},
	} {
		f := apperr.Fields{}
		bad.Validate(f)
		if _, ok := f[field]; !ok || len(f) != 1 {
			t.Errorf("%s: errors %v", field, f)
		}
	}
}

// TestFindOrCreateContact: a signer without birth year or locality becomes
// a person; a known email finds its person, whose record the form leaves as
// it is, whatever the letter case.
func TestFindOrCreateContact(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		sealer, err := people.NewSealer(keys.Derive([]byte("0123456789abcdef0123456789abcdef")).Seal)
		if err != nil {
			t.Fatal(err)
		}
		s := people.NewStore(db, sealer, clock.System)
		now := time.Now().UTC()
		find := func(c people.Contact) *people.Person {
			t.Helper()
			var p *people.Person
			c.Validate(apperr.Fields{})
			err := database.Tx(context.Background(), db, func(tx *gorm.DB) error {
				var err error
				p, err = s.FindOrCreateContact(tx, c, "petition", now)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		p := find(people.Contact{GivenName: "Saraa", Email: "saraa@example.org", Region: "MN-057", Locale: "mn"})
		if p.ID == 0 || p.BirthYear != nil || p.Locality != "" || p.Source != "petition" || p.ConsentVersion != people.ConsentVersion || p.Locale != "mn" {
			t.Fatalf("new signer %+v", p)
		}
		// An account with that email, in any case, finds the record.
		if id, err := s.IDByEmail(context.Background(), " Saraa@EXAMPLE.org"); err != nil || id != p.ID {
			t.Fatalf("IDByEmail = %d, %v; want %d", id, err, p.ID)
		}
		if _, err := s.IDByEmail(context.Background(), "nobody@example.org"); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("IDByEmail of an unknown email: %v", err)
		}
		again := find(people.Contact{GivenName: "Someone else", Email: "SARAA@example.org", Region: "FR-75"})
		if again.ID != p.ID || again.GivenName != "Saraa" || again.Region != "MN-057" {
			t.Fatalf("known signer %+v, want the record of %d unchanged", again, p.ID)
		}
		var n int64
		db.Model(&people.Person{}).Count(&n)
		if n != 1 {
			t.Fatalf("%d people, want 1", n)
		}
	})
}
