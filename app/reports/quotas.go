package reports

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/registration"
)

// Count is a figure as a report may publish it: its value when Mark is
// Shown, else nothing of it but the mark.
type Count struct {
	Value int
	Mark  Mark
}

// WithheldText is how a Withheld count is published, in the page, the CSV
// and the API alike.
const WithheldText = "x"

// Text is the count as the CSV and the API publish it: its value, "<N"
// when Small (N = minCell), WithheldText when Withheld.
func (c Count) Text(minCell int) string {
	switch c.Mark {
	case Small:
		return "<" + strconv.Itoa(minCell)
	case Withheld:
		return WithheldText
	}
	return strconv.Itoa(c.Value)
}

// QuotaPool is one quota pool's seats and the people in it. Seats is the
// seats the pool takes up: its reserved seats, or its people when it has
// been released or holds more than its seats (after a capacity decrease).
type QuotaPool struct {
	Attribute quota.Attribute
	Seats     Count
	Filled    Count
	Released  bool // the total row leaves it false
}

// QuotaRow is one activity's quota attainment, or the total of all.
type QuotaRow struct {
	Activity      *activities.Activity // nil for the total; texts and rules loaded
	Capacity      Count
	Confirmed     Count
	GeneralSeats  Count
	GeneralFilled Count
	// Pools are the activity's rules in their order; for the total, every
	// attribute some activity has a rule for, in quota.All order. Every
	// count of a sensitive attribute's pool (quota.Sensitive) goes through
	// Suppress.
	Pools []QuotaPool
}

// Pool returns the row's pool of attribute and whether it has one.
func (r *QuotaRow) Pool(attribute quota.Attribute) (QuotaPool, bool) {
	for _, p := range r.Pools {
		if p.Attribute == attribute {
			return p, true
		}
	}
	return QuotaPool{}, false
}

// Quotas is the quota attainment of every published or completed activity
// with a quota rule, most recent start first, and their total, with the
// counts Suppress hides. It is the same table for the page, the CSV and the
// API, with no filter: two tables over different sets of activities would
// give away by subtraction what each one hides.
type Quotas struct {
	MinCell    int
	Rows       []QuotaRow
	Total      QuotaRow
	Attributes []quota.Attribute // the attributes of the total's pools
}

// Quotas computes the quota attainment report at now.
func (s *Service) Quotas(ctx context.Context, now time.Time) (*Quotas, error) {
	var list []activities.Activity
	err := activities.WithRules(activities.WithTexts(s.db.WithContext(ctx))).
		Where("status IN ?", []string{activities.StatusPublished, activities.StatusCompleted}).
		Where("EXISTS (SELECT 1 FROM quota_rules q WHERE q.activity_id = activities.id)").
		Order("starts_at DESC, id DESC").Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("reports: unable to read activities: %w", err)
	}
	counts, err := registration.SeatCounts(ctx, s.db, list, now)
	if err != nil {
		return nil, err
	}
	sums := make([]registration.Summary, len(list))
	for i := range list {
		sums[i] = registration.SummarizeCounts(counts[list[i].ID])
	}
	return quotaReport(list, sums, s.minCell), nil
}

// quotaReport suppresses the quota grid of the activities and lays it out.
func quotaReport(list []activities.Activity, sums []registration.Summary, minCell int) *Quotas {
	g := newQuotaGrid(sums)
	return g.report(list, Suppress(g.cells, g.groups, minCell), minCell)
}

// quotaPoolAt and quotaRowAt place a row's counts among the grid's cells.
type quotaPoolAt struct {
	attribute     quota.Attribute
	seats, filled int
	released      bool
}

type quotaRowAt struct {
	capacity, confirmed, genSeats, genFilled int
	pools                                    []quotaPoolAt
}

// quotaGrid is the quota report as cells and the groups they add up in.
type quotaGrid struct {
	cells      []Cell
	groups     []Group
	rows       []quotaRowAt
	total      quotaRowAt
	attributes []quota.Attribute
}

