package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/web/request"
)

// The paper roster: an activity's confirmed participants by family name,
// printed in sheets with boxes to tick by pen where there is no network
// (RosterPrint), then entered at once on the activity's page (the form
// rosterEntry fills, saved by RosterMarks). Both show what the activity's
// page shows the same viewer, and less: no email, no seat.

const tplRosterPrint = "manage_roster"

// rosterSheetRows is how many people a printed sheet holds: with its
// heading, 25 rows of a pen's height fill an A4 or Letter page.
const rosterSheetRows = 25

// RosterPrintPath is the printable roster of an activity.
func RosterPrintPath(id int64) string { return ManageActivityPath(id) + "/roster" }

// rosterPrintData is the printable roster. Heads and each row's Cells are
// its columns of text, before the boxes to tick: the family and given
// names. The camp safety pack's emergency contacts join as one more
// column, for the viewers and the days its rule allows.
type rosterPrintData struct {
	ActivityID int64
	Activity   string // the activity's title, as its page names it for staff
	Title      string // as each sheet names it: neutral for a discreet activity
	When       string
	Where      string
	Count      string
	Heads      []string
	Sheets     []rosterSheet
}

// rosterSheet is one printed page of the roster.
type rosterSheet struct {
	N     int
	Label string // "Sheet 1 of 3"
	Rows  []rosterLine
}

// rosterLine is one person on the printed roster.
type rosterLine struct {
	N     int // their number on the paper, which the entry form repeats
	Cells []string
}

// paperOrder is the confirmed participants of a as a paper roster lists
// them (registration.SortByFamilyName), from the roster that v reaches.
func paperOrder(roster []registration.RosterEntry, lang string) []registration.RosterEntry {
	var out []registration.RosterEntry
	for _, r := range roster {
		if r.Status == string(registration.Confirmed) {
			out = append(out, r)
		}
	}
	registration.SortByFamilyName(out, lang)
	return out
}

// RosterPrint is the printable roster of an activity: its confirmed
// participants by family name, in sheets of rosterSheetRows, each headed
// by the activity's title, local dates and place, with the column headings
// and boxes for Came and Did not come. The stylesheet prints each sheet on
// its own page, without the site's header, footer or buttons.
func (s *Handlers) RosterPrint(c *fiber.Ctx) error {
	a, err := s.ReachableActivity(c)
	if err != nil {
		return err
	}
	p := s.Page(c, "roster_print_title", nil)
	roster, err := s.Registrations.Roster(c.UserContext(), request.Viewer(c), a.ID)
	if err != nil {
		return err
	}
	people := paperOrder(roster, p.L.Lang)
	d := rosterPrintData{ActivityID: a.ID, Activity: a.TextIn(p.L.Lang, s.Catalog.Default()).Title, When: a.Span(p.L),
		Where: placeOf(a, p.L.Lang), Count: p.L.T("roster_print_count", "Count", p.L.Number(len(people))),
		Heads: []string{p.L.T("field_family_name"), p.L.T("field_given_name")}}
	contacts, err := s.emergencyContacts(c, p, a)
	if err != nil {
		return err
	}
	if contacts != nil {
		d.Heads = append(d.Heads, contacts.label)
	}
	d.Title = d.Activity
	if a.Discreet {
		// Paper is left on tables: it names nobody's activity.
		d.Title = p.L.T("activity_neutral_title")
	}
	total := (len(people) + rosterSheetRows - 1) / rosterSheetRows
	for i, r := range people {
		if i%rosterSheetRows == 0 {
			n := len(d.Sheets) + 1
			d.Sheets = append(d.Sheets, rosterSheet{N: n,
				Label: p.L.T("roster_sheet", "N", p.L.Number(n), "Total", p.L.Number(total))})
		}
		cells := []string{r.FamilyName, r.GivenName}
		if r.Erased {
			cells = []string{p.L.T("rights_erased_person"), ""}
		}
		if contacts != nil {
			cells = append(cells, contacts.byReg[r.ID])
		}
		sheet := &d.Sheets[len(d.Sheets)-1]
		sheet.Rows = append(sheet.Rows, rosterLine{N: i + 1, Cells: cells})
	}
	p.Title = p.L.T("roster_print_page_title", "Title", d.Title)
	p.Data = d
	return s.Render(c, fiber.StatusOK, tplRosterPrint, p)
}

// emergencyColumn is the printed roster's column of emergency contacts.
type emergencyColumn struct {
	label string
	byReg map[int64]string // by registration
}

