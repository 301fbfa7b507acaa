package ui

import (
	"html/template"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/reports"
	"github.com/gotong/gotong/app/reports/chart"
)

// The reports dashboard: people over time, the youth, rural and volunteer
// shares, participants trained by region, hours by region and kind and
// people trained per year (reports_training.go), the well-being change of
// the workshops (reports_wellbeing.go), quota attainment, partnerships,
// campaigns; as SVG charts and tables on /manage/reports, as CSV, and in
// the API.

// quotaPageRows is how many activities the page's quota table shows, the
// most recent; the CSV and the API have them all. The page shows a part of
// the same suppressed table, so it gives nothing away that they do not.
const quotaPageRows = 20

type summaryStage struct {
	Label string
	Count int
}

type summaryCampaign struct {
	ID                 int64
	Title, Stage       string
	Signatures         int
	Written, Delivered int64
}

type monthRow struct{ Label, New, Total string }

type shareRow struct{ ID, Label, Count, Of, Percent string }

type regionRow struct{ Label, Count string }

type yearRow struct{ Year, Established, Strengthened string }

type quotaPoolCell struct {
	Present       bool
	Filled, Seats string
	Released      bool
}

type quotaRowView struct {
	ID                          int64
	Title, Starts               string
	Capacity, Confirmed         string
	GeneralFilled, GeneralSeats string
	Pools                       []quotaPoolCell // one per attribute of the table
}

type reportsData struct {
	PeopleTotal  string
	Months       []monthRow
	PeopleChart  template.HTML
	YouthMaxAge  int
	Shares       []shareRow
	SharesChart  template.HTML
	Regions      []regionRow
	TrainedChart template.HTML
	Training     trainingView // hours by region and kind, people trained per year
	Wellbeing    []wellbeingRow
	WellbeingAll *wellbeingRow // nil without a workshop
	Sources      sourcesView   // registrations and signatures per source
	MinCell      string
	PoolHeads    []string
	Quotas       []quotaRowView
	QuotaTotal   *quotaRowView
	QuotaAll     int
	Years        []yearRow
	YearsChart   template.HTML
	Signatures   int
	Written      int64
	Delivered    int64
	Stages       []summaryStage
	Campaigns    []summaryCampaign
	CampChart    template.HTML
}

// monthLabel is a month as the page's language writes it.
func monthLabel(p *request.Page, t time.Time) string {
	month := "month_" + strconv.Itoa(int(t.Month())) // the names Localizer.Date uses
	return p.L.T("reports_month", "Month", p.L.T(month), "Year", strconv.Itoa(t.Year()))
}

// percentText is part of whole as a whole percentage, or "–" of nothing.
func percentText(p *request.Page, part, whole int) string {
	if whole == 0 {
		return "–"
	}
	return p.L.T("reports_percent", "Value", p.L.Number(int(math.Round(100*float64(part)/float64(whole)))))
}

// trainedRegion is a region's name in the page's language, or what an
// activity without one is.
func trainedRegion(p *request.Page, code string) string {
	if code == "" {
		return p.L.T("reports_region_none")
	}
	if name := regionLabel(p, code); name != "" {
		return name
	}
	return code
}

// countText is a quota count as the page shows it.
func countText(p *request.Page, c reports.Count, minCell int) string {
	switch c.Mark {
	case reports.Small:
		return "<" + p.L.Number(minCell)
	case reports.Withheld:
		return reports.WithheldText
	}
	return p.L.Number(c.Value)
}

// shareFigures are the three shares in order, with their labels.
func shareFigures(p *request.Page, ppl *reports.People) []struct {
	ID, Label string
	Share     reports.Share
} {
	return []struct {
		ID, Label string
		Share     reports.Share
	}{
		{"youth", p.L.T("reports_youth", "Age", reports.YouthMaxAge), ppl.Youth},
		{"rural", p.L.T("reports_rural"), ppl.Rural},
		{"volunteers", p.L.T("reports_volunteers"), ppl.Volunteers},
	}
}