// newQuotaGrid lays the activities' seats out as cells and groups: each
// row adds up both ways (confirmed = general + pools; capacity = general
// seats + the pools' seats), each column adds up to the total row, and a
// released or overfull pool's seats are its people.
func newQuotaGrid(sums []registration.Summary) *quotaGrid {
	g := &quotaGrid{}
	add := func(v int, sensitive, public bool) int {
		g.cells = append(g.cells, Cell{Value: v, Sensitive: sensitive, Public: public})
		return len(g.cells) - 1
	}
	rowGroups := func(r quotaRowAt) {
		g1 := Group{Total: r.confirmed, Parts: []int{r.genFilled}}
		g2 := Group{Total: r.capacity, Parts: []int{r.genSeats}}
		for _, p := range r.pools {
			g1.Parts = append(g1.Parts, p.filled)
			g2.Parts = append(g2.Parts, p.seats)
		}
		g.groups = append(g.groups, g1, g2)
	}

	g.rows = make([]quotaRowAt, len(sums))
	present := map[quota.Attribute]bool{}
	for i, sum := range sums {
		allPublic := true
		var pools []quotaPoolAt
		for _, p := range sum.Pools {
			sensitive := quota.Sensitive(p.Attribute)
			// Unreleased and within its seats, a pool's seats follow from
			// the capacity and the share, which the public page shows.
			public := !p.Released && p.Filled <= p.Seats
			allPublic = allPublic && public
			pa := quotaPoolAt{attribute: p.Attribute, released: p.Released,
				seats:  add(max(p.Seats, p.Filled), sensitive && !public, public),
				filled: add(p.Filled, sensitive, false)}
			if !public {
				g.groups = append(g.groups, Group{Total: pa.seats, Parts: []int{pa.filled}})
			}
			pools = append(pools, pa)
			present[p.Attribute] = true
		}
		// Capacity and confirmed are public: the public page shows the
		// capacity and the free seats.
		g.rows[i] = quotaRowAt{capacity: add(sum.Capacity, false, true), confirmed: add(sum.Confirmed, false, true),
			genSeats: add(sum.GeneralSeats, false, allPublic), genFilled: add(sum.GeneralFilled, false, false), pools: pools}
		rowGroups(g.rows[i])
	}

	// The total row, and the columns that add up to it.
	column := func(pick func(quotaRowAt) (int, bool), sensitive func(public bool) bool) int {
		sum, public := 0, true
		var parts []int
		for _, r := range g.rows {
			if i, ok := pick(r); ok {
				parts = append(parts, i)
				sum += g.cells[i].Value
				public = public && g.cells[i].Public
			}
		}
		t := add(sum, sensitive(public), public)
		g.groups = append(g.groups, Group{Total: t, Parts: parts})
		return t
	}
	no := func(bool) bool { return false }
	g.total = quotaRowAt{
		capacity:  column(func(r quotaRowAt) (int, bool) { return r.capacity, true }, no),
		confirmed: column(func(r quotaRowAt) (int, bool) { return r.confirmed, true }, no),
		genSeats:  column(func(r quotaRowAt) (int, bool) { return r.genSeats, true }, no),
		genFilled: column(func(r quotaRowAt) (int, bool) { return r.genFilled, true }, no),
	}
	for _, a := range quota.All() {
		if !present[a] {
			continue
		}
		g.attributes = append(g.attributes, a)
		sensitive := quota.Sensitive(a)
		find := func(r quotaRowAt) (quotaPoolAt, bool) {
			for _, p := range r.pools {
				if p.attribute == a {
					return p, true
				}
			}
			return quotaPoolAt{}, false
		}
		g.total.pools = append(g.total.pools, quotaPoolAt{attribute: a,
			seats: column(func(r quotaRowAt) (int, bool) { p, ok := find(r); return p.seats, ok },
				func(public bool) bool { return sensitive && !public }),
			filled: column(func(r quotaRowAt) (int, bool) { p, ok := find(r); return p.filled, ok },
				func(bool) bool { return sensitive })})
	}
	rowGroups(g.total)
	return g
}

// report is the grid with marks applied; list gives the rows' activities.
func (g *quotaGrid) report(list []activities.Activity, marks []Mark, minCell int) *Quotas {
	count := func(i int) Count {
		if marks[i] != Shown {
			return Count{Mark: marks[i]}
		}
		return Count{Value: g.cells[i].Value}
	}
	out := func(r quotaRowAt, a *activities.Activity) QuotaRow {
		q := QuotaRow{Activity: a, Capacity: count(r.capacity), Confirmed: count(r.confirmed),
			GeneralSeats: count(r.genSeats), GeneralFilled: count(r.genFilled)}
		for _, p := range r.pools {
			q.Pools = append(q.Pools, QuotaPool{Attribute: p.attribute, Seats: count(p.seats), Filled: count(p.filled), Released: p.released})
		}
		return q
	}
	rep := &Quotas{MinCell: minCell, Attributes: g.attributes, Total: out(g.total, nil)}
	for i := range g.rows {
		rep.Rows = append(rep.Rows, out(g.rows[i], &list[i]))
	}
	return rep
}
