package reports

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/registration"
)

// Where registrations and signatures came from (issue 19): the source a
// shared link's ?src= left on each (sharing.Source; "" for a direct
// visit), counted per source and never per person, so that a coordinator
// sees which channel works. Every count goes through Suppress.

// SourcesMonths is how far back the dashboard counts sources.
const SourcesMonths = 12

// SourceCount is the registrations or signatures that came from one source.
type SourceCount struct {
	Source string // "" for a direct visit
	Count  Count
}

// ActivitySources is one activity's live registrations per source.
type ActivitySources struct {
	Activity *activities.Activity // with its texts
	Sources  []SourceCount
}

// PetitionSources is one petition's signatures per source, and their total
// in the period.
type PetitionSources struct {
	Petition *petitions.Petition // with its texts
	Total    Count
	Sources  []SourceCount
}

// Sources is the report of sources from From to To, both included.
// Discreet activities are in no line of it: they are passed on by no
// channel.
type Sources struct {
	MinCell    int
	From, To   time.Time
	Overall    []SourceCount // live registrations per source, over every activity below
	Activities []ActivitySources
	Petitions  []PetitionSources
}

// SourceTally is the count of one source for one activity or petition, as
// read from the database.
type SourceTally struct {
	ID     int64 // the activity's or the petition's
	Source string
	N      int
}

// Sources counts the live registrations (not cancelled or declined) made
// from from to to, both included, per source, for each activity that is
// not discreet and in all, and the signatures of each petition made then
// per source.
func (s *Service) Sources(ctx context.Context, from, to time.Time) (*Sources, error) {
	db := s.db.WithContext(ctx)
	var regs, sigs []SourceTally
	if err := db.Table("registrations r").Joins("JOIN activities a ON a.id = r.activity_id").
		Select("r.activity_id AS id, r.source, COUNT(*) AS n").
		Where("a.discreet = ? AND r.status NOT IN ? AND r.created_at >= ? AND r.created_at <= ?",
			false, []string{string(registration.Cancelled), string(registration.Declined)}, from, to).
		Group("r.activity_id, r.source").Scan(&regs).Error; err != nil {
		return nil, fmt.Errorf("reports: unable to count registrations per source: %w", err)
	}
	if err := db.Table("signatures").Select("petition_id AS id, source, COUNT(*) AS n").
		Where("signed_at >= ? AND signed_at <= ?", from, to).
		Group("petition_id, source").Scan(&sigs).Error; err != nil {
		return nil, fmt.Errorf("reports: unable to count signatures per source: %w", err)
	}
	actIDs, petIDs := tallyIDs(regs), tallyIDs(sigs)
	var acts []activities.Activity
	if len(actIDs) > 0 {
		if err := activities.WithTexts(db).Where("id IN ?", actIDs).Order("starts_at DESC, id DESC").Find(&acts).Error; err != nil {
			return nil, fmt.Errorf("reports: unable to read activities: %w", err)
		}
	}
	var pets []petitions.Petition
	if len(petIDs) > 0 {
		if err := db.Preload("Translations").Where("id IN ?", petIDs).Order("id DESC").Find(&pets).Error; err != nil {
			return nil, fmt.Errorf("reports: unable to read petitions: %w", err)
		}
	}
	// A petition's count in all is on its public page: a period that holds
	// every signature of it publishes nothing new in its total.
	public, err := s.petitions.Counts(ctx, petIDs)
	if err != nil {
		return nil, err
	}
	out := sourceFigures(acts, regs, pets, sigs, public, s.minCell)
	out.From, out.To = from, to
	return out, nil
}

// RecentSources is the report of the last SourcesMonths months up to now:
// the one the dashboard, its CSV and the API all show.
func (s *Service) RecentSources(ctx context.Context, now time.Time) (*Sources, error) {
	return s.Sources(ctx, now.AddDate(0, -SourcesMonths, 0), now)
}

