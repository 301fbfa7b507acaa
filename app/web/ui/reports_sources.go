package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/reports"
	"github.com/gotong/gotong/app/web/request"
)

// sourceRow is one source's count as the page shows it.
type sourceRow struct {
	Source, Count string
}

// sourceGroupRow is the counts per source of one activity or petition;
// Total is a petition's signatures in the period.
type sourceGroupRow struct {
	ID            int64
	Title, Starts string
	Total         string
	Sources       []sourceRow
}

// sourcesView is the dashboard's section of sources.
type sourcesView struct {
	Months     int
	Overall    []sourceRow
	Activities []sourceGroupRow
	Petitions  []sourceGroupRow
}

// sourceLabel is a source as reports show it: "" is a direct visit.
func sourceLabel(p *request.Page, source string) string {
	if source == "" {
		return p.L.T("reports_source_direct")
	}
	return source
}

func sourcesViewOf(p *request.Page, r *reports.Sources, def string) sourcesView {
	rows := func(list []reports.SourceCount) []sourceRow {
		out := make([]sourceRow, len(list))
		for i, sc := range list {
			out[i] = sourceRow{Source: sourceLabel(p, sc.Source), Count: countText(p, sc.Count, r.MinCell)}
		}
		return out
	}
	v := sourcesView{Months: reports.SourcesMonths, Overall: rows(r.Overall)}
	for _, a := range r.Activities {
		v.Activities = append(v.Activities, sourceGroupRow{ID: a.Activity.ID, Title: a.Activity.TextIn(p.L.Lang, def).Title,
			Starts: a.Activity.Day(p.L, a.Activity.StartsAt), Sources: rows(a.Sources)})
	}
	for _, pt := range r.Petitions {
		v.Petitions = append(v.Petitions, sourceGroupRow{ID: pt.Petition.ID, Title: pt.Petition.TextIn(p.L.Lang, def).Title,
			Total: countText(p, pt.Total, r.MinCell), Sources: rows(pt.Sources)})
	}
	return v
}

// SourcesCSV: the registrations per source in all and per activity, and
// the signatures per source and their total per petition, suppressed as on
// the page.
func SourcesCSV(s *Handlers, c *fiber.Ctx, p *request.Page) (csvTable, error) {
	r, err := s.Reports.RecentSources(c.UserContext(), s.Clock())
	if err != nil {
		return csvTable{}, err
	}
	def := s.Catalog.Default()
	regs, sigs := p.L.T("person_registrations"), p.L.T("campaign_signatures")
	out := csvTable{header: []string{p.L.T("reports_sources_counted"), p.L.T("reports_sources_id"), p.L.T("field_title"),
		p.L.T("reports_source"), p.L.T("reports_sources_count")}}
	row := func(what string, id int64, title, source string, n reports.Count) {
		ids := ""
		if id != 0 {
			ids = strconv.FormatInt(id, 10)
		}
		out.rows = append(out.rows, []string{what, ids, title, source, n.Text(r.MinCell)})
	}
	for _, sc := range r.Overall {
		row(regs, 0, p.L.T("reports_sources_every_activity"), sourceLabel(p, sc.Source), sc.Count)
	}
	for _, a := range r.Activities {
		title := a.Activity.TextIn(p.L.Lang, def).Title
		for _, sc := range a.Sources {
			row(regs, a.Activity.ID, title, sourceLabel(p, sc.Source), sc.Count)
		}
	}
	for _, pt := range r.Petitions {
		title := pt.Petition.TextIn(p.L.Lang, def).Title
		for _, sc := range pt.Sources {
			row(sigs, pt.Petition.ID, title, sourceLabel(p, sc.Source), sc.Count)
		}
		row(sigs, pt.Petition.ID, title, p.L.T("reports_sources_all"), pt.Total)
	}
	return out, nil
}
