package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/registration"
)

// pathID reads a positive integer id from the path; anything else names
// nothing, so it is a 404.
func pathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}

// actorID is the current user's id, or 0 for nobody.
func actorID(c *fiber.Ctx) int64 {
	if u := currentUser(c); u != nil {
		return u.ID
	}
	return 0
}

// apiActivity is an Activity as API.md shows it.
type apiActivity struct {
	ID                   int64             `json:"id"`
	Slug                 string            `json:"slug"`
	Kind                 string            `json:"kind"`
	Audience             string            `json:"audience"`
	Title                map[string]string `json:"title"`
	Summary              map[string]string `json:"summary"`
	Description          map[string]string `json:"description"`
	Mode                 string            `json:"mode"`
	Region               string            `json:"region"`
	Venue                string            `json:"venue"`
	OnlineURL            string            `json:"online_url"`
	StartsAt             time.Time         `json:"starts_at"`
	EndsAt               time.Time         `json:"ends_at"`
	RegistrationOpensAt  *time.Time        `json:"registration_opens_at"`
	RegistrationClosesAt *time.Time        `json:"registration_closes_at"`
	Capacity             int               `json:"capacity"`
	AgeMin               *int              `json:"age_min"`
	AgeMax               *int              `json:"age_max"`
	Status               string            `json:"status"`
	Quotas               []apiQuota        `json:"quotas"`
	PartnerIDs           []int64           `json:"partner_ids"`
	FacilitatorIDs       []int64           `json:"facilitator_ids"`
}

