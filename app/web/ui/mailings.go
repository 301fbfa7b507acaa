package ui

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/mailings"
	"github.com/gotong/gotong/app/web/request"
)

// Template names of the mailings pages.
const (
	tplManageMailings = "manage_mailings"
	tplMailingForm    = "manage_mailing_form"
	tplMailing        = "manage_mailing"
)

// ManageMailingsPath is the staff list of mailings.
const ManageMailingsPath = "/manage/mailings"

// ManageMailingPath is the staff page of a mailing.
func ManageMailingPath(id int64) string { return ManageMailingsPath + "/" + strconv.FormatInt(id, 10) }

// mailingRefresh is how often, in seconds, the page of a mailing being sent
// reloads itself to show its progress.
const mailingRefresh = 5

var (
	mailingStatusLabels = map[string]string{mailings.StatusDraft: "mailing_status_draft",
		mailings.StatusScheduled: "mailing_status_scheduled", mailings.StatusSending: "mailing_status_sending",
		mailings.StatusSent: "mailing_status_sent", mailings.StatusCancelled: "mailing_status_cancelled"}
	// mailingDone are the notices the pages show after a POST, by the
	// value of ?done= it redirects to.
	mailingDone = map[string]string{"saved": "mailing_saved", "test": "mailing_test_sent", "sending": "mailing_sending_started",
		"scheduled": "mailing_scheduled_done", "cancelled": "mailing_cancelled_done", "deleted": "mailing_deleted"}
)

// mailingDoneNotice is the notice of ?done=, "" for none.
func mailingDoneNotice(c *fiber.Ctx, l *i18n.Localizer) string {
	if id, ok := mailingDone[c.Query("done")]; ok {
		return l.T(id)
	}
	return ""
}

// clickRate is the clicks per message sent as a percentage to a tenth, "—"
// before any message went.
func clickRate(l *i18n.Localizer, k mailings.Counts) string {
	if k.Sent == 0 {
		return "—"
	}
	return l.T("mailing_percent", "Value", math.Round(k.ClickRate()*1000)/10)
}

// mailingRow is a mailing as the list shows it: counts in words, so that a
// targeted mailing and a broad one compare side by side.
type mailingRow struct {
	ID                                  int64
	Name, Status, StatusCode            string
	Recipients, Sent, Clicks, ClickRate string
}

type manageMailingsData struct {
	Rows     []mailingRow
	Notice   string
	CanWrite bool
}

// ManageMailings lists every mailing, the newest first, with its counts.
func (s *Handlers) ManageMailings(c *fiber.Ctx) error {
	list, err := s.Mailings.List(c.UserContext())
	if err != nil {
		return err
	}
	p := s.Page(c, "mailings_title", nil)
	l := p.L
	data := manageMailingsData{Notice: mailingDoneNotice(c, l), CanWrite: s.Can(c, access.MailingsWrite)}
	for i := range list {
		m := &list[i]
		row := mailingRow{ID: m.ID, Name: m.Name, Status: l.T(mailingStatusLabels[m.Status]), StatusCode: m.Status,
			Recipients: "—", Sent: "—", Clicks: "—", ClickRate: clickRate(l, m.Counts)}
		if m.StartedAt != nil { // its recipients are written: the counts mean something
			row.Recipients, row.Sent, row.Clicks = l.Number(m.Counts.Recipients), l.Number(m.Counts.Sent), l.Number(m.Counts.Clicks)
		}
		data.Rows = append(data.Rows, row)
	}
	p.Data = data
	return s.Render(c, fiber.StatusOK, tplManageMailings, p)
}

// --- The mailing form ---

