// Package partners keeps the partner organisations (youth councils, LGBTI
// centres, student groups…), their descriptions in each language, and the
// section's partnership with each: its status and the history of its changes.
package partners

import (
	"slices"
	"time"

	"github.com/gotong/gotong/app/civil"
)

// Kinds of organisation and statuses of a partnership.
const (
	KindYouthLed     = "youth_led"
	KindYouthFocused = "youth_focused"
	KindLGBTI        = "lgbti"
	KindYouthCouncil = "youth_council"
	KindSchool       = "school"
	KindUniversity   = "university"
	KindNGO          = "ngo"
	KindOther        = "other"

	StatusProspective  = "prospective"
	StatusActive       = "active"
	StatusStrengthened = "strengthened"
	StatusEnded        = "ended"
)

// Kinds and Statuses list the allowed values in display order.
var (
	Kinds    = []string{KindYouthLed, KindYouthFocused, KindLGBTI, KindYouthCouncil, KindSchool, KindUniversity, KindNGO, KindOther}
	Statuses = []string{StatusProspective, StatusActive, StatusStrengthened, StatusEnded}
)

// Limits of the free-text fields, in characters.
const (
	MaxName        = 200
	MaxWebsite     = 500
	MaxDescription = 5000
	MaxSharedGoals = 2000
	MaxNotes       = 5000
)

// Partner is one organisation the section works with.
type Partner struct {
	ID           int64
	Name         string
	Kind         string
	Region       string // ISO 3166-2, or "" for none
	ContactEmail string // case-folded, or ""
	Website      string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Descriptions []Description `gorm:"foreignKey:PartnerID"`
	Partnership  Partnership   `gorm:"foreignKey:PartnerID"`
	History      []Change      `gorm:"foreignKey:PartnerID"`
}

// Description is an organisation's description in one language.
type Description struct {
	PartnerID   int64  `gorm:"primaryKey"`
	Locale      string `gorm:"primaryKey"`
	Description string
}

// TableName is the migrated table.
func (Description) TableName() string { return "partner_descriptions" }

// DescriptionIn returns the description in lang, or "".
func (p *Partner) DescriptionIn(lang string) string {
	for _, d := range p.Descriptions {
		if d.Locale == lang {
			return d.Description
		}
	}
	return ""
}

// Partnership is the section's partnership with an organisation as it
// stands. Notes are the staff's own: partner members never see them.
type Partnership struct {
	PartnerID   int64 `gorm:"primaryKey"`
	Status      string
	StartedOn   civil.Date // the first day it became active; zero before
	SharedGoals string
	Notes       string
	UpdatedAt   time.Time
}

// Change is one entry of a partnership's history: the status it moved to,
// on which day, and who recorded it.
type Change struct {
	ID        int64
	PartnerID int64
	Status    string
	ChangedOn civil.Date
	ActorID   *int64
	CreatedAt time.Time
}

// TableName is the migrated table.
func (Change) TableName() string { return "partnership_changes" }

// YearCount is a number of changes in one calendar year.
type YearCount struct {
	Year  int
	Count int
}

// PerYear counts the changes to status by the year of their date, earliest
// year first; years without one are left out.
func PerYear(changes []Change, status string) []YearCount {
	counts := map[int]int{}
	for _, c := range changes {
		if c.Status == status && !c.ChangedOn.IsZero() {
			counts[c.ChangedOn.Year]++
		}
	}
	out := make([]YearCount, 0, len(counts))
	for y, n := range counts {
		out = append(out, YearCount{Year: y, Count: n})
	}
	slices.SortFunc(out, func(a, b YearCount) int { return a.Year - b.Year })
	return out
}

// Count is a number of organisations sharing one value (a kind, a region
// or a status).
type Count struct {
	Value string
	Count int
}

// Figures are the key figures of the partnerships: how many were
// established (became active) and strengthened each year, and how the
// organisations divide by kind, region and current status.
type Figures struct {
	EstablishedPerYear  []YearCount
	StrengthenedPerYear []YearCount
	ByKind              []Count // in the order of Kinds
	ByRegion            []Count // by region code; "" (no region) last
	ByStatus            []Count // in the order of Statuses
}
