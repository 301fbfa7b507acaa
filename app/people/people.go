// Package people keeps the people Gotong serves: their contact details, what
// they consented to, and their self-declared sensitive attributes, sealed at
// rest and shown only to those who must see them.
package people

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/mailaddr"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/usertext"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Localities a person may declare.
const (
	Urban = "urban"
	Rural = "rural"
)

// ConsentVersion names the consent text a person agreed to; it changes
// whenever the texts (consent_text and petition_consent_text in locales/)
// change.
const ConsentVersion = "2026-11"

// Person is someone Gotong serves.
type Person struct {
	ID             int64
	GivenName      string
	FamilyName     string
	Email          *string // case-folded; nil when unknown
	Phone          string
	BirthYear      *int
	Region         string
	Locality       string
	Locale         string
	Handle         string
	Volunteer      bool
	ConsentVersion string
	ConsentAt      *time.Time
	NewsAt         *time.Time // when the consent to news that stands was given; nil when none stands
	Source         string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	SearchText     *string // SearchText of the fields; nil until IndexPending writes it
	HandleKey      string  // NormalizeHandle of Handle

	// known is set by FindOrCreate on someone it found rather than created,
	// so that RecordConsents moves their latest consent to the new one.
	known bool
}

// TableName is the migrated table.
func (Person) TableName() string { return "people" }

// SensitiveRow is the sealed row of person_sensitive.
type SensitiveRow struct {
	PersonID           int64 `gorm:"primaryKey"`
	Disability         []byte
	Minority           []byte
	Lgbti              []byte
	AccessibilityNeeds []byte
	UpdatedAt          time.Time
}

// TableName is the migrated table.
func (SensitiveRow) TableName() string { return "person_sensitive" }

// Sensitive are self-declared, optional attributes; nil means not declared.
type Sensitive struct {
	Disability         *bool   `json:"disability,omitempty"`
	Minority           *bool   `json:"minority,omitempty"`
	LGBTI              *bool   `json:"lgbti,omitempty"`
	AccessibilityNeeds *string `json:"accessibility_needs,omitempty"`
}

// QuotaPerson is what the quotas look at of a declaration: the locality
// and the sensitive attributes, an undeclared one as false.
func QuotaPerson(locality string, s Sensitive) quota.Person {
	yes := func(b *bool) bool { return b != nil && *b }
	return quota.Person{Locality: locality, Disability: yes(s.Disability), Minority: yes(s.Minority), LGBTI: yes(s.LGBTI)}
}

// Declared is what a form says about a person.
type Declared struct {
	GivenName  string
	FamilyName string
	Email      string
	BirthYear  int
	Region     string
	Locality   string
	Locale     string
	Sensitive  Sensitive
}

// MinBirthYear is the earliest plausible birth year.
const MinBirthYear = 1900

// birthYearError adds error_birth_year under field. The years are strings:
// a year is not a quantity, so it is not written "1,900" or "2 026".
func birthYearError(f apperr.Fields, field string, now time.Time) {
	f.Add(field, "error_birth_year", "Min", strconv.Itoa(MinBirthYear), "Max", strconv.Itoa(now.Year()))
}

// Contact is what a short public form, a petition's, says about a person:
// a name and an email, the region if they wish, and the page's language.
type Contact struct {
	GivenName  string
	FamilyName string
	Email      string
	Region     string
	Locale     string
}

