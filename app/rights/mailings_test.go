package rights_test

import (
	"context"
	"testing"

	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/mailings"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/segments"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/locales"
	"gorm.io/gorm"
)

// TestMailingsExportedAndErased: the mailings a person was sent are in
// their export with its consent to news; erasing them leaves the mailing's
// counts whole and its recipient row pointing at nobody.
func TestMailingsExportedAndErased(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		p, err := f.people.Create(ctx, 0, people.Input{GivenName: "Saraa", Email: "saraa@example.org", Locale: "mn"}, true, true)
		if err != nil {
			t.Fatal(err)
		}
		cat, err := i18n.Load(locales.FS, "en", nil)
		if err != nil {
			t.Fatal(err)
		}
		svc := mailings.NewService(db, segments.NewStore(db, nil, clock.System), cat, "http://gotong.test",
			keys.Derive([]byte("0123456789abcdef0123456789abcdef")).Mailing, clock.System)
		m, err := svc.Create(ctx, 0, mailings.Input{Name: "Camp news", Subject: map[string]string{"en": "s"}, Body: map[string]string{"en": "b"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Send(ctx, 0, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		out, err := f.rights.Export(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if out.Person.NewsAt == nil || len(out.Mailings) != 1 || out.Mailings[0].Name != "Camp news" || out.Mailings[0].Status != "queued" {
			t.Fatalf("export: news_at %v, mailings %+v", out.Person.NewsAt, out.Mailings)
		}
		if _, err := f.rights.Erase(ctx, 0, p.ID); err != nil {
			t.Fatal(err)
		}
		var left []struct{ PersonID *int64 }
		db.Raw("SELECT person_id FROM mailing_recipients WHERE mailing_id = ?", m.ID).Scan(&left)
		if len(left) != 1 || left[0].PersonID != nil {
			t.Errorf("recipient rows after erasure: %+v", left)
		}
	})
}
