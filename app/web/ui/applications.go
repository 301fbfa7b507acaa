package ui

import (
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/registration"
	"github.com/gotong/gotong/app/web/request"
)

// The coordinator's review of an activity's applications: the applicants
// with their age, place and the quota attributes that are not sensitive
// (a sensitive one is never shown beside a name, as on the roster),
// filtered and sorted, selected many at a time and accepted or declined in
// one action; and how many accepted count towards each quota.

// ApplicationsPath is the review page of activity id.
func ApplicationsPath(id int64) string {
	return ManageActivityPath(id) + "/applications"
}

// applicantRow is an applicant as the page lists them.
type applicantRow struct {
	ID       int64
	Name     string
	Email    string
	Age      string
	Locality string
	Region   string
	Arrived  string
	Quotas   string // the quotas that are not sensitive the person qualifies for
	Answers  []answerView
}

type applicationsData struct {
	A        *activities.Activity
	Text     activities.Text
	Apps     *registration.Applications
	Rows     []applicantRow
	Bars     []quotaBar
	Sum      registration.Summary
	Attrs    []option
	Locality []option
	Sorts    []option
	Regions  []regionGroup
	Query    string // the filter, kept through a decision
	Done     string // what the decision just made did
	Filtered bool
	Sealed   sealedView
	// ShowSealed and HideSealed are the page, with its filter, with and
	// without its sealed answers.
	ShowSealed, HideSealed string
}

// applicantFilter reads the filter of the page's query.
func applicantFilter(c *fiber.Ctx) registration.ApplicantFilter {
	return registration.ApplicantFilter{Attribute: c.Query("attribute"), Locality: c.Query("locality"),
		Region: c.Query("region"), Sort: c.Query("sort")}
}

