package people_test

import (
	"context"
	"testing"
	"time"

	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

func TestSearchText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		given, family, email, handle, want string
	}{
		{"Батбаяр", "БОЛД", "bat@example.org", "@Bat", "батбаяр болд\nbat@example.org\n@bat"},
		{"Hélène", "", "", "", "helene\n\n"},
		{"", "Dupré", "", "", "dupre\n\n"},
	} {
		if got := people.SearchText(c.given, c.family, c.email, c.handle); got != c.want {
			t.Errorf("SearchText(%q, %q, %q, %q) = %q, want %q", c.given, c.family, c.email, c.handle, got, c.want)
		}
	}
	for q, want := range map[string]string{"БАТ": "%бат%", "a_b%c\\": `%a\_b\%c\\%`, "Élodie": "%elodie%"} {
		if got := people.SearchPattern(q); got != want {
			t.Errorf("SearchPattern(%q) = %q, want %q", q, got, want)
		}
	}
}

// TestSearchColumnsFollowWrites: every way a person is written (staff,
// a form, an import creating or updating) leaves their search columns
// folded from what they hold then.
func TestSearchColumnsFollowWrites(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := newStore(t, db)
		columns := func(email string) (string, string) {
			t.Helper()
			var row struct {
				SearchText *string
				HandleKey  string
			}
			if err := db.Table("people").Select("search_text, handle_key").Where("email = ?", email).Take(&row).Error; err != nil {
				t.Fatal(err)
			}
			if row.SearchText == nil {
				t.Fatalf("%s has no search text", email)
			}
			return *row.SearchText, row.HandleKey
		}
		want := func(email, text, handle string) {
			t.Helper()
			if gotText, gotHandle := columns(email); gotText != text || gotHandle != handle {
				t.Errorf("%s: search_text %q, handle_key %q; want %q, %q", email, gotText, gotHandle, text, handle)
			}
		}

		p, err := s.Create(ctx, 0, people.Input{GivenName: "Батбаяр", FamilyName: "Болд", Email: "Bat@Example.org",
			Handle: "https://twitter.com/BatB"}, false, false)
		if err != nil {
			t.Fatal(err)
		}
		want("bat@example.org", "батбаяр болд\nbat@example.org\n@batb", "batb")
		if p.Handle != "@BatB" {
			t.Errorf("a profile link is kept as its handle: %q", p.Handle)
		}
		in := p.Input()
		in.FamilyName = "ДОРЖ"
		if _, err := s.Update(ctx, 0, p.ID, in); err != nil {
			t.Fatal(err)
		}
		want("bat@example.org", "батбаяр дорж\nbat@example.org\n@batb", "batb")

		err = db.Transaction(func(tx *gorm.DB) error {
			_, err := s.FindOrCreateContact(tx, people.Contact{GivenName: "Hélène", Email: "helene@example.org"}, "petition", time.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		want("helene@example.org", "helene\nhelene@example.org\n", "")

		// An import updating the names keeps the handle, which it does not
		// give, in the search text.
		rep, err := s.Import(ctx, []byte("email,given_name,family_name\nbat@example.org,БАТБАЯР,Сүхбаатар\n"),
			people.ImportOptions{Update: true})
		if err != nil || rep.Updated != 1 {
			t.Fatalf("import: %+v, %v", rep, err)
		}
		want("bat@example.org", "батбаяр сүхбаатар\nbat@example.org\n@batb", "batb")
		if _, err := s.Import(ctx, []byte("email,given_name,handle\nnew@example.org,Ölziï,x.com/Olzii/\n"), people.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		want("new@example.org", "olzii\nnew@example.org\n@olzii", "olzii")
	})
}
