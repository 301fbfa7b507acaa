package ui

import (
	"html/template"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/reports"
	"github.com/gotong/gotong/app/reports/chart"
	"github.com/gotong/gotong/app/web/request"
)

// The youth path's figures on the reports dashboard: hours by region and
// kind, people trained per year; their tables, charts and CSVs.

// hoursRow is one region's hours by kind (in activities.Kinds order) and
// in all, as the page shows them; the total row has no code.
type hoursRow struct {
	Code, Label string
	Kinds       []string // "–" where the region has no attendance of the kind
	Total       string
}

// trainingView is the path's part of the dashboard.
type trainingView struct {
	KindHeads   []string
	HoursRows   []hoursRow
	HoursTotal  *hoursRow // nil when no hours
	HoursChart  template.HTML
	TrainedYear []yearPeopleRow
	YearsChart  template.HTML
}

type yearPeopleRow struct{ Year, People string }

// hoursGrid lays the hours out by region, each with its kinds and total,
// in the order t gives them, and the totals of every kind.
func hoursGrid(t *reports.Training) (regions []string, byRegion map[string][]*float64, kindTotals []float64) {
	byRegion = map[string][]*float64{}
	kindTotals = make([]float64, len(activities.Kinds))
	for _, c := range t.Hours {
		row, ok := byRegion[c.Region]
		if !ok {
			row = make([]*float64, len(activities.Kinds))
			byRegion[c.Region] = row
			regions = append(regions, c.Region)
		}
		for k, kind := range activities.Kinds {
			if kind == c.Kind {
				h := c.Hours
				row[k] = &h
				kindTotals[k] += h
			}
		}
	}
	return regions, byRegion, kindTotals
}

// trainingViewOf lays t out for the page.
func trainingViewOf(p *request.Page, t *reports.Training) trainingView {
	n := p.L.Number
	var v trainingView
	for _, k := range activities.Kinds {
		v.KindHeads = append(v.KindHeads, p.L.T(kindLabels[k]))
	}
	regions, byRegion, kindTotals := hoursGrid(t)
	bars := chart.Bars{ID: "chart-hours", Title: p.L.T("reports_hours"), Lead: p.L.T("reports_hours_lead")}
	for _, code := range regions {
		row := hoursRow{Code: code, Label: trainedRegion(p, code)}
		var sum float64
		for _, h := range byRegion[code] {
			if h == nil {
				row.Kinds = append(row.Kinds, "–")
				continue
			}
			row.Kinds = append(row.Kinds, n(*h))
			sum += *h
		}
		row.Total = n(sum)
		v.HoursRows = append(v.HoursRows, row)
		// In quarter hours, which are whole.
		bars.Rows = append(bars.Rows, chart.Row{Label: row.Label, Values: []int{int(sum * 4)}, Texts: []string{row.Total}})
	}
	if len(regions) > 0 {
		total := hoursRow{Label: p.L.T("reports_all_regions"), Total: n(t.TotalHours)}
		for _, h := range kindTotals {
			total.Kinds = append(total.Kinds, n(h))
		}
		v.HoursTotal = &total
		v.HoursChart = bars.SVG()
	}
	years := chart.Bars{ID: "chart-trained-years", Title: p.L.T("reports_trained_years"), Lead: p.L.T("reports_trained_years_lead")}
	for _, y := range t.Years {
		row := yearPeopleRow{Year: strconv.Itoa(y.Year), People: countText(p, y.People, t.MinCell)}
		v.TrainedYear = append(v.TrainedYear, row)
		// A hidden count draws no bar: its text says "<5".
		years.Rows = append(years.Rows, chart.Row{Label: row.Year, Values: []int{y.People.Value}, Texts: []string{row.People}})
	}
	if len(t.Years) > 0 {
		v.YearsChart = years.SVG()
	}
	return v
}

// HoursCSV: the hours by region and kind, a row per region and kind with
// an attendance.
func HoursCSV(s *Handlers, c *fiber.Ctx, p *request.Page) (csvTable, error) {
	t, err := s.Reports.Training(c.UserContext())
	if err != nil {
		return csvTable{}, err
	}
	out := csvTable{header: []string{p.L.T("reports_region_code"), p.L.T("reports_region"), p.L.T("reports_kind_code"),
		p.L.T("field_kind"), p.L.T("reports_hours_col")}}
	for _, h := range t.Hours {
		out.rows = append(out.rows, []string{h.Region, trainedRegion(p, h.Region), h.Kind, p.L.T(kindLabels[h.Kind]),
			strconv.FormatFloat(h.Hours, 'f', -1, 64)})
	}
	return out, nil
}

// TrainedYearsCSV: the people trained per year, suppressed as on the page.
func TrainedYearsCSV(s *Handlers, c *fiber.Ctx, p *request.Page) (csvTable, error) {
	t, err := s.Reports.Training(c.UserContext())
	if err != nil {
		return csvTable{}, err
	}
	out := csvTable{header: []string{p.L.T("partners_year"), p.L.T("reports_participants")}}
	for _, y := range t.Years {
		out.rows = append(out.rows, []string{strconv.Itoa(y.Year), y.People.Text(t.MinCell)})
	}
	return out, nil
}
