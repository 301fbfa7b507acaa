package api

import (
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/reports"
)

// GET /api/v1/reports/quotas: the quota attainment report, suppressed as
// the page and the CSV are. A suppressed count is a JSON string instead of
// a number: "<5" (under GOTONG_MIN_CELL) or "x" (withheld so that another
// cannot be worked out from the totals).

// apiCount is a count that may be suppressed.
type apiCount struct {
	c       reports.Count
	minCell int
}

// MarshalJSON writes the number, or the suppression's string.
func (a apiCount) MarshalJSON() ([]byte, error) {
	if a.c.Mark == reports.Shown {
		return json.Marshal(a.c.Value)
	}
	return json.Marshal(a.c.Text(a.minCell))
}

type apiQuotaSeats struct {
	Seats  apiCount `json:"seats"`
	Filled apiCount `json:"filled"`
}

type apiQuotaPool struct {
	Attribute string   `json:"attribute"`
	Seats     apiCount `json:"seats"`
	Filled    apiCount `json:"filled"`
	Released  *bool    `json:"released,omitempty"` // not in the total
}

type apiQuotaRow struct {
	ActivityID *int64         `json:"activity_id,omitempty"` // not in the total
	Title      string         `json:"title,omitempty"`
	StartsAt   *time.Time     `json:"starts_at,omitempty"`
	Capacity   apiCount       `json:"capacity"`
	Confirmed  apiCount       `json:"confirmed"`
	General    apiQuotaSeats  `json:"general"`
	Pools      []apiQuotaPool `json:"pools"`
}

type apiQuotaReport struct {
	MinCell int           `json:"min_cell"`
	Items   []apiQuotaRow `json:"items"`
	Total   apiQuotaRow   `json:"total"`
}

// ReportQuotas answers GET /api/v1/reports/quotas.
func (s *Handlers) ReportQuotas(c *fiber.Ctx) error {
	q, err := s.Reports.Quotas(c.UserContext(), s.Clock())
	if err != nil {
		return err
	}
	lang := s.Localizer(c).Lang
	count := func(n reports.Count) apiCount { return apiCount{c: n, minCell: q.MinCell} }
	row := func(r *reports.QuotaRow) apiQuotaRow {
		out := apiQuotaRow{Capacity: count(r.Capacity), Confirmed: count(r.Confirmed),
			General: apiQuotaSeats{Seats: count(r.GeneralSeats), Filled: count(r.GeneralFilled)}, Pools: []apiQuotaPool{}}
		if a := r.Activity; a != nil {
			id, starts := a.ID, a.StartsAt.UTC()
			out.ActivityID, out.Title, out.StartsAt = &id, a.TextIn(lang, s.Catalog.Default()).Title, &starts
		}
		for _, p := range r.Pools {
			pool := apiQuotaPool{Attribute: string(p.Attribute), Seats: count(p.Seats), Filled: count(p.Filled)}
			if r.Activity != nil {
				released := p.Released
				pool.Released = &released
			}
			out.Pools = append(out.Pools, pool)
		}
		return out
	}
	out := apiQuotaReport{MinCell: q.MinCell, Items: []apiQuotaRow{}, Total: row(&q.Total)}
	for i := range q.Rows {
		out.Items = append(out.Items, row(&q.Rows[i]))
	}
	return c.JSON(out)
}