// yearFigures are the years with partnerships established or
// strengthened, oldest first.
func yearFigures(sum *reports.Summary) (years []int, established, strengthened map[int]int) {
	established, strengthened = map[int]int{}, map[int]int{}
	for _, y := range sum.Partners.EstablishedPerYear {
		established[y.Year] = y.Count
	}
	for _, y := range sum.Partners.StrengthenedPerYear {
		strengthened[y.Year] = y.Count
	}
	for y := range established {
		years = append(years, y)
	}
	for y := range strengthened {
		if _, ok := established[y]; !ok {
			years = append(years, y)
		}
	}
	slices.Sort(years)
	return years, established, strengthened
}

// quotaView lays a quota row out for the page, its pools in the table's
// attribute order.
func quotaView(p *request.Page, r *reports.QuotaRow, attributes []quota.Attribute, minCell int, def string) quotaRowView {
	v := quotaRowView{Capacity: countText(p, r.Capacity, minCell), Confirmed: countText(p, r.Confirmed, minCell),
		GeneralFilled: countText(p, r.GeneralFilled, minCell), GeneralSeats: countText(p, r.GeneralSeats, minCell)}
	if r.Activity != nil {
		v.ID, v.Title, v.Starts = r.Activity.ID, r.Activity.TextIn(p.L.Lang, def).Title, r.Activity.Day(p.L, r.Activity.StartsAt)
	} else {
		v.Title = p.L.T("reports_all_activities")
	}
	for _, a := range attributes {
		pool, ok := r.Pool(a)
		cell := quotaPoolCell{Present: ok}
		if ok {
			cell.Filled, cell.Seats, cell.Released = countText(p, pool.Filled, minCell), countText(p, pool.Seats, minCell), pool.Released
		}
		v.Pools = append(v.Pools, cell)
	}
	return v
}