type apiQuota struct {
	Attribute string     `json:"attribute"`
	Share     float64    `json:"share"`
	ReleaseAt *time.Time `json:"release_at"`
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func toAPIActivity(a *activities.Activity) apiActivity {
	out := apiActivity{ID: a.ID, Slug: a.Slug, Kind: a.Kind, Audience: a.Audience,
		Title: map[string]string{}, Summary: map[string]string{}, Description: map[string]string{},
		Mode: a.Mode, Region: a.Region, Venue: a.Venue, OnlineURL: a.OnlineURL,
		StartsAt: a.StartsAt.UTC(), EndsAt: a.EndsAt.UTC(),
		RegistrationOpensAt: utcPtr(a.RegistrationOpensAt), RegistrationClosesAt: utcPtr(a.RegistrationClosesAt),
		Capacity: a.Capacity, AgeMin: a.AgeMin, AgeMax: a.AgeMax, Status: a.Status,
		Quotas: []apiQuota{}, PartnerIDs: a.PartnerIDs(), FacilitatorIDs: a.FacilitatorIDs()}
	for _, t := range a.Translations {
		for _, f := range []struct {
			m map[string]string
			v string
		}{{out.Title, t.Title}, {out.Summary, t.Summary}, {out.Description, t.Description}} {
			if f.v != "" {
				f.m[t.Locale] = f.v
			}
		}
	}
	for _, q := range a.Quotas {
		out.Quotas = append(out.Quotas, apiQuota{Attribute: string(q.Attribute), Share: q.Share, ReleaseAt: utcPtr(q.ReleaseAt)})
	}
	return out
}

// activityBody is an Activity as a client sends it. Pointers tell a field
// left out (kept as it is) from one given; id and status are the portal's
// and may only be repeated as they are, so a GET body can be sent back.
type activityBody struct {
	ID                   *int64            `json:"id"`
	Slug                 *string           `json:"slug"`
	Kind                 *string           `json:"kind"`
	Audience             *string           `json:"audience"`
	Title                map[string]string `json:"title"`
	Summary              map[string]string `json:"summary"`
	Description          map[string]string `json:"description"`
	Mode                 *string           `json:"mode"`
	Region               *string           `json:"region"`
	Venue                *string           `json:"venue"`
	OnlineURL            *string           `json:"online_url"`
	StartsAt             *time.Time        `json:"starts_at"`
	EndsAt               *time.Time        `json:"ends_at"`
	RegistrationOpensAt  *time.Time        `json:"registration_opens_at"`
	RegistrationClosesAt *time.Time        `json:"registration_closes_at"`
	Capacity             *int              `json:"capacity"`
	AgeMin               *int              `json:"age_min"`
	AgeMax               *int              `json:"age_max"`
	Status               *string           `json:"status"`
	Quotas               *[]apiQuota       `json:"quotas"`
	PartnerIDs           *[]int64          `json:"partner_ids"`
	FacilitatorIDs       *[]int64          `json:"facilitator_ids"`
}

// input checks the fields the portal owns against the activity as it is
// (id 0 and status draft for a new one) and maps the rest to the store's input.
func (b *activityBody) input(id int64, status string) (activities.Input, error) {
	f := apperr.Fields{}
	if b.ID != nil && *b.ID != id {
		f.Add("id", "error_read_only")
	}
	if b.Status != nil && *b.Status != status {
		f.Add("status", "error_read_only")
	}
	if err := f.Err(); err != nil {
		return activities.Input{}, err
	}
	in := activities.Input{Slug: b.Slug, Kind: b.Kind, Audience: b.Audience, AgeMin: b.AgeMin, AgeMax: b.AgeMax,
		Mode: b.Mode, Region: b.Region, Venue: b.Venue, OnlineURL: b.OnlineURL, StartsAt: b.StartsAt, EndsAt: b.EndsAt,
		RegistrationOpensAt: b.RegistrationOpensAt, RegistrationClosesAt: b.RegistrationClosesAt, Capacity: b.Capacity,
		Title: b.Title, Summary: b.Summary, Description: b.Description, Facilitators: b.FacilitatorIDs, Partners: b.PartnerIDs}
	if b.Quotas != nil {
		qs := make([]activities.QuotaInput, len(*b.Quotas))
		for i, q := range *b.Quotas {
			qs[i] = activities.QuotaInput{Attribute: quota.Attribute(q.Attribute), Share: q.Share, ReleaseAt: q.ReleaseAt}
		}
		in.Quotas = &qs
	}
	return in, nil
}

// checkFacilitators refuses, before anything is written, facilitators who
// are not users holding the facilitator role.
func (s *Server) checkFacilitators(c *fiber.Ctx, ids *[]int64) error {
	if ids == nil {
		return nil
	}
	holding, err := s.users.Holding(c.UserContext(), access.Facilitator, *ids)
	if err != nil {
		return err
	}
	for _, id := range *ids {
		if !holding[id] {
			return apperr.Fields{"facilitator_ids": {ID: "error_facilitator_unknown"}}.Err()
		}
	}
	return nil
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// apiActivities lists activities; ?kind=, ?status= and ?region= filter, and
// an unknown filter or value is refused rather than ignored.
func (s *Server) apiActivities(c *fiber.Ctx) error {
	f := apperr.Fields{}
	f.RefuseUnknown(queryNames(c), "kind", "status", "region", "lang")
	filter := activities.Filter{Kind: c.Query("kind"), Status: c.Query("status"), Region: c.Query("region")}
	if filter.Kind != "" && !oneOf(filter.Kind, activities.Kinds) {
		f.Add("kind", "error_kind_unknown")
	}
	if filter.Status != "" && !oneOf(filter.Status, activities.Statuses) {
		f.Add("status", "error_status_unknown")
	}
	if filter.Region != "" && !regions.Valid(filter.Region) {
		f.Add("region", "error_region_unknown")
	}
	if err := f.Err(); err != nil {
		return err
	}
	list, err := s.activities.ListAs(c.UserContext(), viewer(c), filter)
	if err != nil {
		return err
	}
	return sendItems(c, list, toAPIActivity)
}

// apiActivityCreate stores a new draft activity.
func (s *Server) apiActivityCreate(c *fiber.Ctx) error {
	var body activityBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	in, err := body.input(0, activities.StatusDraft)
	if err != nil {
		return err
	}
	if err := s.checkFacilitators(c, in.Facilitators); err != nil {
		return err
	}
	a, err := s.activities.Create(c.UserContext(), actorID(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIActivity(a))
}

// apiActivity returns one activity.
func (s *Server) apiActivity(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, err := s.activities.GetAs(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(toAPIActivity(a))
}

// apiActivityUpdate changes the fields given; a capacity change moves the
// waitlist in the same transaction (or is refused with 409).
func (s *Server) apiActivityUpdate(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	current, err := s.activities.GetAs(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	var body activityBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	in, err := body.input(id, current.Status)
	if err != nil {
		return err
	}
	if err := s.checkFacilitators(c, in.Facilitators); err != nil {
		return err
	}
	a, err := s.activities.Update(c.UserContext(), actorID(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(toAPIActivity(a))
}

// apiActivityStatus moves an activity to status (publish, cancel, complete).
func (s *Server) apiActivityStatus(status string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		a, err := s.activities.SetStatus(c.UserContext(), actorID(c), id, status)
		if err != nil {
			return err
		}
		return c.JSON(toAPIActivity(a))
	}
}

type apiSeats struct {
	Seats  int `json:"seats"`
	Filled int `json:"filled"`
}

type apiPool struct {
	Attribute string  `json:"attribute"`
	Share     float64 `json:"share"`
	Seats     int     `json:"seats"`
	Filled    int     `json:"filled"`
	Released  bool    `json:"released"`
}

type apiQuotaSummary struct {
	Capacity   int       `json:"capacity"`
	Confirmed  int       `json:"confirmed"`
	Waitlisted int       `json:"waitlisted"`
	General    apiSeats  `json:"general"`
	Pools      []apiPool `json:"pools"`
}

// apiActivityQuota returns the seats of an activity as they stand.
func (s *Server) apiActivityQuota(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	sum, err := s.registrations.Summary(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	out := apiQuotaSummary{Capacity: sum.Capacity, Confirmed: sum.Confirmed, Waitlisted: sum.Waitlisted,
		General: apiSeats{Seats: sum.GeneralSeats, Filled: sum.GeneralFilled}, Pools: make([]apiPool, len(sum.Pools))}
	for i, p := range sum.Pools {
		out.Pools[i] = apiPool{Attribute: string(p.Attribute), Share: p.Share, Seats: p.Seats, Filled: p.Filled, Released: p.Released}
	}
	return c.JSON(out)
}

// apiRegistration is a Registration as API.md shows it.
type apiRegistration struct {
	ID               int64     `json:"id"`
	ActivityID       int64     `json:"activity_id"`
	PersonID         *int64    `json:"person_id"` // null once the person was erased
	Status           string    `json:"status"`
	Pool             *string   `json:"pool"`
	WaitlistPosition *int      `json:"waitlist_position"`
	Attended         *bool     `json:"attended"`
	CreatedAt        time.Time `json:"created_at"`
}

// placement is what registering answers anyone who may not list
// registrations: where the person landed, but never in which pool, since
// two probes would tell how many seats of a sensitive quota are taken.
type placement struct {
	ID               int64  `json:"id"`
	Status           string `json:"status"`
	WaitlistPosition *int   `json:"waitlist_position"`
}

// poolAndPosition gives the pool only while confirmed and the position only
// while waitlisted.
func poolAndPosition(p *registration.Placed) (*string, *int) {
	var pool *string
	var pos *int
	switch registration.Status(p.Status) {
	case registration.Confirmed:
		pool = p.Pool
	case registration.Waitlisted:
		n := p.Position
		pos = &n
	}
	return pool, pos
}

func toAPIRegistration(p *registration.Placed) apiRegistration {
	pool, pos := poolAndPosition(p)
	return apiRegistration{ID: p.ID, ActivityID: p.ActivityID, PersonID: p.PersonID, Status: p.Status,
		Pool: pool, WaitlistPosition: pos, Attended: p.Attended, CreatedAt: p.CreatedAt.UTC()}
}

// registrationBody is the registration form as JSON.
type registrationBody struct {
	Person struct {
		GivenName  string `json:"given_name"`
		FamilyName string `json:"family_name"`
		Email      string `json:"email"`
		BirthYear  int    `json:"birth_year"`
		Region     string `json:"region"`
		Locality   string `json:"locality"`
		Disability *bool  `json:"disability"`
		Minority   *bool  `json:"minority"`
	} `json:"person"`
	Consent bool `json:"consent"`
}

// apiRegister places a person on an activity; anyone may, as with the
// public form, and the service refuses an activity not open for it.
func (s *Server) apiRegister(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	// An activity that does not exist is a 404 whatever the body says.
	a, err := s.activityByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	var body registrationBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	p := body.Person
	req := registration.Request{Consent: body.Consent, Person: people.Declared{
		GivenName: p.GivenName, FamilyName: p.FamilyName, Email: p.Email, BirthYear: p.BirthYear,
		Region: p.Region, Locality: p.Locality, Locale: s.localizer(c).Lang,
		Sensitive: people.Sensitive{Disability: p.Disability, Minority: p.Minority}}}
	placed, err := s.registrations.Register(c.UserContext(), a, req)
	if err != nil {
		return err
	}
	if s.can(c, access.RegistrationsRead) {
		return c.Status(fiber.StatusCreated).JSON(toAPIRegistration(placed))
	}
	_, pos := poolAndPosition(placed)
	return c.Status(fiber.StatusCreated).JSON(placement{ID: placed.ID, Status: placed.Status, WaitlistPosition: pos})
}

// apiActivityRegistrations lists an activity's registrations (staff).
func (s *Server) apiActivityRegistrations(c *fiber.Ctx) error {
	a, err := s.reachableActivity(c)
	if err != nil {
		return err
	}
	list, err := s.registrations.List(c.UserContext(), viewer(c), a.ID)
	if err != nil {
		return err
	}
	return sendItems(c, list, toAPIRegistration)
}

// apiRegistrationCancel cancels a registration; its seat goes to the waitlist.
func (s *Server) apiRegistrationCancel(c *fiber.Ctx) error {
	r, err := s.reachableRegistration(c)
	if err != nil {
		return err
	}
	placed, err := s.registrations.CancelAs(c.UserContext(), viewer(c), r.ID)
	if err != nil {
		return err
	}
	return c.JSON(toAPIRegistration(placed))
}

type attendanceBody struct {
	Attended *bool `json:"attended"`
}

// apiRegistrationAttendance records whether a confirmed participant came.
func (s *Server) apiRegistrationAttendance(c *fiber.Ctx) error {
	r, err := s.reachableRegistration(c)
	if err != nil {
		return err
	}
	var body attendanceBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if body.Attended == nil {
		return apperr.Fields{"attended": {ID: "error_required"}}.Err()
	}
	placed, err := s.registrations.SetAttendance(c.UserContext(), viewer(c), r.ID, *body.Attended)
	if err != nil {
		return err
	}
	return c.JSON(toAPIRegistration(placed))
}
