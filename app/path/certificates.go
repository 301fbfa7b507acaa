package path

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/links"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/submissions"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Certificates of attendance (DESIGN.md, "The youth path"): an attendee of
// a completed activity downloads one from their registration's private
// link or their account; its code is checked at /verify/{code}.

// Why a certificate cannot be had. Each says so in the reader's language.
var (
	// ErrNotCompleted: certificates come once staff mark the activity
	// completed.
	ErrNotCompleted = apperr.New(apperr.Conflict, "error_certificate_not_completed")
	// ErrNotAttended: only a registration marked as attended has one.
	ErrNotAttended = apperr.New(apperr.NotFound, "error_certificate_not_attended")
	// ErrInvalidCode: no certificate has this code (made up, mistyped, or
	// its person erased).
	ErrInvalidCode = apperr.New(apperr.NotFound, "error_certificate_invalid")
)

// Certificate is a row of certificates: one per registration, issued on
// its first download.
type Certificate struct {
	ID             int64
	Code           string // ParseCode's form: capitals, no hyphens
	RegistrationID int64
	PersonID       int64
	FullTitle      bool   // a discreet activity is named in full, as its participant chose
	Locale         string // the language it was first issued in
	IssuedAt       time.Time
}

// TableName is the migrated table.
func (Certificate) TableName() string { return "certificates" }

// Offer is a certificate that an attendee may download: their
// registration, the activity, and the certificate once issued.
type Offer struct {
	RegistrationID int64
	PersonID       int64
	Name           string // the person's given and family name
	Locale         string // the registration's language
	Activity       *activities.Activity
	Certificate    *Certificate // nil until first issued
}

// Verified is what a valid code confirms.
type Verified struct {
	Code      string // as printed (FormatCode)
	Name      string
	Activity  *activities.Activity // with its texts
	FullTitle bool
	EndedOn   civil.Date // in the activity's zone
	Minutes   int        // activities.CreditMinutes
}

// Certificates issues and verifies certificates.
type Certificates struct {
	db  *gorm.DB
	now clock.Clock
}

// NewCertificates returns the service over db; now dates what it issues.
func NewCertificates(db *gorm.DB, now clock.Clock) *Certificates {
	return &Certificates{db: db, now: now}
}

// ByLink is the offer behind a registration's private link (/r/{token}),
// with offer's refusals.
// Unlike the rest of the link's page, it lives on after the activity ends:
// a certificate is wanted long after. An unknown token, or one whose
// person was erased, is submissions.ErrLinkExpired, as elsewhere.
func (s *Certificates) ByLink(ctx context.Context, token string) (*Offer, error) {
	if !links.Valid(token) {
		return nil, submissions.ErrLinkExpired
	}
	db := s.db.WithContext(ctx)
	var ids []int64
	err := db.Model(&registration.Link{}).Where("token_hash = ? AND purpose = ?", links.Hash(token), registration.LinkManage).
		Limit(1).Pluck("registration_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("path: unable to find a link: %w", err)
	}
	if len(ids) == 0 {
		return nil, submissions.ErrLinkExpired
	}
	return s.offer(db, ids[0], nil)
}

// ForRegistration is the offer of registration id, one of person
// personID's own; anyone else's is apperr.ErrNotFound.
func (s *Certificates) ForRegistration(ctx context.Context, personID, id int64) (*Offer, error) {
	return s.offer(s.db.WithContext(ctx), id, &personID)
}