// emergencyContacts reads the safety pack's emergency contacts of a's
// registrations for the printed roster, or nil when the activity has none
// or the viewer may not read them today (registration.MaySeeSealed: its
// coordinators, and its facilitators inside the safety window). The
// reading is audited like every opening of sealed answers.
func (s *Handlers) emergencyContacts(c *fiber.Ctx, p *request.Page, a *activities.Activity) (*emergencyColumn, error) {
	var q *activities.Question
	for i := range a.Questions {
		if a.Questions[i].Key == activities.SafetyEmergencyContact && a.SafetyQuestion(&a.Questions[i]) {
			q = &a.Questions[i]
		}
	}
	if q == nil || !registration.MaySeeSealed(request.Viewer(c), a, q, s.Clock()) {
		return nil, nil
	}
	answers, err := s.Registrations.Answers(c.UserContext(), request.Viewer(c), a, true)
	if err != nil {
		return nil, err
	}
	col := &emergencyColumn{byReg: map[int64]string{}}
	col.label, _ = q.LabelIn(p.L.Lang, s.Config.DefaultLang)
	for id, given := range answers {
		if v, ok := given[q.Key]; ok {
			shown, err := a.Display(q.Key, v, p.L.Lang, s.Config.DefaultLang, p.L.T("answer_yes"), p.L.T("answer_no"))
			if err != nil {
				return nil, err
			}
			col.byReg[id] = shown
		}
	}
	return col, nil
}

// placeOf is where an activity happens, as its page says it: the venue
// and the region's name.
func placeOf(a *activities.Activity, lang string) string {
	var parts []string
	if a.Venue != "" {
		parts = append(parts, a.Venue)
	}
	if r, ok := regions.Lookup(a.Region); ok {
		parts = append(parts, r.Name(lang))
	}
	return strings.Join(parts, ", ")
}

// rosterEntry is the form that enters a paper roster at once, on the
// activity's page: a line per confirmed participant in the printed order,
// each came, did not come, or left as it is.
type rosterEntry struct {
	Open  bool   // the activity has started: attendance may be marked
	Start string // when it starts, while it has not
	Saved string // what the last entry saved
	Lines []markLine
}

// markLine is one person of the entry form.
type markLine struct {
	ID   int64
	N    int
	Name string
	Now  string // what is marked now
}

// The choices of a line of the entry form, whose field is "mark_<id>" of
// the line's registration (views/partials/roster_entry.html).
const (
	markCame   = "came"
	markAbsent = "absent"
	markKeep   = "keep"
)

// rosterEntryOf fills the entry form of activity a from its roster, for a
// viewer who may mark attendance.
func (s *Handlers) rosterEntryOf(c *fiber.Ctx, p *request.Page, a *activities.Activity, roster []registration.RosterEntry) *rosterEntry {
	e := &rosterEntry{Open: registration.AttendanceOpen(a.StartsAt, s.Clock()) == nil}
	if !e.Open {
		e.Start = a.When(p.L, a.StartsAt)
		return e
	}
	came, errCame := strconv.Atoi(c.Query("came"))
	absent, errAbsent := strconv.Atoi(c.Query("absent"))
	if errCame == nil && errAbsent == nil && came >= 0 && absent >= 0 {
		e.Saved = p.L.T("roster_entry_saved", "Came", p.L.Number(came), "Absent", p.L.Number(absent))
	}
	for i, r := range paperOrder(roster, p.L.Lang) {
		line := markLine{ID: r.ID, N: i + 1, Name: strings.TrimSpace(r.FamilyName + " " + r.GivenName), Now: p.L.T("attended_unknown")}
		if r.Erased {
			line.Name = p.L.T("rights_erased_person")
		}
		if r.Attended != nil {
			line.Now = p.L.T("attended_no")
			if *r.Attended {
				line.Now = p.L.T("attended_yes")
			}
		}
		line.Now = p.L.T("roster_entry_now", "Attended", line.Now)
		e.Lines = append(e.Lines, line)
	}
	return e
}

// RosterMarks saves the entry form of a paper roster: every line marked
// came or did not come is written at once, or none (registration.MarkRoster);
// back on the activity's page, which says what was saved.
func (s *Handlers) RosterMarks(c *fiber.Ctx) error {
	a, err := s.ReachableActivity(c)
	if err != nil {
		return err
	}
	var m registration.Marks
	unreadable := false
	for k, v := range c.Request().PostArgs().All() {
		name, ok := strings.CutPrefix(string(k), "mark_")
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(name, 10, 64)
		if err != nil || id <= 0 {
			unreadable = true
			continue
		}
		switch string(v) {
		case markCame:
			m.Attended = append(m.Attended, id)
		case markAbsent:
			m.Absent = append(m.Absent, id)
		case markKeep:
		default:
			unreadable = true
		}
	}
	if unreadable {
		msg := apperr.Msg{ID: "error_marks_unreadable"}
		return &apperr.Error{Kind: apperr.Invalid, Message: msg, Fields: map[string]apperr.Msg{"marks": msg}}
	}
	done, err := s.Registrations.MarkRoster(c.UserContext(), request.Viewer(c), a.ID, m)
	if err != nil {
		return err
	}
	came, absent := 0, 0
	for _, r := range done {
		if *r.Attended {
			came++
		} else {
			absent++
		}
	}
	return c.Redirect(ManageActivityPath(a.ID)+"?came="+strconv.Itoa(came)+"&absent="+strconv.Itoa(absent)+"#roster-entry",
		fiber.StatusSeeOther)
}
