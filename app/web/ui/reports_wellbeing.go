package ui

import (
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/reports"
	"github.com/gotong/gotong/app/web/request"
)

// The well-being change of the workshops on the reports dashboard: a
// table of each workshop's responses and mean WHO-5 score before and
// after and the change, and all workshops together; and its CSV. A
// figure under the threshold is "<N", a pool's withheld one "x"
// (reports.WithheldText), as in the other tables.

// wellbeingRow is one workshop, or all of them (no ID), as the page
// shows it.
type wellbeingRow struct {
	ID                              int64
	Title, Starts                   string
	ResponsesBefore, ResponsesAfter string
	Before, After, Change           string
}

// wellbeingMark is what stands for a figure that is not shown, or ""
// when it is.
func wellbeingMark(suppressed, withheld bool, minCell string) string {
	switch {
	case withheld:
		return reports.WithheldText
	case suppressed:
		return "<" + minCell
	}
	return ""
}

// wellbeingTexts are a row's five figures, numbers written by number
// (responses) and score (means and the change).
func wellbeingTexts(r path.WellbeingResults, minCell string, number func(int) string, score func(float64) string) [5]string {
	var out [5]string
	for i, side := range []path.Results{r.Pre, r.Post} {
		if m := wellbeingMark(side.Suppressed, side.Withheld, minCell); m != "" {
			out[i], out[2+i] = m, m
			continue
		}
		out[i], out[2+i] = number(side.Responses), score(*side.Score)
	}
	out[4] = wellbeingMark(r.Change.Suppressed, r.Change.Withheld, minCell)
	if out[4] == "" {
		out[4] = score(r.Change.Delta)
	}
	return out
}

// wellbeingViewOf lays w out for the page.
func wellbeingViewOf(p *request.Page, w *reports.Wellbeing, def string) (rows []wellbeingRow, all *wellbeingRow) {
	minCell := p.L.Number(w.MinCell)
	number := func(n int) string { return p.L.Number(n) }
	score := func(x float64) string { return oneDecimal(p, x) }
	row := func(r path.WellbeingResults) wellbeingRow {
		t := wellbeingTexts(r, minCell, number, score)
		if !r.Change.Suppressed && r.Change.Delta > 0 {
			t[4] = "+" + t[4]
		}
		return wellbeingRow{ResponsesBefore: t[0], ResponsesAfter: t[1], Before: t[2], After: t[3], Change: t[4]}
	}
	for _, ws := range w.Workshops {
		r := row(ws.WellbeingResults)
		r.ID, r.Title, r.Starts = ws.Activity.ID, ws.Activity.TextIn(p.L.Lang, def).Title, ws.Activity.Day(p.L, ws.Activity.StartsAt)
		rows = append(rows, r)
	}
	if len(rows) > 0 {
		r := row(w.All)
		r.Title = p.L.T("reports_all_workshops")
		all = &r
	}
	return rows, all
}

// WellbeingCSV: each workshop's well-being change and all of them, the
// figures hidden as on the page, the scores to one decimal.
func WellbeingCSV(s *Handlers, c *fiber.Ctx, p *request.Page) (csvTable, error) {
	w, err := s.Reports.Wellbeing(c.UserContext())
	if err != nil {
		return csvTable{}, err
	}
	out := csvTable{header: []string{p.L.T("reports_activity_id"), p.L.T("reports_activity"), p.L.T("reports_starts"),
		p.L.T("reports_responses_before"), p.L.T("reports_responses_after"), p.L.T("reports_score_before"),
		p.L.T("reports_score_after"), p.L.T("reports_score_change")}}
	minCell := strconv.Itoa(w.MinCell)
	score := func(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', 1, 64) }
	for _, ws := range w.Workshops {
		t := wellbeingTexts(ws.WellbeingResults, minCell, strconv.Itoa, score)
		a := ws.Activity
		out.rows = append(out.rows, append([]string{strconv.FormatInt(a.ID, 10), a.TextIn(p.L.Lang, s.Catalog.Default()).Title,
			a.Local(a.StartsAt).Format(time.DateOnly)}, t[:]...))
	}
	if len(w.Workshops) > 0 {
		t := wellbeingTexts(w.All, minCell, strconv.Itoa, score)
		out.rows = append(out.rows, append([]string{"", p.L.T("reports_all_workshops"), ""}, t[:]...))
	}
	return out, nil
}
