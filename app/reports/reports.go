// Package reports gathers the section's key figures from the areas that
// keep them: partnerships from partners, stages and letters from
// campaigns, signatures from petitions, and computes in SQL the figures of
// people, participants trained, quota attainment and the youth path's
// hours and people trained per year (training.go); the well-being change
// of the workshops comes from app/path, under the surveys' own rule
// (wellbeing.go). It reads, never writes. Counts of people with a
// sensitive attribute, and the people trained per year, go through
// Suppress, a pure function, before anything shows them.
package reports

import (
	"context"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/petitions"
	"gorm.io/gorm"
)

// Summary is the key figures of DESIGN.md that exist so far.
type Summary struct {
	Partners   *partners.Figures
	ByStage    []StageCount // every stage, in order
	Campaigns  []CampaignFigures
	Signatures int
	Letters    campaigns.LetterTotals
}

// StageCount is how many campaigns stand at a stage.
type StageCount struct {
	Stage string
	Count int
}

// CampaignFigures is one campaign's signatures and letters.
type CampaignFigures struct {
	Campaign   *campaigns.Campaign
	Signatures int
	Letters    campaigns.LetterTotals
}

// Service reads the figures from the areas' stores and the database.
type Service struct {
	partners  *partners.Store
	campaigns *campaigns.Store
	petitions *petitions.Store
	db        *gorm.DB
	minCell   int // the small-count threshold (GOTONG_MIN_CELL)
}

// NewService gathers the key figures from partners, campaigns and
// petitions and counts the rest in db, suppressing counts under minCell.
func NewService(db *gorm.DB, partners *partners.Store, campaigns *campaigns.Store, petitions *petitions.Store, minCell int) *Service {
	return &Service{db: db, partners: partners, campaigns: campaigns, petitions: petitions, minCell: minCell}
}

// Summary computes the key figures over what v reaches.
func (s *Service) Summary(ctx context.Context, v access.Viewer) (*Summary, error) {
	fig, err := s.partners.KeyFigures(ctx, v)
	if err != nil {
		return nil, err
	}
	list, err := s.campaigns.List(ctx, v)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	pets, err := s.petitions.ForCampaigns(ctx, v, ids)
	if err != nil {
		return nil, err
	}
	return summarize(fig, list, pets), nil
}

// summarize adds up what the stores gave.
func summarize(fig *partners.Figures, list []campaigns.Campaign, pets map[int64][]petitions.Petition) *Summary {
	out := &Summary{Partners: fig}
	stages := map[string]int{}
	for i := range list {
		c := &list[i]
		stages[c.Stage]++
		row := CampaignFigures{Campaign: c, Letters: c.Letters}
		for _, p := range pets[c.ID] {
			row.Signatures += p.Signatures
		}
		out.Signatures += row.Signatures
		out.Letters.Written += c.Letters.Written
		out.Letters.Delivered += c.Letters.Delivered
		out.Campaigns = append(out.Campaigns, row)
	}
	for _, st := range campaigns.Stages {
		out.ByStage = append(out.ByStage, StageCount{Stage: st, Count: stages[st]})
	}
	return out
}