// readMailingForm takes the posted fields, each trimmed but the bodies,
// whose lines are the staff's to arrange.
func readMailingForm(c *fiber.Ctx) map[string]string {
	form := map[string]string{}
	for _, k := range []string{"name", "segment_id", "query"} {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	for _, lang := range i18n.Supported {
		form[textField("subject", lang)] = strings.TrimSpace(c.FormValue(textField("subject", lang)))
		form[textField("body", lang)] = c.FormValue(textField("body", lang))
	}
	return form
}

// mailingFormOf fills the form from a mailing as stored.
func mailingFormOf(m *mailings.Mailing) map[string]string {
	form := map[string]string{"name": m.Name, "query": m.Query}
	if m.SegmentID != nil {
		form["segment_id"] = strconv.FormatInt(*m.SegmentID, 10)
	}
	for _, t := range m.Texts {
		form[textField("subject", t.Locale)] = t.Subject
		form[textField("body", t.Locale)] = t.Body
	}
	return form
}

// mailingFormInput maps the form to a mailing's input. A segment that is
// not a number is given as 0, which names no segment: the service refuses
// it with its message.
func mailingFormInput(form map[string]string) mailings.Input {
	in := mailings.Input{Name: form["name"], Query: form["query"], Subject: map[string]string{}, Body: map[string]string{}}
	if v := form["segment_id"]; v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			id = 0
		}
		in.SegmentID = &id
	}
	for _, lang := range i18n.Supported {
		in.Subject[lang], in.Body[lang] = form[textField("subject", lang)], form[textField("body", lang)]
	}
	return in
}

// mailingFormKey is the form's name of a field the service names:
// "subject.fr" is the input subject_fr.
func mailingFormKey(field string) string { return strings.Replace(field, ".", "_", 1) }

type mailingFormLang struct {
	Code, Name string
	Required   bool // the default language's, which every reader falls back to
}

type mailingFormData struct {
	Action, Back string
	Segments     []option
	Langs        []mailingFormLang
	Placeholder  string
}

// mailingFormPage renders the mailing form; cur is the mailing edited, nil
// for a new one.
func (s *Handlers) mailingFormPage(c *fiber.Ctx, status int, cur *mailings.Mailing, form, errs map[string]string) error {
	p := s.Page(c, "mailing_new", nil)
	data := mailingFormData{Action: ManageMailingsPath, Back: ManageMailingsPath, Placeholder: mailings.GivenName}
	if cur != nil {
		data.Action, data.Back = ManageMailingPath(cur.ID), ManageMailingPath(cur.ID)
		p.Title = p.L.T("mailing_edit_title", "Name", cur.Name)
	}
	saved, err := s.Segments.ListSaved(c.UserContext(), civil.Of(s.Clock().UTC()))
	if err != nil {
		return err
	}
	for _, x := range saved {
		id := strconv.FormatInt(x.ID, 10)
		data.Segments = append(data.Segments, option{Value: id, Label: x.Name, Selected: id == form["segment_id"]})
	}
	def := s.Catalog.Default()
	p.Data, p.Form, p.Errors = data, form, errs
	p.Label("name", "mailing_field_name", "segment_id", "mailing_field_segment", "query", "mailing_field_query")
	for _, code := range i18n.Supported {
		name := s.Catalog.Localizer(code).T("lang_name")
		data.Langs = append(data.Langs, mailingFormLang{Code: code, Name: name, Required: code == def})
		p.Fields = append(p.Fields,
			request.Field{Key: textField("subject", code), Label: p.L.T("mailing_field_subject_in", "Language", name)},
			request.Field{Key: textField("body", code), Label: p.L.T("mailing_field_body_in", "Language", name)})
	}
	p.Data = data
	return s.Render(c, status, tplMailingForm, p)
}

// saveMailingForm saves the posted form with save; a refusal shows the form
// again with the values as typed and the messages beside their fields.
func (s *Handlers) saveMailingForm(c *fiber.Ctx, cur *mailings.Mailing, save func(mailings.Input) (*mailings.Mailing, error)) error {
	form := readMailingForm(c)
	m, err := save(mailingFormInput(form))
	if err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Kind != apperr.Invalid {
			return err
		}
		errs := map[string]string{}
		l := s.Localizer(c)
		for k, msg := range ae.Fields {
			errs[mailingFormKey(k)] = l.T(msg.ID, msg.Args...)
		}
		return s.mailingFormPage(c, fiber.StatusUnprocessableEntity, cur, form, errs)
	}
	return c.Redirect(ManageMailingPath(m.ID)+"?done=saved", fiber.StatusSeeOther)
}

