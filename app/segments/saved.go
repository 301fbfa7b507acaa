package segments

import "time"

// Saved is a segment kept under a name: the query string Parse reads, so a
// saved segment asks exactly what the list page asked when it was saved.
type Saved struct {
	ID        int64
	Name      string
	NameKey   string // the name case-folded, unique
	Query     string
	CreatedBy *int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName is the migrated table.
func (Saved) TableName() string { return "saved_segments" }