// ReportsPage is the dashboard: every figure as a chart and a table, with
// a CSV of each.
func (s *Handlers) ReportsPage(c *fiber.Ctx) error {
	ctx, now := c.UserContext(), s.Clock()
	sum, err := s.Summary(c)
	if err != nil {
		return err
	}
	ppl, err := s.Reports.People(ctx, now)
	if err != nil {
		return err
	}
	trained, err := s.Reports.TrainedByRegion(ctx)
	if err != nil {
		return err
	}
	quotas, err := s.Reports.Quotas(ctx, now)
	if err != nil {
		return err
	}
	training, err := s.Reports.Training(ctx)
	if err != nil {
		return err
	}
	wellbeing, err := s.Reports.Wellbeing(ctx)
	if err != nil {
		return err
	}
	sources, err := s.Reports.RecentSources(ctx, now)
	if err != nil {
		return err
	}
	p := s.Page(c, "reports_title", nil)
	n := p.L.Number
	d := reportsData{PeopleTotal: n(ppl.Total), YouthMaxAge: reports.YouthMaxAge, MinCell: n(quotas.MinCell),
		Signatures: sum.Signatures, Written: sum.Letters.Written, Delivered: sum.Letters.Delivered}

	// People over time.
	line := chart.Line{ID: "chart-people", Title: p.L.T("reports_people_chart"), Lead: p.L.T("reports_people_lead", "Months", reports.PeopleMonths)}
	for _, m := range ppl.Months {
		label := monthLabel(p, m.Start)
		d.Months = append(d.Months, monthRow{Label: label, New: n(m.New), Total: n(m.Total)})
		line.Points = append(line.Points, chart.Point{Label: label, Value: m.Total, Text: n(m.Total)})
	}
	d.PeopleChart = line.SVG()

	// Shares.
	shares := chart.Shares{ID: "chart-shares", Title: p.L.T("reports_shares"), Lead: p.L.T("reports_shares_lead")}
	for _, f := range shareFigures(p, ppl) {
		pct := percentText(p, f.Share.Count, f.Share.Of)
		d.Shares = append(d.Shares, shareRow{ID: f.ID, Label: f.Label, Count: n(f.Share.Count), Of: n(f.Share.Of), Percent: pct})
		shares.Rows = append(shares.Rows, chart.ShareRow{Label: f.Label, Part: f.Share.Count, Whole: f.Share.Of, Text: pct,
			Detail: p.L.T("reports_share_detail", "Percent", pct, "Count", n(f.Share.Count), "Of", n(f.Share.Of))})
	}
	d.SharesChart = shares.SVG()

	// Participants trained.
	bars := chart.Bars{ID: "chart-trained", Title: p.L.T("reports_trained"), Lead: p.L.T("reports_trained_lead")}
	for _, r := range trained {
		label := trainedRegion(p, r.Region)
		d.Regions = append(d.Regions, regionRow{Label: label, Count: n(r.Count)})
		bars.Rows = append(bars.Rows, chart.Row{Label: label, Values: []int{r.Count}, Texts: []string{n(r.Count)}})
	}
	if len(trained) > 0 { // else the table says there is nothing yet
		d.TrainedChart = bars.SVG()
	}

	d.Training = trainingViewOf(p, training)
	d.Wellbeing, d.WellbeingAll = wellbeingViewOf(p, wellbeing, s.Catalog.Default())
	d.Sources = sourcesViewOf(p, sources, s.Catalog.Default())

	// Quota attainment.
	for _, a := range quotas.Attributes {
		d.PoolHeads = append(d.PoolHeads, p.L.T(quota.PoolLabel(a)))
	}
	d.QuotaAll = len(quotas.Rows)
	for i := range quotas.Rows[:min(len(quotas.Rows), quotaPageRows)] {
		d.Quotas = append(d.Quotas, quotaView(p, &quotas.Rows[i], quotas.Attributes, quotas.MinCell, s.Catalog.Default()))
	}
	if len(quotas.Rows) > 0 {
		total := quotaView(p, &quotas.Total, quotas.Attributes, quotas.MinCell, s.Catalog.Default())
		d.QuotaTotal = &total
	}

	// Partnerships.
	years, est, str := yearFigures(sum)
	yb := chart.Bars{ID: "chart-partnerships", Title: p.L.T("reports_partnerships"), Lead: p.L.T("reports_partnerships_lead"),
		Series: []string{p.L.T("reports_established"), p.L.T("reports_strengthened")}}
	for _, y := range years {
		year := strconv.Itoa(y)
		d.Years = append(d.Years, yearRow{Year: year, Established: n(est[y]), Strengthened: n(str[y])})
		yb.Rows = append(yb.Rows, chart.Row{Label: year, Values: []int{est[y], str[y]}, Texts: []string{n(est[y]), n(str[y])}})
	}
	if len(years) > 0 {
		d.YearsChart = yb.SVG()
	}

	// Campaigns.
	for _, st := range sum.ByStage {
		d.Stages = append(d.Stages, summaryStage{Label: p.L.T(stageLabels[st.Stage]), Count: st.Count})
	}
	cb := chart.Bars{ID: "chart-campaigns", Title: p.L.T("reports_signatures_chart"), Lead: p.L.T("reports_signatures_lead")}
	for _, cf := range sum.Campaigns {
		title := cf.Campaign.TextIn(p.L.Lang, s.Catalog.Default()).Title
		d.Campaigns = append(d.Campaigns, summaryCampaign{ID: cf.Campaign.ID, Title: title,
			Stage: p.L.T(stageLabels[cf.Campaign.Stage]), Signatures: cf.Signatures, Written: cf.Letters.Written, Delivered: cf.Letters.Delivered})
		cb.Rows = append(cb.Rows, chart.Row{Label: title, Values: []int{cf.Signatures}, Texts: []string{n(cf.Signatures)}})
	}
	if sum.Signatures > 0 { // else the table says it as well
		d.CampChart = cb.SVG()
	}

	p.Data = d
	return s.Render(c, fiber.StatusOK, tplReports, p)
}