// Validate checks a contact and normalises it in place.
func (c *Contact) Validate(f apperr.Fields) {
	c.GivenName = strings.TrimSpace(c.GivenName)
	c.FamilyName = strings.TrimSpace(c.FamilyName)
	c.Email = mailaddr.Normalize(c.Email)
	c.Region = strings.TrimSpace(c.Region)
	usertext.Check(f, "given_name", c.GivenName, usertext.Line)
	usertext.Check(f, "family_name", c.FamilyName, usertext.Line)
	switch {
	case c.GivenName == "":
		f.Add("given_name", "error_required")
	case utf8.RuneCountInString(c.GivenName) > 100:
		f.Add("given_name", "error_too_long", "Max", 100)
	}
	if utf8.RuneCountInString(c.FamilyName) > 100 {
		f.Add("family_name", "error_too_long", "Max", 100)
	}
	if c.Email == "" {
		f.Add("email", "error_required")
	} else if !mailaddr.Valid(c.Email) {
		f.Add("email", "error_email_invalid")
	}
	if c.Region != "" && !regions.Valid(c.Region) {
		f.Add("region", "error_region_unknown")
	}
	if c.Locale != "" && !i18n.IsSupported(c.Locale) {
		c.Locale = ""
	}
}

// Validate checks a declaration and normalises it in place; now gives the
// current year for the birth-year check.
func (d *Declared) Validate(f apperr.Fields, now time.Time) {
	c := d.contact()
	c.Validate(f)
	d.GivenName, d.FamilyName, d.Email, d.Region, d.Locale = c.GivenName, c.FamilyName, c.Email, c.Region, c.Locale
	if d.BirthYear < MinBirthYear || d.BirthYear > now.Year() {
		birthYearError(f, "birth_year", now)
	}
	if d.Locality != Urban && d.Locality != Rural {
		f.Add("locality", "error_locality")
	}
	if n := d.Sensitive.AccessibilityNeeds; n != nil {
		*n = strings.TrimSpace(*n)
		usertext.Check(f, "accessibility_needs", *n, usertext.Lines)
		if utf8.RuneCountInString(*n) > 1000 {
			f.Add("accessibility_needs", "error_too_long", "Max", 1000)
		}
		if *n == "" {
			d.Sensitive.AccessibilityNeeds = nil
		}
	}
}

// contact is the part of a declaration that a contact holds too.
func (d *Declared) contact() Contact {
	return Contact{GivenName: d.GivenName, FamilyName: d.FamilyName, Email: d.Email, Region: d.Region, Locale: d.Locale}
}

// person is the record of someone new, as a contact made it at now.
func (c Contact) person(source string, now time.Time) Person {
	email := c.Email
	p := Person{GivenName: c.GivenName, FamilyName: c.FamilyName, Email: &email, Region: c.Region, Locale: c.Locale,
		ConsentVersion: ConsentVersion, ConsentAt: &now, Source: source, CreatedAt: now, UpdatedAt: now}
	p.index()
	return p
}

// Store reads and writes people.
type Store struct {
	db     *gorm.DB
	sealer *Sealer
	now    clock.Clock
}

// NewStore returns a store over db sealing with sealer; now dates the
// changes it makes on its own (staff's writes, imports, uploads). Methods
// that join a caller's transaction take the caller's instant instead.
func NewStore(db *gorm.DB, sealer *Sealer, now clock.Clock) *Store {
	return &Store{db: db, sealer: sealer, now: now}
}

// Sealer is the store's sealer, for callers that seal their own columns.
func (s *Store) Sealer() *Sealer { return s.sealer }

// FindOrCreate returns the people with the declarations' emails, by email,
// creating those who are new from their declaration. An existing person's
// record is not overwritten by a form anyone could fill in with their
// address; what the form declared travels with the registration instead.
// Declarations must be validated (emails normalised); the first of two with
// one email wins. The consent the form gave is the caller's to record, with
// RecordConsents, once it knows the form is accepted.
func (s *Store) FindOrCreate(tx *gorm.DB, decls []Declared, source string, now time.Time) (map[string]*Person, error) {
	news := make([]newcomer, len(decls))
	for i, d := range decls {
		p := d.contact().person(source, now)
		year := d.BirthYear
		p.BirthYear, p.Locality = &year, d.Locality
		news[i] = newcomer{person: p, sensitive: d.Sensitive}
	}
	return s.findOrCreate(tx, news, now)
}

