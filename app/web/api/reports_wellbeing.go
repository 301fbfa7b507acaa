package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/reports"
)

// GET /api/v1/reports/wellbeing: the well-being change of the workshops,
// hidden as the page and the CSV hide it.

// WellbeingFigures are the responses and the mean WHO-5 score before and
// after, and the change: numbers, or "<N" from fewer responses than
// GOTONG_MIN_CELL, or "x" for all workshops withheld.
type WellbeingFigures struct {
	ResponsesBefore figure `json:"responses_before"`
	ResponsesAfter  figure `json:"responses_after"`
	Before          figure `json:"before"`
	After           figure `json:"after"`
	Change          figure `json:"change"`
}

// WellbeingWorkshop is one workshop's figures.
type WellbeingWorkshop struct {
	ActivityID int64     `json:"activity_id"`
	Title      string    `json:"title"`
	StartsAt   time.Time `json:"starts_at"`
	WellbeingFigures
}

// WellbeingReport is the workshops' figures, by start, and all of them.
type WellbeingReport struct {
	MinCell   int                 `json:"min_cell"`
	Workshops []WellbeingWorkshop `json:"workshops"`
	All       WellbeingFigures    `json:"all"`
}

// wellbeingFigures writes r's figures, each a number or its mark.
func wellbeingFigures(r path.WellbeingResults, minCell int) WellbeingFigures {
	mark := func(suppressed, withheld bool) string {
		switch {
		case withheld:
			return reports.WithheldText
		case suppressed:
			return "<" + strconv.Itoa(minCell)
		}
		return ""
	}
	var out WellbeingFigures
	for _, side := range []struct {
		r                path.Results
		responses, score *figure
	}{{r.Pre, &out.ResponsesBefore, &out.Before}, {r.Post, &out.ResponsesAfter, &out.After}} {
		if m := mark(side.r.Suppressed, side.r.Withheld); m != "" {
			*side.responses, *side.score = figure{mark: m}, figure{mark: m}
		} else {
			*side.responses, *side.score = figure{value: float64(side.r.Responses)}, figure{value: *side.r.Score}
		}
	}
	out.Change = figure{value: r.Change.Delta, mark: mark(r.Change.Suppressed, r.Change.Withheld)}
	return out
}

// ReportWellbeing answers GET /api/v1/reports/wellbeing.
func (s *Handlers) ReportWellbeing(c *fiber.Ctx) error {
	w, err := s.Reports.Wellbeing(c.UserContext())
	if err != nil {
		return err
	}
	lang := s.Localizer(c).Lang
	out := WellbeingReport{MinCell: w.MinCell, Workshops: make([]WellbeingWorkshop, len(w.Workshops)),
		All: wellbeingFigures(w.All, w.MinCell)}
	for i, ws := range w.Workshops {
		a := ws.Activity
		out.Workshops[i] = WellbeingWorkshop{ActivityID: a.ID, Title: a.TextIn(lang, s.Catalog.Default()).Title,
			StartsAt: a.StartsAt.UTC(), WellbeingFigures: wellbeingFigures(ws.WellbeingResults, w.MinCell)}
	}
	return c.JSON(out)
}
