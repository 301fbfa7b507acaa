package api

import (
	"encoding/json"
	"time"

	"github.com/gotong/gotong/app/sharing"
	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/registration"
)

// Activity is an Activity as API.md shows it.
type Activity struct {
	ID                   int64             `json:"id"`
	Slug                 string            `json:"slug"`
	Kind                 string            `json:"kind"`
	Audience             string            `json:"audience"`
	Title                map[string]string `json:"title"`
	Summary              map[string]string `json:"summary"`
	Description          map[string]string `json:"description"`
	Mode                 string            `json:"mode"`
	Region               string            `json:"region"`
	Timezone             string            `json:"timezone"` // IANA: where the times are shown; the instants stay RFC 3339
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
	Discreet             bool              `json:"discreet"`
	GuardianAge          int               `json:"guardian_age"` // the activity's own, else the portal's default
	ReminderHours        int               `json:"reminder_hours"`
	RegistrationMode     string            `json:"registration_mode"` // open | application
	SafetyPack           bool              `json:"safety_pack"`
	Questions            []apiQuestion     `json:"questions"`
	// Hours attending counts for on a young person's path; null: its
	// duration. The minutes stored, unrounded, so that a GET body sent
	// back keeps them.
	Hours *float64 `json:"hours"`
}

// apiQuestion is one of an activity's questions as API.md shows it.
type apiQuestion struct {
	ID         string                `json:"id"`
	Kind       string                `json:"kind"`
	Label      map[string]string     `json:"label"`
	Options    []activities.Option   `json:"options"`
	Required   bool                  `json:"required"`
	ShowIf     *activities.Condition `json:"show_if"`
	Sealed     bool                  `json:"sealed"`
	RetainDays *int                  `json:"retain_days"` // null or left out: 30
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

// toAPIActivity is a's JSON, with the portal's guardian age where the
// activity has none of its own.
func (s *Handlers) toAPIActivity(a *activities.Activity) Activity {
	out := Activity{ID: a.ID, Slug: a.Slug, Kind: a.Kind, Audience: a.Audience,
		Title: map[string]string{}, Summary: map[string]string{}, Description: map[string]string{},
		Mode: a.Mode, Region: a.Region, Timezone: a.Timezone, Venue: a.Venue, OnlineURL: a.OnlineURL,
		StartsAt: a.StartsAt.UTC(), EndsAt: a.EndsAt.UTC(),
		RegistrationOpensAt: utcPtr(a.RegistrationOpensAt), RegistrationClosesAt: utcPtr(a.RegistrationClosesAt),
		Capacity: a.Capacity, AgeMin: a.AgeMin, AgeMax: a.AgeMax, Status: a.Status,
		Quotas: []apiQuota{}, PartnerIDs: a.PartnerIDs(), FacilitatorIDs: a.FacilitatorIDs(),
		Discreet: a.Discreet, GuardianAge: a.GuardianAgeOr(s.Config.GuardianAge), ReminderHours: a.ReminderHours,
		RegistrationMode: a.RegistrationMode, SafetyPack: a.SafetyPack}
	if m := a.CreditMinutes; m != nil {
		h := float64(*m) / 60
		out.Hours = &h
	}
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
	out.Questions = make([]apiQuestion, len(a.Questions))
	for i, q := range a.Questions {
		days := q.RetainDays
		opts := []activities.Option(q.Options)
		if opts == nil {
			opts = []activities.Option{}
		}
		out.Questions[i] = apiQuestion{ID: q.Key, Kind: q.Kind, Label: q.Label, Options: opts, Required: q.Required,
			ShowIf: q.ShowIf, Sealed: q.Sealed, RetainDays: &days}
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
	Timezone             *string           `json:"timezone"`
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
	Discreet             *bool             `json:"discreet"`
	GuardianAge          nullable[int]     `json:"guardian_age"`
	ReminderHours        *int              `json:"reminder_hours"`
	RegistrationMode     *string           `json:"registration_mode"`
	SafetyPack           *bool             `json:"safety_pack"`
	Questions            *[]apiQuestion    `json:"questions"`
	Hours                nullable[float64] `json:"hours"`
}

// nullable is a field that may be left out (kept as it is), null (back to
// the default) or a value, three things a pointer cannot tell apart.
type nullable[T any] struct {
	Set   bool // present in the body, null or not
	Value *T
}

// UnmarshalJSON is called only for a field present in the body.
func (n *nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	return json.Unmarshal(b, &n.Value)
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
		Mode: b.Mode, Region: b.Region, Timezone: b.Timezone, Venue: b.Venue, OnlineURL: b.OnlineURL, StartsAt: b.StartsAt, EndsAt: b.EndsAt,
		RegistrationOpensAt: b.RegistrationOpensAt, RegistrationClosesAt: b.RegistrationClosesAt, Capacity: b.Capacity,
		Title: b.Title, Summary: b.Summary, Description: b.Description, Facilitators: b.FacilitatorIDs, Partners: b.PartnerIDs,
		Discreet: b.Discreet, GuardianAge: b.GuardianAge.Value, ReminderHours: b.ReminderHours,
		RegistrationMode: b.RegistrationMode, SafetyPack: b.SafetyPack, Hours: b.Hours.Value}
	if b.GuardianAge.Set && b.GuardianAge.Value == nil {
		in.Unset = append(in.Unset, "guardian_age")
	}
	if b.Hours.Set && b.Hours.Value == nil {
		in.Unset = append(in.Unset, "hours")
	}
	if b.Quotas != nil {
		qs := make([]activities.QuotaInput, len(*b.Quotas))
		for i, q := range *b.Quotas {
			qs[i] = activities.QuotaInput{Attribute: quota.Attribute(q.Attribute), Share: q.Share, ReleaseAt: q.ReleaseAt}
		}
		in.Quotas = &qs
	}
	if b.Questions != nil {
		qs := make([]activities.QuestionInput, len(*b.Questions))
		for i, q := range *b.Questions {
			qs[i] = activities.QuestionInput{Key: q.ID, Kind: q.Kind, Label: q.Label, Options: q.Options, Required: q.Required,
				ShowIf: q.ShowIf, Sealed: q.Sealed, RetainDays: q.RetainDays}
		}
		in.Questions = &qs
	}
	return in, nil
}

// ListActivities lists activities; ?kind=, ?status= and ?region= filter, and
// an unknown filter or value is refused rather than ignored.
func (s *Handlers) ListActivities(c *fiber.Ctx) error {
	f := apperr.Fields{}
	f.RefuseUnknown(queryNames(c), "kind", "status", "region", "lang")
	filter := activities.Filter{Kind: c.Query("kind"), Status: c.Query("status"), Region: c.Query("region")}
	if filter.Kind != "" && !request.OneOf(filter.Kind, activities.Kinds) {
		f.Add("kind", "error_kind_unknown")
	}
	if filter.Status != "" && !request.OneOf(filter.Status, activities.Statuses) {
		f.Add("status", "error_status_unknown")
	}
	if filter.Region != "" && !regions.Valid(filter.Region) {
		f.Add("region", "error_region_unknown")
	}
	if err := f.Err(); err != nil {
		return err
	}
	list, err := s.Activities.ListAs(c.UserContext(), request.Viewer(c), filter)
	if err != nil {
		return err
	}
	return sendItems(c, list, s.toAPIActivity)
}

// ActivityCreate stores a new draft activity.
func (s *Handlers) ActivityCreate(c *fiber.Ctx) error {
	var body activityBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	in, err := body.input(0, activities.StatusDraft)
	if err != nil {
		return err
	}
	if err := s.CheckFacilitators(c, in.Facilitators); err != nil {
		return err
	}
	a, err := s.Activities.Create(c.UserContext(), request.ActorID(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s.toAPIActivity(a))
}

// Activity returns one activity.
func (s *Handlers) Activity(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	a, err := s.Activities.GetAs(c.UserContext(), request.Viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(s.toAPIActivity(a))
}

// ActivityUpdate changes the fields given; a capacity change moves the
// waitlist in the same transaction (or is refused with 409).
func (s *Handlers) ActivityUpdate(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	current, err := s.Activities.GetAs(c.UserContext(), request.Viewer(c), id)
	if err != nil {
		return err
	}
	var body activityBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	in, err := body.input(id, current.Status)
	if err != nil {
		return err
	}
	if err := s.CheckFacilitators(c, in.Facilitators); err != nil {
		return err
	}
	a, err := s.Activities.Update(c.UserContext(), request.ActorID(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(s.toAPIActivity(a))
}

// ActivityStatus moves an activity to status (publish, cancel, complete).
func (s *Handlers) ActivityStatus(status string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := request.PathID(c, "id")
		if err != nil {
			return err
		}
		a, err := s.Activities.SetStatus(c.UserContext(), request.ActorID(c), id, status)
		if err != nil {
			return err
		}
		return c.JSON(s.toAPIActivity(a))
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

type QuotaSummary struct {
	Capacity   int       `json:"capacity"`
	Confirmed  int       `json:"confirmed"`
	Waitlisted int       `json:"waitlisted"`
	General    apiSeats  `json:"general"`
	Pools      []apiPool `json:"pools"`
}

// ActivityQuota returns the seats of an activity as they stand.
func (s *Handlers) ActivityQuota(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	sum, err := s.Registrations.Summary(c.UserContext(), request.Viewer(c), id)
	if err != nil {
		return err
	}
	out := QuotaSummary{Capacity: sum.Capacity, Confirmed: sum.Confirmed, Waitlisted: sum.Waitlisted,
		General: apiSeats{Seats: sum.GeneralSeats, Filled: sum.GeneralFilled}, Pools: make([]apiPool, len(sum.Pools))}
	for i, p := range sum.Pools {
		out.Pools[i] = apiPool{Attribute: string(p.Attribute), Share: p.Share, Seats: p.Seats, Filled: p.Filled, Released: p.Released}
	}
	return c.JSON(out)
}

// Registration is a Registration as API.md shows it.
type Registration struct {
	ID               int64     `json:"id"`
	ActivityID       int64     `json:"activity_id"`
	PersonID         *int64    `json:"person_id"` // null once the person was erased
	Status           string    `json:"status"`
	Pool             *string   `json:"pool"`
	WaitlistPosition *int      `json:"waitlist_position"`
	Attended         *bool     `json:"attended"`
	Guardian         string    `json:"guardian"` // not_needed, pending, given or refused
	CreatedAt        time.Time `json:"created_at"`
	// Answers to the activity's questions, with ?answers=true: sealed ones
	// only for coordinators.
	Answers activities.Answers `json:"answers,omitempty"`
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

func toAPIRegistration(p *registration.Placed) Registration {
	pool, pos := poolAndPosition(p)
	return Registration{ID: p.ID, ActivityID: p.ActivityID, PersonID: p.PersonID, Status: p.Status,
		Pool: pool, WaitlistPosition: pos, Attended: p.Attended, Guardian: p.Guardian, CreatedAt: p.CreatedAt.UTC()}
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
	Consent  bool `json:"consent"`
	News     bool `json:"news"` // consent to news, asked apart; false by default
	Guardian *struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"guardian"`
	Answers map[string]json.RawMessage `json:"answers"` // question id → value
}

// Register takes a registration form. Staff with a token place it at once
// (201, the Registration). Anyone else, as with the public form, gets the
// same 202 for every well-formed form, whether the email is known or not:
// the email it sends decides what happens. Refusals (fields, an activity
// not open) never depend on the email.
func (s *Handlers) Register(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	// An activity that does not exist is a 404 whatever the body says.
	a, err := s.Cached.ByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	var body registrationBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	p := body.Person
	req := registration.Request{Consent: body.Consent, News: body.News, Person: people.Declared{
		GivenName: p.GivenName, FamilyName: p.FamilyName, Email: p.Email, BirthYear: p.BirthYear,
		Region: p.Region, Locality: p.Locality, Locale: s.Localizer(c).Lang,
		Sensitive: people.Sensitive{Disability: p.Disability, Minority: p.Minority}},
		// ?src= names the shared link the form came by; an invalid one is dropped.
		Source: sharing.Source(c.Query("src"))}
	if g := body.Guardian; g != nil {
		req.Guardian = &registration.Guardian{Name: g.Name, Email: g.Email}
	}
	shapes := apperr.Fields{}
	req.Answers = activities.GivenFromJSON(body.Answers, shapes)
	if err := shapes.Err(); err != nil {
		return err
	}
	if !s.Can(c, access.RegistrationsWrite) {
		if err := s.Registrations.Submit(c.UserContext(), a, req); err != nil {
			return err
		}
		return c.Status(fiber.StatusAccepted).JSON(pendingVerification)
	}
	placed, err := s.Registrations.Register(c.UserContext(), a, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIRegistration(placed))
}

// ActivityRegistrations lists an activity's registrations (staff); with
// ?answers=true each carries its answers, sealed ones only for whom
// registration.MaySeeSealed allows (coordinators; the activity's
// facilitators the safety pack's, inside its window), their reading audited.
func (s *Handlers) ActivityRegistrations(c *fiber.Ctx) error {
	f := apperr.Fields{}
	f.RefuseUnknown(queryNames(c), "answers", "lang")
	withAnswers := c.Query("answers") == "true"
	if v := c.Query("answers"); v != "" && v != "true" && v != "false" {
		f.Add("answers", "error_filter_boolean")
	}
	if err := f.Err(); err != nil {
		return err
	}
	a, err := s.ReachableActivity(c)
	if err != nil {
		return err
	}
	v := request.Viewer(c)
	list, err := s.Registrations.List(c.UserContext(), v, a.ID)
	if err != nil {
		return err
	}
	if !withAnswers {
		return sendItems(c, list, toAPIRegistration)
	}
	answers, err := s.Registrations.Answers(c.UserContext(), v, a, true)
	if err != nil {
		return err
	}
	return sendItems(c, list, func(p *registration.Placed) Registration {
		r := toAPIRegistration(p)
		r.Answers = answers[p.ID]
		if r.Answers == nil {
			r.Answers = activities.Answers{}
		}
		return r
	})
}

// RegistrationCancel cancels a registration; its seat goes to the waitlist.
func (s *Handlers) RegistrationCancel(c *fiber.Ctx) error {
	r, err := s.ReachableRegistration(c)
	if err != nil {
		return err
	}
	placed, err := s.Registrations.CancelAs(c.UserContext(), request.Viewer(c), r.ID)
	if err != nil {
		return err
	}
	return c.JSON(toAPIRegistration(placed))
}

type attendanceBody struct {
	Attended *bool `json:"attended"`
}

// RegistrationAttendance records whether a confirmed participant came.
func (s *Handlers) RegistrationAttendance(c *fiber.Ctx) error {
	r, err := s.ReachableRegistration(c)
	if err != nil {
		return err
	}
	var body attendanceBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	if body.Attended == nil {
		return apperr.Fields{"attended": {ID: "error_required"}}.Err()
	}
	placed, err := s.Registrations.SetAttendance(c.UserContext(), request.Viewer(c), r.ID, *body.Attended)
	if err != nil {
		return err
	}
	return c.JSON(toAPIRegistration(placed))
}

type guardianBody struct {
	Given  *bool  `json:"given"`
	Method string `json:"method"` // paper or trusted_adult
	Note   string `json:"note"`   // how it was received, kept with the registration
}

// RegistrationGuardian records a guardian's answer that staff received
// otherwise (on paper, or from a trusted adult); audited.
func (s *Handlers) RegistrationGuardian(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var body guardianBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	if body.Given == nil {
		return apperr.Fields{"given": {ID: "error_required"}}.Err()
	}
	v := request.Viewer(c)
	placed, err := s.Registrations.RecordGuardian(c.UserContext(), v, v.UserID, id, *body.Given, body.Method, body.Note)
	if err != nil {
		return err
	}
	return c.JSON(toAPIRegistration(placed))
}

// decisionBody names the applications of one decision.
type decisionBody struct {
	IDs []int64 `json:"ids"`
}

// RegistrationDecision accepts or declines one application (POST
// /api/v1/registrations/{id}/accept, /decline); the answer is the
// Registration as it stands after.
func (s *Handlers) RegistrationDecision(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := s.ReachableRegistration(c)
		if err != nil {
			return err
		}
		done, err := s.Registrations.Decide(c.UserContext(), request.Viewer(c), r.ActivityID, []int64{r.ID}, accept)
		if err != nil {
			return err
		}
		return c.JSON(toAPIRegistration(&done[0]))
	}
}

// ActivityDecision accepts or declines many applications of an activity
// as one action (POST /api/v1/activities/{id}/accept, /decline, body
// {"ids": [...]}), in the order given: {"items": [Registration…]}.
func (s *Handlers) ActivityDecision(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := request.PathID(c, "id")
		if err != nil {
			return err
		}
		var body decisionBody
		if err := request.DecodeJSON(c, &body); err != nil {
			return err
		}
		done, err := s.Registrations.Decide(c.UserContext(), request.Viewer(c), id, body.IDs, accept)
		if err != nil {
			return err
		}
		return sendItems(c, done, toAPIRegistration)
	}
}