// FindOrCreateContact returns the person with the contact's email, creating
// them from the contact when new; as with FindOrCreate, a known person's
// record is left as it is, and the consent is the caller's to record. The
// contact must be validated.
func (s *Store) FindOrCreateContact(tx *gorm.DB, c Contact, source string, now time.Time) (*Person, error) {
	found, err := s.findOrCreate(tx, []newcomer{{person: c.person(source, now)}}, now)
	if err != nil {
		return nil, err
	}
	p, ok := found[c.Email]
	if !ok {
		return nil, errors.New("people: the contact was neither found nor created")
	}
	return p, nil
}

// newcomer is a person to create unless their email is known, with what
// they declared in confidence.
type newcomer struct {
	person    Person
	sensitive Sensitive
}

// findOrCreate returns the people with the newcomers' emails, by email,
// creating those who are not known yet; the first of two with one email wins.
//
// Whatever the number of people, it takes at most three statements: find
// the known, insert the new (a row another transaction inserted meanwhile
// is skipped, not an error), read the new back by email.
func (s *Store) findOrCreate(tx *gorm.DB, news []newcomer, now time.Time) (map[string]*Person, error) {
	emails := make([]string, 0, len(news))
	seen := make(map[string]bool, len(news))
	for _, n := range news {
		if e := *n.person.Email; !seen[e] {
			seen[e] = true
			emails = append(emails, e)
		}
	}
	// Sorted, so that two transactions inserting the same people take
	// their index entries in the same order and cannot deadlock.
	slices.Sort(emails)
	known, err := s.byEmails(tx, emails)
	if err != nil {
		return nil, err
	}
	for _, p := range known {
		p.known = true
	}
	var fresh []Person
	declared := map[string]Sensitive{}
	for _, n := range news {
		email := *n.person.Email
		if _, ok := known[email]; ok {
			continue
		}
		if _, ok := declared[email]; ok {
			continue
		}
		declared[email] = n.sensitive
		fresh = append(fresh, n.person)
	}
	if len(fresh) > 0 {
		slices.SortFunc(fresh, func(a, b Person) int { return strings.Compare(*a.Email, *b.Email) })
		// The IDs the insert hands back are not used: rows it skipped
		// would shift them. The new rows are read back by email instead.
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&fresh).Error; err != nil {
			return nil, fmt.Errorf("people: unable to create people: %w", err)
		}
		missing := make([]string, 0, len(fresh))
		for _, p := range fresh {
			missing = append(missing, *p.Email)
		}
		created, err := s.byEmails(tx, missing)
		if err != nil {
			return nil, err
		}
		for email, p := range created {
			known[email] = p
			if err := s.writeSensitive(tx, p.ID, declared[email], now); err != nil {
				return nil, err
			}
		}
	}
	return known, nil
}

// IDByEmail returns the id of the person with the (case-folded) email:
// the record of an account that no person is linked to yet.
func (s *Store) IDByEmail(ctx context.Context, email string) (int64, error) {
	var p Person
	err := s.db.WithContext(ctx).Select("id").Where("email = ?", mailaddr.Normalize(email)).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, apperr.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("people: unable to find a person: %w", err)
	}
	return p.ID, nil
}

// byEmails returns the people with these emails, by email.
func (s *Store) byEmails(tx *gorm.DB, emails []string) (map[string]*Person, error) {
	var found []Person
	if err := tx.Where("email IN ?", emails).Find(&found).Error; err != nil {
		return nil, fmt.Errorf("people: unable to find people: %w", err)
	}
	out := make(map[string]*Person, len(emails))
	for i := range found {
		out[*found[i].Email] = &found[i]
	}
	return out, nil
}

