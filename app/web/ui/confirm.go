package ui

import (
	"net/url"
	"sort"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/web/request"
)

// A step that cannot be undone (cancelling an activity or a registration,
// deleting a segment) or that hands out sensitive data asks first, on a
// page of its own: its link (GET) shows what will happen, with the one
// button that does it (the form's POST, or the download's GET) and a way
// back. No JavaScript is needed.

// ManageSensitiveExportPath asks before the export with sensitive
// attributes of the people its query selects.
const ManageSensitiveExportPath = ManagePeoplePath + "/export/sensitive"

// hiddenField is a value the confirmation's form sends on.
type hiddenField struct{ Name, Value string }

// confirmData is a confirmation page.
type confirmData struct {
	Text   string // what will happen, in full
	Action string // where the form goes
	Post   bool   // a POST with the CSRF token; else a GET (a download)
	Hidden []hiddenField
	Submit string // the danger button's words
	Back   string // where "go back" leads
}

func (s *Handlers) confirmPage(c *fiber.Ctx, title string, d confirmData) error {
	return s.Render(c, fiber.StatusOK, tplConfirm, s.Page(c, title, d))
}

// ActivityCancelConfirm asks before cancelling the :id activity.
func (s *Handlers) ActivityCancelConfirm(c *fiber.Ctx) error {
	a, err := s.ReachableActivity(c)
	if err != nil {
		return err
	}
	if a.Status == activities.StatusCancelled {
		return c.Redirect(ManageActivityPath(a.ID), fiber.StatusSeeOther)
	}
	l := s.Localizer(c)
	return s.confirmPage(c, "confirm_activity_cancel_title", confirmData{
		Text:   l.T("confirm_activity_cancel_text", "Title", a.TextIn(l.Lang, s.Catalog.Default()).Title),
		Action: ManageActivityPath(a.ID) + "/status", Post: true,
		Hidden: []hiddenField{{"status", activities.StatusCancelled}},
		Submit: l.T("confirm_activity_cancel_submit"), Back: ManageActivityPath(a.ID)})
}

// RegistrationCancelConfirm asks the staff before cancelling the :id
// registration, naming its person and activity.
func (s *Handlers) RegistrationCancelConfirm(c *fiber.Ctx) error {
	r, err := s.ReachableRegistration(c)
	if err != nil {
		return err
	}
	if r.Status == string(registration.Cancelled) {
		return c.Redirect(ManageActivityPath(r.ActivityID), fiber.StatusSeeOther)
	}
	v, l := request.Viewer(c), s.Localizer(c)
	a, err := s.Activities.GetAs(c.UserContext(), v, r.ActivityID)
	if err != nil {
		return err
	}
	roster, err := s.Registrations.Roster(c.UserContext(), v, r.ActivityID)
	if err != nil {
		return err
	}
	name := l.T("confirm_person_erased")
	for _, e := range roster {
		if e.ID == r.ID && !e.Erased {
			name = e.GivenName + " " + e.FamilyName
		}
	}
	return s.confirmPage(c, "confirm_registration_cancel_title", confirmData{
		Text:   l.T("confirm_registration_cancel_text", "Name", name, "Title", a.TextIn(l.Lang, s.Catalog.Default()).Title),
		Action: "/manage/registrations/" + strconv.FormatInt(r.ID, 10) + "/cancel", Post: true,
		Submit: l.T("confirm_registration_cancel_submit"), Back: ManageActivityPath(r.ActivityID)})
}

// myRegistration is the :id registration when it is the signed-in user's
// own; anyone else's is not found.
func (s *Handlers) myRegistration(c *fiber.Ctx) (*registration.Placed, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, apperr.ErrNotFound
	}
	personID, ok := s.OwnPersonID(c, request.CurrentUser(c))
	if !ok {
		return nil, apperr.ErrNotFound
	}
	r, err := s.Registrations.Get(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	if r.PersonID == nil || *r.PersonID != personID {
		return nil, apperr.ErrNotFound
	}
	return r, nil
}

// MyRegistrationCancelConfirm asks before the user cancels one of their
// own registrations.
func (s *Handlers) MyRegistrationCancelConfirm(c *fiber.Ctx) error {
	r, err := s.myRegistration(c)
	if err != nil {
		return err
	}
	if r.Status == string(registration.Cancelled) {
		return c.Redirect("/account", fiber.StatusSeeOther)
	}
	a, err := s.Activities.Get(c.UserContext(), r.ActivityID)
	if err != nil {
		return err
	}
	l := s.Localizer(c)
	return s.confirmPage(c, "confirm_my_registration_cancel_title", confirmData{
		Text:   l.T("confirm_my_registration_cancel_text", "Title", a.TextIn(l.Lang, s.Catalog.Default()).Title),
		Action: "/account/registrations/" + strconv.FormatInt(r.ID, 10) + "/cancel", Post: true,
		Submit: l.T("confirm_my_registration_cancel_submit"), Back: "/account"})
}

// SegmentDeleteConfirm asks before deleting the :id saved segment.
func (s *Handlers) SegmentDeleteConfirm(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	seg, err := s.Segments.GetSaved(c.UserContext(), id)
	if err != nil {
		return err
	}
	l := s.Localizer(c)
	return s.confirmPage(c, "confirm_segment_delete_title", confirmData{
		Text:   l.T("confirm_segment_delete_text", "Name", seg.Name),
		Action: "/manage/segments/" + strconv.FormatInt(id, 10) + "/delete", Post: true,
		Submit: l.T("confirm_segment_delete_submit"), Back: ManagePeoplePath})
}

// SensitiveExportConfirm asks before the export with sensitive attributes
// of the people the query's filters select; its button is the download.
func (s *Handlers) SensitiveExportConfirm(c *fiber.Ctx) error {
	q, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return apperr.New(apperr.Malformed, "error_bad_request")
	}
	q.Del("lang")
	q.Set("sensitive", "true")
	d := confirmData{Action: ManagePeoplePath + "/export", Back: withQuery(ManagePeoplePath, withoutSensitive(q))}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range q[k] {
			d.Hidden = append(d.Hidden, hiddenField{k, v})
		}
	}
	l := s.Localizer(c)
	d.Text, d.Submit = l.T("confirm_export_sensitive_text"), l.T("confirm_export_sensitive_submit")
	return s.confirmPage(c, "confirm_export_sensitive_title", d)
}

// withoutSensitive is the query q of an export, as the list's filters.
func withoutSensitive(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if k != "sensitive" {
			out[k] = v
		}
	}
	return out
}
