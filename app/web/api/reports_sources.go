package api

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/reports"
)

// GET /api/v1/reports/sources: registrations and signatures per source,
// suppressed as the page and the CSV are.

type apiSourceCount struct {
	Source string   `json:"source"` // "" for a direct visit
	Count  apiCount `json:"count"`
}

type apiActivitySources struct {
	ActivityID int64            `json:"activity_id"`
	Sources    []apiSourceCount `json:"sources"`
}

type apiPetitionSources struct {
	PetitionID int64            `json:"petition_id"`
	Total      apiCount         `json:"total"`
	Sources    []apiSourceCount `json:"sources"`
}

// SourcesReport is the report of sources as the API shows it.
type SourcesReport struct {
	MinCell       int                  `json:"min_cell"`
	From          time.Time            `json:"from"`
	To            time.Time            `json:"to"`
	Registrations []apiSourceCount     `json:"registrations"`
	Activities    []apiActivitySources `json:"activities"`
	Petitions     []apiPetitionSources `json:"petitions"`
}

// ReportSources answers GET /api/v1/reports/sources.
func (s *Handlers) ReportSources(c *fiber.Ctx) error {
	r, err := s.Reports.RecentSources(c.UserContext(), s.Clock())
	if err != nil {
		return err
	}
	counts := func(list []reports.SourceCount) []apiSourceCount {
		out := make([]apiSourceCount, len(list))
		for i, sc := range list {
			out[i] = apiSourceCount{Source: sc.Source, Count: apiCount{c: sc.Count, minCell: r.MinCell}}
		}
		return out
	}
	out := SourcesReport{MinCell: r.MinCell, From: r.From.UTC(), To: r.To.UTC(), Registrations: counts(r.Overall),
		Activities: make([]apiActivitySources, len(r.Activities)), Petitions: make([]apiPetitionSources, len(r.Petitions))}
	for i, a := range r.Activities {
		out.Activities[i] = apiActivitySources{ActivityID: a.Activity.ID, Sources: counts(a.Sources)}
	}
	for i, p := range r.Petitions {
		out.Petitions[i] = apiPetitionSources{PetitionID: p.Petition.ID, Total: apiCount{c: p.Total, minCell: r.MinCell},
			Sources: counts(p.Sources)}
	}
	return c.JSON(out)
}
