package people

import (
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// Where consent came from.
const (
	ConsentRegistration = "registration" // a registration form
	ConsentPetition     = "petition"     // a petition's signing form
	ConsentImport       = "import"       // a CSV import
	ConsentStaff        = "staff"        // a staff member recorded it
	ConsentSelf         = "self"         // the person, on their own account
	ConsentUnsubscribe  = "unsubscribe"  // a mailing's unsubscribe link
)

// Consent is one line of a person's consent history: consent given or
// withdrawn, to which version of the text, from where, and when.
type Consent struct {
	ID       int64
	PersonID int64
	Given    bool
	Version  string
	Source   string
	Purpose  string // ConsentToData, ConsentOfGuardian or ConsentToNews
	At       time.Time
}

// What a consent was given to.
const (
	ConsentToData     = "data"     // the forms' consent to keep the person's data
	ConsentOfGuardian = "guardian" // a guardian's consent to a minor's place
	ConsentToNews     = "news"     // consent to receive news (mailings), asked apart and unticked
)

// TableName is the migrated table.
func (Consent) TableName() string { return "person_consents" }

// RecordConsents writes that people consented through a form (source, such
// as ConsentRegistration) at now: one history row each, in one statement.
// New people were created with this consent as their latest; those whom
// FindOrCreate found rather than created have their latest given consent
// moved to this one, in one more statement when there are any. A person
// given twice counts once. persons are as FindOrCreate returned them.
func (s *Store) RecordConsents(tx *gorm.DB, persons []*Person, source string, now time.Time) error {
	if len(persons) == 0 {
		return nil
	}
	seen := make(map[int64]bool, len(persons))
	rows := make([]Consent, 0, len(persons))
	var known []int64
	for _, p := range persons {
		if seen[p.ID] {
			continue
		}
		seen[p.ID] = true
		rows = append(rows, Consent{PersonID: p.ID, Given: true, Version: ConsentVersion, Source: source, Purpose: ConsentToData, At: now})
		if p.known {
			known = append(known, p.ID)
		}
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("people: unable to record consents: %w", err)
	}
	if len(known) == 0 {
		return nil
	}
	slices.Sort(known) // one order for every caller, so updates never deadlock
	err := tx.Model(&Person{}).Where("id IN ?", known).
		Updates(map[string]any{"consent_version": ConsentVersion, "consent_at": now}).Error
	if err != nil {
		return fmt.Errorf("people: unable to update consents: %w", err)
	}
	for _, p := range persons {
		if p.known {
			p.ConsentVersion, p.ConsentAt = ConsentVersion, &now
		}
	}
	return nil
}

// RecordNews writes that people consented to news through a form or from
// staff (source) at now: one history row each, in one statement; a person
// given twice counts once. Consent to news is its own purpose: it changes
// nothing of the consent to keep the data.
func (s *Store) RecordNews(tx *gorm.DB, persons []*Person, source string, now time.Time) error {
	seen := make(map[int64]bool, len(persons))
	var rows []Consent
	for _, p := range persons {
		if seen[p.ID] {
			continue
		}
		seen[p.ID] = true
		rows = append(rows, Consent{PersonID: p.ID, Given: true, Version: ConsentVersion, Source: source, Purpose: ConsentToNews, At: now})
	}
	if len(rows) == 0 {
		return nil
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("people: unable to record consents to news: %w", err)
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].PersonID
	}
	slices.Sort(ids) // one order for every caller, so updates never deadlock
	if err := tx.Model(&Person{}).Where("id IN ?", ids).Update("news_at", now).Error; err != nil {
		return fmt.Errorf("people: unable to record consents to news: %w", err)
	}
	return nil
}

// WithdrawNews records that a person withdrew consent to news (source, such
// as ConsentUnsubscribe) at now, unless none stands; it says whether one
// stood. Mailings read people.news_at, which goes with it.
func WithdrawNews(tx *gorm.DB, personID int64, source string, now time.Time) (bool, error) {
	res := tx.Model(&Person{}).Where("id = ? AND news_at IS NOT NULL", personID).Update("news_at", nil)
	if res.Error != nil {
		return false, fmt.Errorf("people: unable to withdraw consent to news: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return false, nil
	}
	row := Consent{PersonID: personID, Given: false, Source: source, Purpose: ConsentToNews, At: now}
	if err := tx.Create(&row).Error; err != nil {
		return false, fmt.Errorf("people: unable to record consent to news: %w", err)
	}
	return true, nil
}

// Latest is the newest entry of a history (newest first) for purpose, or
// nil when there is none.
func Latest(history []Consent, purpose string) *Consent {
	for i := range history {
		if history[i].Purpose == purpose {
			return &history[i]
		}
	}
	return nil
}

// Consenting reports whether a person's consent to keep their data stands,
// from their history newest first: the latest such entry gave it, or, for
// someone with none (recorded before the history was kept), the person holds
// a consent. A guardian's consent to a place, or consent to news, is
// another purpose.
func Consenting(p *Person, history []Consent) bool {
	if c := Latest(history, ConsentToData); c != nil {
		return c.Given
	}
	return p.ConsentAt != nil
}

// News reports whether consent to news stands, from a history newest
// first: the latest entry for news gave it. Nobody has it by default.
func News(history []Consent) bool {
	c := Latest(history, ConsentToNews)
	return c != nil && c.Given
}

// consentsOf is the consent history of a person, newest first.
func consentsOf(db *gorm.DB, personID int64) ([]Consent, error) {
	var out []Consent
	if err := db.Where("person_id = ?", personID).Order("at DESC, id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("people: unable to read consents: %w", err)
	}
	return out, nil
}