// writeSensitive seals the sensitive attributes of a person just created. A
// row already there belongs to whoever created the person in a race with
// us, and is kept.
func (s *Store) writeSensitive(tx *gorm.DB, personID int64, v Sensitive, now time.Time) error {
	if v == (Sensitive{}) {
		return nil
	}
	ctx := func(col string) string { return "person_sensitive." + col + ":" + strconv.FormatInt(personID, 10) }
	row := SensitiveRow{PersonID: personID, UpdatedAt: now}
	sealBool := func(b *bool, col string) []byte {
		if b == nil {
			return nil
		}
		return s.sealer.Seal([]byte(strconv.FormatBool(*b)), ctx(col))
	}
	row.Disability = sealBool(v.Disability, "disability")
	row.Minority = sealBool(v.Minority, "minority")
	row.Lgbti = sealBool(v.LGBTI, "lgbti")
	if v.AccessibilityNeeds != nil {
		row.AccessibilityNeeds = s.sealer.Seal([]byte(*v.AccessibilityNeeds), ctx("accessibility_needs"))
	}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return fmt.Errorf("people: unable to write sensitive attributes: %w", err)
	}
	return nil
}

// ReadSensitive opens a person's sensitive attributes for viewer, and writes
// the view to the audit log in the same breath. Only admins and coordinators
// may call it; the web layer checks the permission.
func (s *Store) ReadSensitive(ctx context.Context, viewerID, personID int64) (Sensitive, error) {
	out, err := s.OpenSensitive(s.db.WithContext(ctx), personID)
	if err != nil {
		return out, err
	}
	return out, audit.Record(s.db.WithContext(ctx), viewerID, "person.sensitive.view", "person", strconv.FormatInt(personID, 10), nil)
}

// OpenSensitive reads and opens a person's sensitive attributes with db,
// writing nothing: the caller decides what the reading means for the audit
// log (a person's download of their own data is not audited, a view by the
// staff is). A person who declared nothing has all of them nil.
func (s *Store) OpenSensitive(db *gorm.DB, personID int64) (Sensitive, error) {
	var out Sensitive
	var row SensitiveRow
	err := db.Where("person_id = ?", personID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("people: unable to read sensitive attributes: %w", err)
	}
	return s.open(&row)
}

// open opens a sealed row.
func (s *Store) open(row *SensitiveRow) (Sensitive, error) {
	var out Sensitive
	c := func(col string) string { return "person_sensitive." + col + ":" + strconv.FormatInt(row.PersonID, 10) }
	openBool := func(b []byte, col string) (*bool, error) {
		if b == nil {
			return nil, nil
		}
		plain, err := s.sealer.Open(b, c(col))
		if err != nil {
			return nil, err
		}
		v := string(plain) == "true"
		return &v, nil
	}
	var err error
	if out.Disability, err = openBool(row.Disability, "disability"); err != nil {
		return out, err
	}
	if out.Minority, err = openBool(row.Minority, "minority"); err != nil {
		return out, err
	}
	if out.LGBTI, err = openBool(row.Lgbti, "lgbti"); err != nil {
		return out, err
	}
	if row.AccessibilityNeeds != nil {
		plain, err := s.sealer.Open(row.AccessibilityNeeds, c("accessibility_needs"))
		if err != nil {
			return out, err
		}
		v := string(plain)
		out.AccessibilityNeeds = &v
	}
	return out, nil
}

// SealDeclaration seals what a registration form declared, bound to the
// registration's row, so the quota attributes can be checked later without
// keeping them in clear.
func (s *Store) SealDeclaration(v Sensitive, context string) ([]byte, error) {
	if v == (Sensitive{}) {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return s.sealer.Seal(b, context), nil
}

// OpenDeclaration opens what SealDeclaration sealed.
func (s *Store) OpenDeclaration(sealed []byte, context string) (Sensitive, error) {
	var v Sensitive
	if sealed == nil {
		return v, nil
	}
	b, err := s.sealer.Open(sealed, context)
	if err != nil {
		return v, err
	}
	return v, json.Unmarshal(b, &v)
}