// MailingNew shows an empty mailing form; ?query= or ?segment_id= (from the
// people list) choose whom it goes to.
func (s *Handlers) MailingNew(c *fiber.Ctx) error {
	form := map[string]string{"query": strings.TrimSpace(c.Query("query")), "segment_id": strings.TrimSpace(c.Query("segment_id"))}
	return s.mailingFormPage(c, fiber.StatusOK, nil, form, nil)
}

// MailingCreate keeps a new draft from the form.
func (s *Handlers) MailingCreate(c *fiber.Ctx) error {
	return s.saveMailingForm(c, nil, func(in mailings.Input) (*mailings.Mailing, error) {
		return s.Mailings.Create(c.UserContext(), request.ActorID(c), in)
	})
}

// pathMailing reads the :id mailing.
func (s *Handlers) pathMailing(c *fiber.Ctx) (*mailings.Mailing, error) {
	id, err := request.PathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.Mailings.Get(c.UserContext(), id)
}

// MailingEdit shows the form of a draft, filled in; a mailing past its draft
// has its page instead.
func (s *Handlers) MailingEdit(c *fiber.Ctx) error {
	m, err := s.pathMailing(c)
	if err != nil {
		return err
	}
	if !m.Editable() {
		return c.Redirect(ManageMailingPath(m.ID), fiber.StatusSeeOther)
	}
	return s.mailingFormPage(c, fiber.StatusOK, m, mailingFormOf(m), nil)
}

// MailingSave saves the form over a draft.
func (s *Handlers) MailingSave(c *fiber.Ctx) error {
	m, err := s.pathMailing(c)
	if err != nil {
		return err
	}
	return s.saveMailingForm(c, m, func(in mailings.Input) (*mailings.Mailing, error) {
		return s.Mailings.Update(c.UserContext(), request.ActorID(c), m.ID, in)
	})
}

// --- The mailing's page ---

type mailingTextView struct {
	Code, Name, Subject, Body string
}

type mailingCount struct {
	ID, Label, Value string
}

type mailingLinkRow struct {
	URL    string
	Total  string
	ByLang []string // in the order of mailingPageData.LinkLangs
}

type mailingPageData struct {
	M         *mailings.Mailing
	Status    string
	Audience  string // whom it goes to, in words
	Href      string // the people list of its segment or filter, "" for none
	Texts     []mailingTextView
	Fallback  string // which text a reader of another language gets
	Reach     string // how many it would reach now, for a draft or a scheduled one
	Scheduled string // when a scheduled one starts, in words
	AtLabel   string
	Progress  int    // percent of the recipients settled, while sending
	Percent   string // Progress in words
	Counts    []mailingCount
	LinkLangs []string // names of the languages of the links' columns
	Links     []mailingLinkRow
	Notice    string

	// What may be done with it now, by this user.
	Editable, Sendable, Cancellable bool
	Sending                         bool
}

// zone is where the staff's clocks are (GOTONG_TIMEZONE): a schedule is
// typed and read in it.
func (s *Handlers) zone() *time.Location {
	if loc, ok := activities.LoadZone(s.Config.Timezone); ok {
		return loc
	}
	return time.UTC
}

// fieldMessage is the message of an error about the form's fields, the
// first field's in the order of their names; ok is false for another error.
func fieldMessage(l *i18n.Localizer, err error) (string, bool) {
	var ae *apperr.Error
	if !errors.As(err, &ae) || len(ae.Fields) == 0 {
		return "", false
	}
	first := ""
	for k := range ae.Fields {
		if first == "" || k < first {
			first = k
		}
	}
	m := ae.Fields[first]
	return l.T(m.ID, m.Args...), true
}

