// Package petitions keeps a campaign's petitions, their texts in each
// language, and the signatures they gather.
package petitions

import (
	"time"
)

// Petition is a campaign's call for signatures, with a goal to reach.
type Petition struct {
	ID           int64
	CampaignID   int64
	Slug         string
	Goal         int
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Translations []Translation `gorm:"foreignKey:PetitionID"`
	// Signatures is the count of signatures, filled in by the store's reads.
	Signatures int `gorm:"-"`
}

// Translation is a petition's title and text in one language.
type Translation struct {
	PetitionID int64  `gorm:"primaryKey"`
	Locale     string `gorm:"primaryKey"`
	Title      string
	Text       string
}

// TableName is the migrated table.
func (Translation) TableName() string { return "petition_translations" }

// Signature is one person's signature of a petition. The person is nil once
// erased: the signature stays as an anonymous count.
type Signature struct {
	ID             int64
	PetitionID     int64
	PersonID       *int64
	Region         string
	ConsentVersion string
	SignedAt       time.Time
	Source         string // where the link signed came from (sharing.Source); "" for a direct visit
}

// Text is a petition's title and text in the wanted language, and whether
// it fell back to another language because the wanted one is missing.
type Text struct {
	Title, Text string
	Lang        string // the language the text is in
	Fallback    bool
}

// TextIn returns the petition's texts in lang, else in def, else in the
// first language that has a title.
func (p *Petition) TextIn(lang, def string) Text {
	for _, l := range []string{lang, def} {
		for _, t := range p.Translations {
			if t.Locale == l && t.Title != "" {
				return Text{Title: t.Title, Text: t.Text, Lang: l, Fallback: l != lang}
			}
		}
	}
	for _, t := range p.Translations {
		if t.Title != "" {
			return Text{Title: t.Title, Text: t.Text, Lang: t.Locale, Fallback: true}
		}
	}
	return Text{Lang: lang}
}

// Reached reports whether the petition has as many signatures as its goal.
func (p *Petition) Reached() bool { return p.Signatures >= p.Goal }
