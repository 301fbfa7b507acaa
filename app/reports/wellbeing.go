package reports

import (
	"context"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/path"
)

// Wellbeing is the well-being change of the workshops (DESIGN.md "The
// youth path"): each workshop's mean WHO-5 score before and after and the
// change, and all workshops together, under the rule of every survey's
// results (path.WellbeingChange).
type Wellbeing struct {
	MinCell   int
	Workshops []WellbeingWorkshop // by start
	All       path.WellbeingResults
}

// WellbeingWorkshop is one workshop's change.
type WellbeingWorkshop struct {
	Activity *activities.Activity // with its translations
	path.WellbeingResults
}

// Wellbeing computes the well-being change of every workshop that has
// both well-being surveys.
func (s *Service) Wellbeing(ctx context.Context) (*Wellbeing, error) {
	ws, err := path.WellbeingWorkshops(ctx, s.db)
	if err != nil {
		return nil, err
	}
	each, all := path.WellbeingChange(ws, s.minCell)
	out := &Wellbeing{MinCell: s.minCell, Workshops: make([]WellbeingWorkshop, len(ws)), All: all}
	for i := range ws {
		out.Workshops[i] = WellbeingWorkshop{Activity: ws[i].Activity, WellbeingResults: each[i]}
	}
	return out, nil
}