// mailingPage renders a mailing's page with the schedule form's values and
// messages, and alert, a refusal of what was asked, when not "".
func (s *Handlers) mailingPage(c *fiber.Ctx, status int, m *mailings.Mailing, form, errs map[string]string, alert string) error {
	ctx := c.UserContext()
	p := s.Page(c, "mailings_title", nil)
	l, def := p.L, s.Catalog.Default()
	p.Title = m.Name
	zone := activities.ZoneName(l, s.Config.Timezone)
	data := mailingPageData{M: m, Status: l.T(mailingStatusLabels[m.Status]), Notice: mailingDoneNotice(c, l),
		AtLabel: l.T("mailing_field_at", "Zone", zone),
		Sending: m.Status == mailings.StatusSending}
	if s.Can(c, access.MailingsWrite) {
		data.Editable = m.Editable()
		data.Sendable = m.Status == mailings.StatusDraft || m.Status == mailings.StatusScheduled
		data.Cancellable = m.Status == mailings.StatusScheduled || data.Sending
	}
	switch {
	case m.SegmentID != nil:
		saved, err := s.Segments.GetSaved(ctx, *m.SegmentID)
		switch {
		case errors.Is(err, apperr.ErrNotFound):
			data.Audience = l.T("error_mailing_segment_unknown")
		case err != nil:
			return err
		default:
			data.Audience = l.T("mailing_audience_segment", "Name", saved.Name)
			data.Href = withQueryString(ManagePeoplePath, saved.Query)
		}
	case m.Query != "":
		data.Audience = l.T("mailing_audience_query", "Query", m.Query)
		data.Href = withQueryString(ManagePeoplePath, m.Query)
	default:
		data.Audience = l.T("mailing_audience_all")
		data.Href = ManagePeoplePath
	}
	for _, code := range i18n.Supported {
		for _, t := range m.Texts {
			if t.Locale == code {
				data.Texts = append(data.Texts, mailingTextView{Code: code, Name: s.Catalog.Localizer(code).T("lang_name"), Subject: t.Subject, Body: t.Body})
			}
		}
	}
	if _, _, in := m.In(def, def); len(m.Texts) < len(i18n.Supported) {
		data.Fallback = l.T("mailing_fallback", "Language", s.Catalog.Localizer(in).T("lang_name"))
	}
	if m.Status == mailings.StatusDraft || m.Status == mailings.StatusScheduled {
		n, err := s.Mailings.Reach(ctx, m)
		if msg, ok := fieldMessage(l, err); ok {
			data.Reach = msg
		} else if errors.Is(err, apperr.ErrTimeout) {
			data.Reach = l.T("error_timeout") // the page stands; only the count is unknown
		} else if err != nil {
			return err
		} else {
			data.Reach = l.Plural("mailing_reach", int(n))
		}
	}
	if m.Status == mailings.StatusScheduled && m.ScheduledAt != nil {
		at := m.ScheduledAt.In(s.zone())
		data.Scheduled = l.T("format_when", "Date", l.Date(at), "Time", l.Clock(at), "Zone", zone)
		if _, ok := form["at"]; !ok {
			form["at"] = at.Format(FormTime)
		}
	}
	if m.StartedAt != nil {
		k, err := s.Mailings.Counts(ctx, m.ID)
		if err != nil {
			return err
		}
		data.Progress = int(math.Floor(k.Progress() * 100))
		data.Percent = l.T("mailing_percent", "Value", data.Progress)
		for _, x := range []struct {
			id, label string
			n         int64
		}{
			{"recipients", "mailing_count_recipients", k.Recipients}, {"queued", "mailing_count_queued", k.Queued},
			{"sent", "mailing_count_sent", k.Sent}, {"failed", "mailing_count_failed", k.Failed},
			{"skipped", "mailing_count_skipped", k.Skipped}, {"unsubscribed", "mailing_count_unsubscribed", k.Unsubscribed},
			{"clicks", "mailing_count_clicks", k.Clicks},
		} {
			data.Counts = append(data.Counts, mailingCount{ID: x.id, Label: l.T(x.label), Value: l.Number(x.n)})
		}
		data.Counts = append(data.Counts, mailingCount{ID: "click-rate", Label: l.T("mailing_click_rate"), Value: clickRate(l, k)})
		links, err := s.Mailings.Links(ctx, m.ID)
		if err != nil {
			return err
		}
		for _, t := range data.Texts {
			data.LinkLangs = append(data.LinkLangs, t.Name)
		}
		for _, x := range links {
			row := mailingLinkRow{URL: x.URL, Total: l.Number(x.Total)}
			for _, t := range data.Texts {
				row.ByLang = append(row.ByLang, l.Number(x.ByLocale[t.Code]))
			}
			data.Links = append(data.Links, row)
		}
	}
	if data.Sending {
		p.Refresh = strconv.Itoa(mailingRefresh) + "; url=" + ManageMailingPath(m.ID)
	}
	p.Data, p.Form, p.Errors, p.ErrorMsg = data, form, errs, alert
	p.Fields = append(p.Fields, request.Field{Key: "at", Label: data.AtLabel})
	return s.Render(c, status, tplMailing, p)
}

