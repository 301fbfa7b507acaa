// Package campaigns keeps the campaigns that the national office plans with
// partner organisations: their stages, which partner takes part at which
// stage, the shared notes and checklist of each stage, and the letters
// written for them. Every read and write takes a access.Viewer: staff reach every
// campaign, a partner member only the campaigns its organisation takes part
// in, and writes only at its stages.
package campaigns

import (
	"slices"
	"time"

	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/i18n"
)

// The stages of a campaign, in the order it goes through them.
const (
	StagePlanning       = "planning"
	StageImplementation = "implementation"
	StageMonitoring     = "monitoring"
	StageEvaluation     = "evaluation"
)

// Stages lists the stages in order.
var Stages = []string{StagePlanning, StageImplementation, StageMonitoring, StageEvaluation}

// ValidStage reports whether s names a stage.
func ValidStage(s string) bool { return slices.Contains(Stages, s) }

// NextStage is the stage after s; there is none after evaluation.
func NextStage(s string) (string, bool) {
	i := slices.Index(Stages, s)
	if i < 0 || i+1 >= len(Stages) {
		return "", false
	}
	return Stages[i+1], true
}

// SortStages puts stages in campaign order, without repeats.
func SortStages(stages []string) []string {
	out := slices.Clone(stages)
	slices.SortFunc(out, func(a, b string) int { return slices.Index(Stages, a) - slices.Index(Stages, b) })
	return slices.Compact(out)
}

// Campaign is one campaign with what its pages show: texts, themes, the
// partners at each stage and the letters' totals.
type Campaign struct {
	ID           int64
	Stage        string
	StartsOn     civil.Date `gorm:"type:date"`
	EndsOn       civil.Date `gorm:"type:date"`
	LeadID       *int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Translations []Translation `gorm:"foreignKey:CampaignID"`
	Tags         []string      `gorm:"-"`
	Partners     []Involvement `gorm:"-"` // by partner id
	Letters      LetterTotals  `gorm:"-"`
}

// Translation is a campaign's title and summary in one language.
type Translation struct {
	CampaignID int64  `gorm:"primaryKey"`
	Locale     string `gorm:"primaryKey"`
	Title      string
	Summary    string
}

// TableName is the migrated table.
func (Translation) TableName() string { return "campaign_translations" }

// CampaignTag links a campaign to one of its themes.
type CampaignTag struct {
	CampaignID int64 `gorm:"primaryKey"`
	TagID      int64 `gorm:"primaryKey"`
}

// TableName is the migrated table.
func (CampaignTag) TableName() string { return "campaign_tags" }

// PartnerStage says that a partner takes part in a campaign at one stage.
type PartnerStage struct {
	CampaignID int64  `gorm:"primaryKey"`
	PartnerID  int64  `gorm:"primaryKey"`
	Stage      string `gorm:"primaryKey"`
}

// TableName is the migrated table.
func (PartnerStage) TableName() string { return "campaign_partners" }

// Involvement is a partner and the stages it takes part in, in order.
type Involvement struct {
	PartnerID int64
	Name      string // the organisation's name, when read
	Stages    []string
}

// Involved reports whether partnerID takes part in the campaign at stage
// ("" for any stage).
func (c *Campaign) Involved(partnerID int64, stage string) bool {
	for _, p := range c.Partners {
		if p.PartnerID == partnerID {
			return stage == "" || slices.Contains(p.Stages, stage)
		}
	}
	return false
}

// StagesOf are the stages partnerID takes part in.
func (c *Campaign) StagesOf(partnerID int64) []string {
	for _, p := range c.Partners {
		if p.PartnerID == partnerID {
			return p.Stages
		}
	}
	return nil
}

// LetterTotals counts the letters logged for a campaign, and those of them
// with a delivery date.
type LetterTotals struct {
	Written   int64
	Delivered int64
}

// Text is a campaign's title and summary for a reader: each in the
// reader's language, else in another (see i18n.FieldIn), with the language
// it is in.
type Text struct {
	Title, Summary string
	Lang           string // the language of the title
	SummaryLang    string // the language of the summary
	Fallback       bool   // some text is not in the reader's language
}

// TextIn returns the campaign's texts for a reader of lang, field by field:
// in lang, else in def, else in another language that has it.
func (c *Campaign) TextIn(lang, def string) Text {
	locale := func(t *Translation) string { return t.Locale }
	var x Text
	x.Title, x.Lang = i18n.FieldIn(c.Translations, lang, def, locale, func(t *Translation) string { return t.Title })
	x.Summary, x.SummaryLang = i18n.FieldIn(c.Translations, lang, def, locale, func(t *Translation) string { return t.Summary })
	x.Fallback = x.Lang != lang || x.SummaryLang != lang
	return x
}

// Note is one entry of a stage's shared log. PartnerID is the author's
// organisation when a partner member wrote it.
type Note struct {
	ID         int64
	CampaignID int64
	Stage      string
	AuthorID   *int64
	PartnerID  *int64
	Text       string
	CreatedAt  time.Time
}

// TableName is the migrated table.
func (Note) TableName() string { return "campaign_notes" }

// NoteEntry is a note with the names of its author and their organisation
// ("" for staff, or for an author whose account is gone).
type NoteEntry struct {
	Note
	AuthorName  string
	PartnerName string
}

// ChecklistItem is one item of a stage's checklist.
type ChecklistItem struct {
	ID         int64
	CampaignID int64
	Stage      string
	Position   int
	Text       string
	DoneAt     *time.Time
	DoneBy     *int64
	CreatedAt  time.Time
}

// TableName is the migrated table.
func (ChecklistItem) TableName() string { return "campaign_checklist" }

// ChecklistEntry is an item with the names of who ticked it and of their
// organisation, if they belong to one.
type ChecklistEntry struct {
	ChecklistItem
	DoneByName      string
	DoneByPartnerID *int64
	DoneByPartner   string
}

// Letter is a batch of letters written for a campaign.
type Letter struct {
	ID          int64
	CampaignID  int64
	Count       int
	DeliveredOn civil.Date `gorm:"type:date"`
	Note        string
	CreatedBy   *int64
	CreatedAt   time.Time
}

// PartnerCampaign is a campaign a partner takes part in, and its stages.
type PartnerCampaign struct {
	Campaign Campaign
	Stages   []string
}

// ReportRow is one campaign of the involvement report.
type ReportRow struct {
	Campaign           *Campaign
	Partners           []Involvement
	ImplementationOnly bool
}

// ImplementationOnly reports whether a campaign's partners were brought in
// only to carry it out: it has partners, and each takes part in the
// implementation stage and no other.
func ImplementationOnly(partners []Involvement) bool {
	if len(partners) == 0 {
		return false
	}
	for _, p := range partners {
		if len(p.Stages) == 0 {
			return false
		}
		for _, s := range p.Stages {
			if s != StageImplementation {
				return false
			}
		}
	}
	return true
}

// Report is the involvement report of campaigns: each with its partners
// and whether they were brought in for implementation only.
func Report(list []Campaign) []ReportRow {
	rows := make([]ReportRow, len(list))
	for i := range list {
		rows[i] = ReportRow{Campaign: &list[i], Partners: list[i].Partners, ImplementationOnly: ImplementationOnly(list[i].Partners)}
	}
	return rows
}
