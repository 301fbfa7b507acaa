package ui

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/csvout"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/reports"
)

// The CSV downloads of the reports dashboard, one per chart: headers in
// the page's language, numbers plain, suppressed counts as in the page,
// written by csvout as every CSV.

// csvTable is a header row and the rows under it.
type csvTable struct {
	header []string
	rows   [][]string
}

// ReportCSV answers GET /manage/reports/{name}.csv with the table build
// makes for the request.
func (s *Handlers) ReportCSV(name string, build func(s *Handlers, c *fiber.Ctx, p *request.Page) (csvTable, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := build(s, c, &request.Page{L: s.Localizer(c)})
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		w := csvout.NewWriter(&buf)
		for _, row := range append([][]string{t.header}, t.rows...) {
			if err := w.Write(row); err != nil {
				return err
			}
		}
		if err := w.Flush(); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.csv"`, name))
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Send(buf.Bytes())
	}
}

func itoaInt(n int) string { return strconv.Itoa(n) }

// PeopleCSV: new people and people in all per month.
func PeopleCSV(s *Handlers, c *fiber.Ctx, p *request.Page) (csvTable, error) {
	ppl, err := s.Reports.People(c.UserContext(), s.Clock())
	if err != nil {
		return csvTable{}, err
	}
	t := csvTable{header: []string{p.L.T("reports_month_col"), p.L.T("reports_new_people"), p.L.T("reports_people_in_all")}}
	for _, m := range ppl.Months {
		t.rows = append(t.rows, []string{m.Start.Format("2006-01"), itoaInt(m.New), itoaInt(m.Total)})
	}
	return t, nil
}

// SharesCSV: the youth, rural and volunteer shares.
func SharesCSV(s *Handlers, c *fiber.Ctx, p *request.Page) (csvTable, error) {
	ppl, err := s.Reports.People(c.UserContext(), s.Clock())
	if err != nil {
		return csvTable{}, err
	}
	t := csvTable{header: []string{p.L.T("reports_figure"), p.L.T("partners_count"), p.L.T("reports_of"), p.L.T("reports_share_percent")}}
	for _, f := range shareFigures(p, ppl) {
		pct := ""
		if f.Share.Of > 0 {
			pct = strconv.FormatFloat(100*float64(f.Share.Count)/float64(f.Share.Of), 'f', 1, 64)
		}
		t.rows = append(t.rows, []string{f.Label, itoaInt(f.Share.Count), itoaInt(f.Share.Of), pct})
	}
	return t, nil
}

// TrainedCSV: participants trained by region.
func TrainedCSV(s *Handlers, c *fiber.Ctx, p *request.Page) (csvTable, error) {
	trained, err := s.Reports.TrainedByRegion(c.UserContext())
	if err != nil {
		return csvTable{}, err
	}
	t := csvTable{header: []string{p.L.T("reports_region_code"), p.L.T("reports_region"), p.L.T("reports_participants")}}
	for _, r := range trained {
		t.rows = append(t.rows, []string{r.Region, trainedRegion(p, r.Region), itoaInt(r.Count)})
	}
	return t, nil
}

// QuotasCSV: every activity of the quota report and the total, suppressed
// as on the page.
func QuotasCSV(s *Handlers, c *fiber.Ctx, p *request.Page) (csvTable, error) {
	q, err := s.Reports.Quotas(c.UserContext(), s.Clock())
	if err != nil {
		return csvTable{}, err
	}
	t := csvTable{header: []string{p.L.T("reports_activity_id"), p.L.T("reports_activity"), p.L.T("reports_starts"),
		p.L.T("reports_capacity"), p.L.T("reports_confirmed"), p.L.T("reports_general"), p.L.T("reports_general_filled")}}
	for _, a := range q.Attributes {
		pool := p.L.T(quota.PoolLabel(a))
		t.header = append(t.header, p.L.T("reports_pool_seats", "Pool", pool), p.L.T("reports_pool_filled", "Pool", pool),
			p.L.T("reports_pool_released", "Pool", pool))
	}
	row := func(r *reports.QuotaRow) []string {
		var out []string
		if r.Activity != nil {
			out = []string{strconv.FormatInt(r.Activity.ID, 10), r.Activity.TextIn(p.L.Lang, s.Catalog.Default()).Title,
				r.Activity.Local(r.Activity.StartsAt).Format(time.DateOnly)}
		} else {
			out = []string{"", p.L.T("reports_all_activities"), ""}
		}
		for _, n := range []reports.Count{r.Capacity, r.Confirmed, r.GeneralSeats, r.GeneralFilled} {
			out = append(out, n.Text(q.MinCell))
		}
		for _, a := range q.Attributes {
			pool, ok := r.Pool(a)
			switch {
			case !ok:
				out = append(out, "", "", "")
			case r.Activity == nil:
				out = append(out, pool.Seats.Text(q.MinCell), pool.Filled.Text(q.MinCell), "")
			default:
				released := p.L.T("reports_released_no") // its own words, not attendance's
				if pool.Released {
					released = p.L.T("reports_released_yes")
				}
				out = append(out, pool.Seats.Text(q.MinCell), pool.Filled.Text(q.MinCell), released)
			}
		}
		return out
	}
	for i := range q.Rows {
		t.rows = append(t.rows, row(&q.Rows[i]))
	}
	if len(q.Rows) > 0 {
		t.rows = append(t.rows, row(&q.Total))
	}
	return t, nil
}

// PartnershipsCSV: partnerships established and strengthened per year.
func PartnershipsCSV(s *Handlers, c *fiber.Ctx, p *request.Page) (csvTable, error) {
	sum, err := s.Summary(c)
	if err != nil {
		return csvTable{}, err
	}
	t := csvTable{header: []string{p.L.T("partners_year"), p.L.T("reports_established"), p.L.T("reports_strengthened")}}
	years, est, str := yearFigures(sum)
	for _, y := range years {
		t.rows = append(t.rows, []string{strconv.Itoa(y), itoaInt(est[y]), itoaInt(str[y])})
	}
	return t, nil
}

// CampaignsCSV: signatures and letters per campaign.
func CampaignsCSV(s *Handlers, c *fiber.Ctx, p *request.Page) (csvTable, error) {
	sum, err := s.Summary(c)
	if err != nil {
		return csvTable{}, err
	}
	t := csvTable{header: []string{p.L.T("reports_campaign_id"), p.L.T("field_title"), p.L.T("campaign_stage_current"),
		p.L.T("campaign_signatures"), p.L.T("campaign_letters_written"), p.L.T("campaign_letters_delivered")}}
	for _, cf := range sum.Campaigns {
		t.rows = append(t.rows, []string{strconv.FormatInt(cf.Campaign.ID, 10), cf.Campaign.TextIn(p.L.Lang, s.Catalog.Default()).Title,
			p.L.T(stageLabels[cf.Campaign.Stage]), itoaInt(cf.Signatures), strconv.FormatInt(cf.Letters.Written, 10),
			strconv.FormatInt(cf.Letters.Delivered, 10)})
	}
	return t, nil
}