// withQueryString is path with the raw query q, if any.
func withQueryString(path, q string) string {
	if q == "" {
		return path
	}
	return path + "?" + q
}

// MailingPage is a mailing's page: its texts, whom it reaches, and what to
// do with it; its progress while it is sent, and its counts after.
func (s *Handlers) MailingPage(c *fiber.Ctx) error {
	m, err := s.pathMailing(c)
	if err != nil {
		return err
	}
	return s.mailingPage(c, fiber.StatusOK, m, map[string]string{}, nil, "")
}

// mailingRefused shows the mailing's page again after a refused POST: a
// field's message beside the schedule (422), or a conflict as the page's
// alert (409, a mailing whose status moved on). Any other error is
// returned.
func (s *Handlers) mailingRefused(c *fiber.Ctx, m *mailings.Mailing, form map[string]string, err error) error {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return err
	}
	l := s.Localizer(c)
	switch {
	case ae.Kind == apperr.Invalid && len(ae.Fields) > 0:
		errs := map[string]string{}
		for k, msg := range ae.Fields {
			errs[k] = l.T(msg.ID, msg.Args...)
		}
		return s.mailingPage(c, fiber.StatusUnprocessableEntity, m, form, errs, "")
	case ae.Kind == apperr.Conflict:
		fresh, gerr := s.Mailings.Get(c.UserContext(), m.ID)
		if gerr != nil {
			return gerr
		}
		return s.mailingPage(c, fiber.StatusConflict, fresh, form, nil, l.T(ae.Message.ID, ae.Message.Args...))
	}
	return err
}

// MailingTest sends the mailing to the signed-in user's own address, in
// their language, with their name.
func (s *Handlers) MailingTest(c *fiber.Ctx) error {
	m, err := s.pathMailing(c)
	if err != nil {
		return err
	}
	u := request.CurrentUser(c)
	locale := u.Locale
	if !i18n.IsSupported(locale) {
		locale = s.Localizer(c).Lang
	}
	to := mailings.Reader{Email: u.Email, Name: u.DisplayName, Locale: locale}
	if err := s.Mailings.Test(c.UserContext(), request.ActorID(c), m.ID, to); err != nil {
		return s.mailingRefused(c, m, map[string]string{}, err)
	}
	return c.Redirect(ManageMailingPath(m.ID)+"?done=test", fiber.StatusSeeOther)
}