// filterQuery is f as the page's query.
func filterQuery(f registration.ApplicantFilter) string {
	q := url.Values{}
	for k, v := range map[string]string{"attribute": f.Attribute, "locality": f.Locality, "region": f.Region, "sort": f.Sort} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// Applications is an activity's review page (GET
// /manage/activities/{id}/applications).
func (s *Handlers) Applications(c *fiber.Ctx) error {
	a, err := s.ReachableActivity(c)
	if err != nil {
		return err
	}
	var done string
	l := s.Localizer(c)
	if n, err := strconv.Atoi(c.Query("n")); err == nil && n > 0 {
		switch c.Query("done") {
		case "accept":
			done = l.T("applications_accepted", "Count", l.Number(n))
		case "decline":
			done = l.T("applications_declined", "Count", l.Number(n))
		}
	}
	return s.applicationsPage(c, fiber.StatusOK, a, applicantFilter(c), done, nil)
}

// applicationsPage renders the review page; errs are a refused filter's
// or decision's messages.
func (s *Handlers) applicationsPage(c *fiber.Ctx, status int, a *activities.Activity, f registration.ApplicantFilter,
	done string, errs map[string]string) error {
	p := s.Page(c, "applications_title", nil)
	v := request.Viewer(c)
	apps, err := s.Registrations.Applications(c.UserContext(), v, a.ID, f)
	if err != nil {
		if errs == nil {
			errs = map[string]string{}
		}
		if !s.fieldErrors(c, err, errs) {
			return err
		}
		status, f = fiber.StatusUnprocessableEntity, registration.ApplicantFilter{}
		if apps, err = s.Registrations.Applications(c.UserContext(), v, a.ID, f); err != nil {
			return err
		}
	}
	sum, err := s.Registrations.Summary(c.UserContext(), v, a.ID)
	if err != nil {
		return err
	}
	data := applicationsData{A: a, Text: a.TextIn(p.L.Lang, s.Catalog.Default()), Apps: apps, Sum: sum,
		Query: filterQuery(f), Done: done, Filtered: f != registration.ApplicantFilter{}}
	if s.Can(c, access.QuotasRead) {
		data.Bars = append(data.Bars, quotaBar{Key: "general", Label: p.L.T("manage_quota_general"), Seats: sum.GeneralSeats, Filled: sum.GeneralFilled})
		for _, pool := range sum.Pools {
			data.Bars = append(data.Bars, quotaBar{Key: string(pool.Attribute), Seats: pool.Seats, Filled: pool.Filled, Released: pool.Released,
				Label: p.L.T("manage_quota_pool", "Group", p.L.T(quota.Label(pool.Attribute)), "Share", p.L.Number(math.Round(pool.Share*1000)/10))})
		}
	}
	data.Attrs = []option{{Value: "", Label: p.L.T("applications_any"), Selected: f.Attribute == ""}}
	for _, attr := range quota.All() {
		if !quota.Sensitive(attr) {
			data.Attrs = append(data.Attrs, option{Value: string(attr), Label: p.L.T(quota.Label(attr)), Selected: f.Attribute == string(attr)})
		}
	}
	data.Locality = append([]option{{Value: "", Label: p.L.T("applications_any"), Selected: f.Locality == ""}},
		options([]string{"urban", "rural"}, localityLabels, p, f.Locality)...)
	data.Sorts = options([]string{registration.SortArrival, registration.SortAge},
		map[string]string{registration.SortArrival: "applications_sort_arrival", registration.SortAge: "applications_sort_age"}, p, f.Sort)
	data.Regions = regionGroups(p, f.Region)
	answers, err := s.answerViews(c, p, a, wantSealed(c))
	if err != nil {
		return err
	}
	data.Sealed = sealedOf(c, a, s.Clock(), wantSealed(c))
	data.HideSealed = ApplicationsPath(a.ID) + "#applicants"
	data.ShowSealed = ApplicationsPath(a.ID) + "?sealed=1#applicants"
	if data.Query != "" {
		data.HideSealed = ApplicationsPath(a.ID) + "?" + data.Query + "#applicants"
		data.ShowSealed = ApplicationsPath(a.ID) + "?" + data.Query + "&sealed=1#applicants"
	}
	start := a.StartsAt.In(a.Location()).Year()
	for _, r := range apps.Applicants {
		row := applicantRow{ID: r.ID, Name: strings.TrimSpace(r.GivenName + " " + r.FamilyName), Arrived: a.When(p.L, r.CreatedAt),
			Answers: answers[r.ID]}
		if r.Email != nil && s.Can(c, access.PeopleRead) {
			row.Email = *r.Email
		}
		if r.BirthYear != nil {
			row.Age = p.L.Number(start - *r.BirthYear)
		}
		if id, ok := localityLabels[r.Locality]; ok {
			row.Locality = p.L.T(id)
		}
		if reg, ok := regions.Lookup(r.Region); ok {
			row.Region = reg.Name(p.L.Lang)
		}
		var qs []string
		for _, attr := range r.Attributes {
			qs = append(qs, p.L.T(quota.Label(attr)))
		}
		row.Quotas = strings.Join(qs, ", ")
		data.Rows = append(data.Rows, row)
	}
	p.Title, p.Data, p.Errors = p.L.T("applications_title"), data, errs
	p.Label("attribute", "applications_attribute", "locality", "applications_locality", "region", "field_region",
		"sort", "applications_sort", "ids", "applications_select")
	return s.Render(c, status, tplApplications, p)
}

// ApplicationsDecide accepts or declines the applications ticked on the
// review page (POST /manage/activities/{id}/applications, decision=accept
// or decline, id repeated), as one action; then the page again, with the
// same filter, says what was done.
func (s *Handlers) ApplicationsDecide(c *fiber.Ctx) error {
	a, err := s.ReachableActivity(c)
	if err != nil {
		return err
	}
	f := applicantFilter(c)
	decision := c.FormValue("decision")
	if decision != "accept" && decision != "decline" {
		return apperr.Fields{"decision": {ID: "error_decision_unknown"}}.Err()
	}
	var ids []int64
	for _, v := range c.Request().PostArgs().PeekMulti("id") {
		id, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return apperr.Fields{"ids": {ID: "error_applications_none"}}.Err()
		}
		ids = append(ids, id)
	}
	done, err := s.Registrations.Decide(c.UserContext(), request.Viewer(c), a.ID, ids, decision == "accept")
	if err != nil {
		errs := map[string]string{}
		var ae *apperr.Error
		switch {
		case s.fieldErrors(c, err, errs):
			return s.applicationsPage(c, fiber.StatusUnprocessableEntity, a, f, "", errs)
		case errors.As(err, &ae) && ae.Kind == apperr.Conflict:
			errs["ids"] = s.Localizer(c).T("error_application_decided")
			return s.applicationsPage(c, fiber.StatusConflict, a, f, "", errs)
		}
		return err
	}
	q := url.Values{"done": {decision}, "n": {strconv.Itoa(len(done))}}
	if fq := filterQuery(f); fq != "" {
		return c.Redirect(ApplicationsPath(a.ID)+"?"+fq+"&"+q.Encode(), fiber.StatusSeeOther)
	}
	return c.Redirect(ApplicationsPath(a.ID)+"?"+q.Encode(), fiber.StatusSeeOther)
}
