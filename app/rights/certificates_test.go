package rights_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// TestCertificatesExportedAndErased: a person's certificates are in their
// export; once they are erased, the certificate is gone and its code no
// longer verifies, while the registration stays as an anonymous count.
func TestCertificatesExportedAndErased(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.camp("lake", 10, 48*time.Hour)
		r := f.register(a, "Батбаяр", "batbayar@example.org", people.Sensitive{})
		if err := db.Model(&registration.Registration{}).Where("id = ?", r.ID).Update("attended", true).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := f.acts.SetStatus(ctx, 0, a.ID, activities.StatusCompleted); err != nil {
			t.Fatal(err)
		}
		certs := path.NewCertificates(db, clock.System)
		o, err := certs.ForRegistration(ctx, *r.PersonID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		c, err := certs.Issue(ctx, o, "mn")
		if err != nil {
			t.Fatal(err)
		}
		out, err := f.rights.Export(ctx, *r.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Certificates) != 1 || out.Certificates[0].Code != path.FormatCode(c.Code) || out.Certificates[0].ActivityID != a.ID ||
			out.Certificates[0].ActivityTitle["mn"] != "Зуслан lake" || out.Certificates[0].IssuedAt.IsZero() {
			t.Fatalf("exported certificates: %+v", out.Certificates)
		}
		if _, err := f.rights.Erase(ctx, 0, *r.PersonID); err != nil {
			t.Fatal(err)
		}
		if _, err := certs.Verify(ctx, c.Code); !errors.Is(err, path.ErrInvalidCode) {
			t.Fatalf("an erased person's code: %v", err)
		}
		if n := f.count("SELECT COUNT(*) FROM certificates"); n != 0 {
			t.Fatalf("%d certificates after erasure", n)
		}
		if n := f.count("SELECT COUNT(*) FROM registrations WHERE person_id IS NULL"); n != 1 {
			t.Fatalf("%d anonymous registrations after erasure", n)
		}
	})
}