// MailingSendConfirm asks before sending the mailing now, repeating how many
// it will reach.
func (s *Handlers) MailingSendConfirm(c *fiber.Ctx) error {
	m, err := s.pathMailing(c)
	if err != nil {
		return err
	}
	if m.Status != mailings.StatusDraft && m.Status != mailings.StatusScheduled {
		return c.Redirect(ManageMailingPath(m.ID), fiber.StatusSeeOther)
	}
	n, err := s.Mailings.Reach(c.UserContext(), m)
	if err != nil {
		return s.mailingRefused(c, m, map[string]string{}, err)
	}
	l := s.Localizer(c)
	return s.confirmPage(c, "confirm_mailing_send_title", confirmData{
		Text:   l.T("confirm_mailing_send_text", "Name", m.Name, "People", l.Plural("people_count", int(n))),
		Action: ManageMailingPath(m.ID) + "/send", Post: true,
		Submit: l.T("confirm_mailing_send_submit"), Back: ManageMailingPath(m.ID)})
}

// MailingSend starts sending the mailing now.
func (s *Handlers) MailingSend(c *fiber.Ctx) error {
	m, err := s.pathMailing(c)
	if err != nil {
		return err
	}
	if _, err := s.Mailings.Send(c.UserContext(), request.ActorID(c), m.ID, nil); err != nil {
		return s.mailingRefused(c, m, map[string]string{}, err)
	}
	return c.Redirect(ManageMailingPath(m.ID)+"?done=sending", fiber.StatusSeeOther)
}

// MailingSchedule sets the time the mailing starts, typed as the clocks of
// GOTONG_TIMEZONE show it.
func (s *Handlers) MailingSchedule(c *fiber.Ctx) error {
	m, err := s.pathMailing(c)
	if err != nil {
		return err
	}
	form := map[string]string{"at": strings.TrimSpace(c.FormValue("at"))}
	var at time.Time
	if form["at"] == "" {
		err = apperr.Fields{"at": {ID: "error_required"}}.Err()
	} else if at, err = ParseFormTime(form["at"], s.zone()); err != nil {
		id := "error_datetime"
		if errors.Is(err, errTimeGap) {
			id = "error_mailing_time_gap" // the activities' message names an activity's zone
		}
		err = apperr.Fields{"at": {ID: id}}.Err()
	} else {
		_, err = s.Mailings.Send(c.UserContext(), request.ActorID(c), m.ID, &at)
	}
	if err != nil {
		return s.mailingRefused(c, m, form, err)
	}
	return c.Redirect(ManageMailingPath(m.ID)+"?done=scheduled", fiber.StatusSeeOther)
}

// MailingCancel stops a scheduled mailing, or one being sent.
func (s *Handlers) MailingCancel(c *fiber.Ctx) error {
	m, err := s.pathMailing(c)
	if err != nil {
		return err
	}
	if _, err := s.Mailings.Cancel(c.UserContext(), request.ActorID(c), m.ID); err != nil {
		return s.mailingRefused(c, m, map[string]string{}, err)
	}
	return c.Redirect(ManageMailingPath(m.ID)+"?done=cancelled", fiber.StatusSeeOther)
}

// MailingDeleteConfirm asks before deleting a draft.
func (s *Handlers) MailingDeleteConfirm(c *fiber.Ctx) error {
	m, err := s.pathMailing(c)
	if err != nil {
		return err
	}
	if !m.Editable() {
		return c.Redirect(ManageMailingPath(m.ID), fiber.StatusSeeOther)
	}
	l := s.Localizer(c)
	return s.confirmPage(c, "confirm_mailing_delete_title", confirmData{
		Text:   l.T("confirm_mailing_delete_text", "Name", m.Name),
		Action: ManageMailingPath(m.ID) + "/delete", Post: true,
		Submit: l.T("confirm_mailing_delete_submit"), Back: ManageMailingPath(m.ID)})
}

// MailingDelete deletes a draft and goes back to the list.
func (s *Handlers) MailingDelete(c *fiber.Ctx) error {
	m, err := s.pathMailing(c)
	if err != nil {
		return err
	}
	if err := s.Mailings.Delete(c.UserContext(), request.ActorID(c), m.ID); err != nil {
		return s.mailingRefused(c, m, map[string]string{}, err)
	}
	return c.Redirect(ManageMailingsPath+"?done=deleted", fiber.StatusSeeOther)
}
