package people

import "time"

// Where consent came from.
const (
	ConsentRegistration = "registration" // a registration form
	ConsentPetition     = "petition"     // a petition's signing form
	ConsentImport       = "import"       // a CSV import
	ConsentStaff        = "staff"        // a staff member recorded it
	ConsentSelf         = "self"         // the person, on their own account
)

// Consent is one line of a person's consent history: consent given or
// withdrawn, to which version of the text, from where, and when.
type Consent struct {
	ID       int64
	PersonID int64
	Given    bool
	Version  string
	Source   string
	At       time.Time
}

// TableName is the migrated table.
func (Consent) TableName() string { return "person_consents" }
