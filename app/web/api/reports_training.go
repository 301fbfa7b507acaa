package api

import (
	"github.com/gofiber/fiber/v2"
)

// GET /api/v1/reports/training: the youth path's figures, hours by region
// and kind and people trained per year, suppressed as the page and the CSV
// are.

type apiHoursCell struct {
	Region string  `json:"region"`
	Kind   string  `json:"kind"`
	Hours  float64 `json:"hours"`
}

type apiYearPeople struct {
	Year   int      `json:"year"`
	People apiCount `json:"people"`
}

// TrainingReport is the path's figures as the API shows them.
type TrainingReport struct {
	MinCell        int             `json:"min_cell"`
	Hours          []apiHoursCell  `json:"hours"`
	TotalHours     float64         `json:"total_hours"`
	TrainedPerYear []apiYearPeople `json:"trained_per_year"`
}

// ReportTraining answers GET /api/v1/reports/training.
func (s *Handlers) ReportTraining(c *fiber.Ctx) error {
	t, err := s.Reports.Training(c.UserContext())
	if err != nil {
		return err
	}
	out := TrainingReport{MinCell: t.MinCell, Hours: make([]apiHoursCell, len(t.Hours)), TotalHours: t.TotalHours,
		TrainedPerYear: make([]apiYearPeople, len(t.Years))}
	for i, h := range t.Hours {
		out.Hours[i] = apiHoursCell{Region: h.Region, Kind: h.Kind, Hours: h.Hours}
	}
	for i, y := range t.Years {
		out.TrainedPerYear[i] = apiYearPeople{Year: y.Year, People: apiCount{c: y.People, minCell: t.MinCell}}
	}
	return c.JSON(out)
}