func tallyIDs(ts []SourceTally) []int64 {
	ids := make([]int64, 0, len(ts))
	for _, t := range ts {
		ids = append(ids, t.ID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// sourceFigures lays out and suppresses the counts: each under minCell is
// Small, and Suppress withholds what would give one away, through each
// source's sum over the activities and each petition's total (Public when
// it is the petition's count in all, which its page shows).
func sourceFigures(acts []activities.Activity, regs []SourceTally, pets []petitions.Petition, sigs []SourceTally,
	public map[int64]int, minCell int) *Sources {
	out := &Sources{MinCell: minCell, Overall: []SourceCount{}, Activities: []ActivitySources{}, Petitions: []PetitionSources{}}

	// Registrations: a cell per activity and source, and per source in all.
	var cells []Cell
	byActivity := map[int64]map[string]int{} // activity → source → cell
	overall := map[string]int{}              // source → cell
	var sources []string
	seen := map[int64]bool{}
	for i := range acts {
		seen[acts[i].ID] = true
	}
	for _, t := range regs {
		if !seen[t.ID] {
			continue // not read back (deleted meanwhile)
		}
		if byActivity[t.ID] == nil {
			byActivity[t.ID] = map[string]int{}
		}
		byActivity[t.ID][t.Source] = len(cells)
		cells = append(cells, Cell{Value: t.N, Sensitive: true})
		sources = append(sources, t.Source)
	}
	// Sources by name, a direct visit ("") first: never by count, which
	// would tell how hidden counts compare.
	slices.Sort(sources)
	sources = slices.Compact(sources)
	groups := make([]Group, 0, len(sources))
	for _, src := range sources {
		g := Group{Total: len(cells)}
		sum := 0
		for _, a := range acts {
			if i, ok := byActivity[a.ID][src]; ok {
				g.Parts = append(g.Parts, i)
				sum += cells[i].Value
			}
		}
		overall[src] = len(cells)
		cells = append(cells, Cell{Value: sum, Sensitive: true})
		groups = append(groups, g)
	}

	// Signatures: a cell per petition and source, and each petition's total.
	type petitionCells struct {
		total   int
		sources map[string]int
	}
	byPetition := map[int64]*petitionCells{}
	for _, t := range sigs {
		pc := byPetition[t.ID]
		if pc == nil {
			pc = &petitionCells{sources: map[string]int{}}
			byPetition[t.ID] = pc
		}
		pc.sources[t.Source] = len(cells)
		cells = append(cells, Cell{Value: t.N, Sensitive: true})
	}
	for _, p := range pets {
		pc := byPetition[p.ID]
		if pc == nil {
			continue
		}
		g := Group{Total: len(cells)}
		sum := 0
		for _, i := range pc.sources {
			g.Parts = append(g.Parts, i)
			sum += cells[i].Value
		}
		slices.Sort(g.Parts)
		pc.total = len(cells)
		cells = append(cells, Cell{Value: sum, Public: sum == public[p.ID]})
		groups = append(groups, g)
	}

	marks := Suppress(cells, groups, minCell)
	count := func(i int) Count {
		if marks[i] != Shown {
			return Count{Mark: marks[i]}
		}
		return Count{Value: cells[i].Value}
	}
	line := func(m map[string]int) []SourceCount {
		var srcs []string
		for src := range m {
			srcs = append(srcs, src)
		}
		slices.Sort(srcs)
		list := make([]SourceCount, len(srcs))
		for i, src := range srcs {
			list[i] = SourceCount{Source: src, Count: count(m[src])}
		}
		return list
	}
	for _, src := range sources {
		out.Overall = append(out.Overall, SourceCount{Source: src, Count: count(overall[src])})
	}
	for i := range acts {
		if m := byActivity[acts[i].ID]; m != nil {
			out.Activities = append(out.Activities, ActivitySources{Activity: &acts[i], Sources: line(m)})
		}
	}
	for i := range pets {
		if pc := byPetition[pets[i].ID]; pc != nil {
			out.Petitions = append(out.Petitions, PetitionSources{Petition: &pets[i], Total: count(pc.total), Sources: line(pc.sources)})
		}
	}
	return out
}