// ForPerson lists the offers of person personID, every attended
// registration at a completed activity, in the order the activities ended.
func (s *Certificates) ForPerson(ctx context.Context, personID int64) ([]Offer, error) {
	db := s.db.WithContext(ctx)
	var ids []int64
	err := db.Table("registrations").Select("registrations.id").
		Joins("JOIN activities ON activities.id = registrations.activity_id").
		Where("registrations.person_id = ? AND registrations.status = ? AND registrations.attended = ? AND activities.status = ?",
			personID, string(registration.Confirmed), true, activities.StatusCompleted).
		Order("activities.ends_at, activities.id").Pluck("registrations.id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("path: unable to list certificates: %w", err)
	}
	out := make([]Offer, 0, len(ids))
	for _, id := range ids {
		o, err := s.offer(db, id, &personID)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, nil
}

// offer reads registration id's offer; owner, when given, must be its
// person. Refused with ErrNotCompleted or ErrNotAttended, the offer still
// says the registration's language, for the refusal to be read in.
func (s *Certificates) offer(db *gorm.DB, id int64, owner *int64) (*Offer, error) {
	var r registration.Registration
	err := db.Take(&r, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("path: unable to read registration %d: %w", id, err)
	}
	switch {
	case r.PersonID == nil && owner == nil:
		return nil, submissions.ErrLinkExpired // the person was erased
	case r.PersonID == nil || owner != nil && *r.PersonID != *owner:
		return nil, apperr.ErrNotFound
	}
	var a activities.Activity
	if err := activities.WithTexts(db).Take(&a, r.ActivityID).Error; err != nil {
		return nil, fmt.Errorf("path: unable to read activity %d: %w", r.ActivityID, err)
	}
	o := &Offer{RegistrationID: r.ID, PersonID: *r.PersonID, Locale: r.Locale, Activity: &a}
	if a.Status != activities.StatusCompleted {
		return o, ErrNotCompleted
	}
	if !attended(&r) {
		return o, ErrNotAttended
	}
	var p people.Person
	if err := db.Select("given_name", "family_name").Take(&p, *r.PersonID).Error; err != nil {
		return nil, fmt.Errorf("path: unable to read the person of registration %d: %w", id, err)
	}
	o.Name = fullName(p.GivenName, p.FamilyName)
	var certs []Certificate
	if err := db.Where("registration_id = ?", r.ID).Limit(1).Find(&certs).Error; err != nil {
		return nil, fmt.Errorf("path: unable to read the certificate of registration %d: %w", id, err)
	}
	if len(certs) > 0 {
		o.Certificate = &certs[0]
	}
	return o, nil
}

// attended reports whether r counts as attended, as on the path: a place
// cancelled after its attendance was marked does not.
func attended(r *registration.Registration) bool {
	return r.Status == string(registration.Confirmed) && r.Attended != nil && *r.Attended
}

func fullName(given, family string) string { return strings.TrimSpace(given + " " + family) }

// Issue returns o's certificate, issuing it, in locale and naming a
// discreet activity neutrally, when it has none yet. Two first downloads at
// once issue one certificate.
func (s *Certificates) Issue(ctx context.Context, o *Offer, locale string) (*Certificate, error) {
	if o.Certificate != nil {
		return o.Certificate, nil
	}
	db := s.db.WithContext(ctx)
	c := &Certificate{Code: NewCode(), RegistrationID: o.RegistrationID, PersonID: o.PersonID, Locale: locale, IssuedAt: s.now()}
	res := db.Clauses(clause.OnConflict{DoNothing: true}).Create(c)
	if res.Error != nil {
		return nil, fmt.Errorf("path: unable to issue a certificate: %w", res.Error)
	}
	if res.RowsAffected == 0 { // issued meanwhile
		c = &Certificate{}
		if err := db.Where("registration_id = ?", o.RegistrationID).Take(c).Error; err != nil {
			return nil, fmt.Errorf("path: unable to read the certificate of registration %d: %w", o.RegistrationID, err)
		}
	}
	o.Certificate = c
	return c, nil
}

// Choose records whether o's certificate names its discreet activity in
// full, issuing the certificate first when needed. A changed choice gets a
// new code: a paper printed with the other wording no longer verifies, so
// a code always confirms what its paper says.
func (s *Certificates) Choose(ctx context.Context, o *Offer, locale string, full bool) (*Certificate, error) {
	c, err := s.Issue(ctx, o, locale)
	if err != nil || c.FullTitle == full {
		return c, err
	}
	next := map[string]any{"code": NewCode(), "full_title": full, "issued_at": s.now()}
	if err := s.db.WithContext(ctx).Model(&Certificate{}).Where("id = ?", c.ID).Updates(next).Error; err != nil {
		return nil, fmt.Errorf("path: unable to change certificate %d: %w", c.ID, err)
	}
	c.Code, c.FullTitle, c.IssuedAt = next["code"].(string), full, next["issued_at"].(time.Time)
	return c, nil
}

// Verify reads what code confirms: the certificate of an attendee of a
// completed activity whose person is not erased. Anything else, a code
// mistyped, made up or erased, is ErrInvalidCode.
func (s *Certificates) Verify(ctx context.Context, code string) (*Verified, error) {
	canonical, ok := ParseCode(code)
	if !ok {
		return nil, ErrInvalidCode
	}
	db := s.db.WithContext(ctx)
	var row struct {
		Code       string
		FullTitle  bool
		ActivityID int64
		GivenName  string
		FamilyName string
	}
	err := db.Table("certificates").
		Select("certificates.code, certificates.full_title, registrations.activity_id, people.given_name, people.family_name").
		Joins("JOIN registrations ON registrations.id = certificates.registration_id").
		Joins("JOIN people ON people.id = certificates.person_id").
		Where("certificates.code = ? AND registrations.person_id = certificates.person_id AND registrations.status = ? AND registrations.attended = ?",
			canonical, string(registration.Confirmed), true).
		Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrInvalidCode
	}
	if err != nil {
		return nil, fmt.Errorf("path: unable to verify a certificate: %w", err)
	}
	var a activities.Activity
	if err := activities.WithTexts(db).Take(&a, row.ActivityID).Error; err != nil {
		return nil, fmt.Errorf("path: unable to read activity %d: %w", row.ActivityID, err)
	}
	if a.Status != activities.StatusCompleted {
		return nil, ErrInvalidCode
	}
	return &Verified{Code: FormatCode(row.Code), Name: fullName(row.GivenName, row.FamilyName), Activity: &a,
		FullTitle: row.FullTitle, EndedOn: civil.Of(a.Local(a.EndsAt)), Minutes: activities.CreditMinutes(&a)}, nil
}

// Title is how a certificate names activity a to a reader of lang (def:
// the portal's language): a discreet activity by neutral, unless its
// participant chose the full title.
func Title(a *activities.Activity, full bool, lang, def, neutral string) string {
	if a.Discreet && !full {
		return neutral
	}
	return a.TextIn(lang, def).Title
}
