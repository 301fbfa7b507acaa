package registration

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/submissions"
	"gorm.io/gorm"
)

// Statuses a registration has outside the core's State: none of them holds
// a seat, and the seat invariants and counts never see them.
const (
	// Cancelled is a registration that no longer holds a place.
	Cancelled Status = "cancelled"
	// Applied is an application waiting for a coordinator's decision, at an
	// activity whose registration mode is application.
	Applied Status = "applied"
	// Declined is an application a coordinator declined.
	Declined Status = "declined"
)

// seated are the statuses of registrations in the core's State.
var seated = []string{string(Confirmed), string(Waitlisted)}

// Registration is a row of the registrations table.
type Registration struct {
	ID                int64
	ActivityID        int64
	PersonID          *int64 // nil once the person was erased: the row stays as an anonymous count
	Status            string
	Pool              *string // GeneralPool, rural or ReservedPool while confirmed (see pools.go)
	SealedPool        []byte  // which sensitive quota a ReservedPool seat is, sealed
	WaitlistOrder     int64
	Attended          *bool
	DeclaredLocality  string
	DeclaredSensitive []byte
	Locale            string
	ConsentVersion    string
	ConsentAt         time.Time
	CancelledAt       *time.Time
	Guardian          string     // GuardianNotNeeded, GuardianPending, GuardianGiven or GuardianRefused
	GuardianName      string     // the guardian a minor named
	GuardianEmail     string     // where their link goes
	GuardianNote      string     // how staff received an answer on paper or from a trusted adult
	GuardianDueAt     *time.Time // a pending place is cancelled after it
	RemindedAt        *time.Time // when the reminder before the start was queued
	Source            string     // where the link registered by came from (sharing.Source); "" for a direct visit
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Placed is a registration with its place in the waitlist (0 when not waiting).
type Placed struct {
	Registration
	Position int
	// ManageToken opens the registration's manage page (/r/{token}): a
	// fresh private link, of which only the hash is stored. Set by the
	// operations that place a registration, empty otherwise.
	ManageToken string
}

// Service runs registrations: each operation locks its activity, reads the
// live registrations, asks the pure core what changes, and writes the
// changes and the notices they cause in the same transaction.
type Service struct {
	db      *gorm.DB
	people  *people.Store
	subs    *submissions.Store
	acts    Activities
	catalog *i18n.Catalog
	baseURL string
	now     clock.Clock
	changes Changes
	rules   Rules

	regs    []combiner[*queued]    // registrations and taps, placed together, by activity (queueOf)
	forms   []combiner[*submitted] // public forms, sent together, by activity
	lookups combiner[*lookup]      // the forms behind the links tapped, read together
}

// Changes is told after a commit that moved the seats of an activity, so
// that caches of public pages drop what they showed.
type Changes interface {
	SeatsMoved(activityID int64)
}

// Activities reads the activity of a form's link, with its texts and
// questions; a short-lived cache serves (activities.Cache), since what
// decides a seat is read again under the activity's lock.
type Activities interface {
	ByID(ctx context.Context, id int64) (*activities.Activity, error)
}

func (s *Service) changed(activityID int64) { s.changes.SeatsMoved(activityID) }

// Rules are the settings of the installation that registrations follow.
type Rules struct {
	GuardianAge  int // registrants younger need a guardian, unless the activity says otherwise; 0: never
	GuardianDays int // how long a guardian has to answer before the place is cancelled
}

// NewService returns a registration service; subs keeps the public forms
// until their email link is opened; now decides open windows, ages,
// releases of reserved seats and the dates of changes; changes hears of
// every commit that moved seats; rules are the installation's settings.
func NewService(db *gorm.DB, ps *people.Store, subs *submissions.Store, acts Activities, catalog *i18n.Catalog, baseURL string,
	changes Changes, now clock.Clock, rules Rules) *Service {
	s := &Service{db: db, people: ps, subs: subs, acts: acts, catalog: catalog, baseURL: baseURL, changes: changes, now: now, rules: rules}
	s.regs, s.forms = newQueues(db, s.registerBatch), newQueues(db, s.submitBatch)
	s.lookups.batch = s.lookupBatch
	return s
}

// Request is a registration form.
type Request struct {
	Person   people.Declared
	Consent  bool
	News     bool      // consent to news, asked apart; recorded only once the form is verified
	Guardian *Guardian // required when the registrant is younger than the activity's guardian age
	// Answers to the activity's questions as given; they travel sealed
	// with a public form until its link is tapped.
	Answers activities.Given `json:",omitempty"`
	// Source is the ?src= of the shared link the registrant came by;
	// anything but a source (sharing.Source) is dropped, never refused.
	Source string `json:",omitempty"`
}

// Guardian is whom a minor names to consent to their place.
type Guardian struct {
	Name  string
	Email string
}

// rulesAt are the core's rules of an activity at now.
func rulesAt(a *activities.Activity, now time.Time) []Rule {
	rules := make([]Rule, len(a.Quotas))
	for i, q := range a.Quotas {
		rules[i] = Rule{Attribute: q.Attribute, Share: q.Share, Released: a.Released(q, now)}
	}
	return rules
}

func declarationContext(activityID, personID int64) string {
	return "registration:" + strconv.FormatInt(activityID, 10) + ":" + strconv.FormatInt(personID, 10)
}

// loaded is an activity's state with the rows behind it.
type loaded struct {
	state State
	rows  map[int64]*Registration
}

// load reads the live registrations of a locked activity into the core's state.
func (s *Service) load(tx *gorm.DB, a *activities.Activity, now time.Time) (*loaded, error) {
	st := State{Capacity: a.Capacity, Rules: rulesAt(a, now)}
	sensitive := sensitiveRules(a)
	var rows []Registration
	if err := tx.Where("activity_id = ? AND status IN ?", a.ID, seated).
		Order("waitlist_order, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("registration: unable to read registrations: %w", err)
	}
	l := &loaded{rows: make(map[int64]*Registration, len(rows))}
	for i := range rows {
		r := &rows[i]
		pool, err := OpenPool(s.people.Sealer(), r)
		if err != nil {
			return nil, err
		}
		reg := Reg{ID: r.ID, Status: Status(r.Status), Pool: pool}
		if reg.Qualifies, err = s.qualifies(r, sensitive); err != nil {
			return nil, err
		}
		if r.PersonID == nil && ruleIndex(st.Rules, pool) >= 0 && !reg.QualifiesFor(quota.Attribute(pool)) {
			// An erased person's declaration went with them, but their
			// anonymous seat keeps the pool it was given for it.
			reg.Qualifies = append(reg.Qualifies, quota.Attribute(pool))
		}
		st.Regs = append(st.Regs, reg)
		l.rows[r.ID] = r
	}
	l.state = st
	return l, nil
}

// qualifies are the quota attributes registration r declared; sensitive
// declarations are opened only when a rule needs them (sensitiveRules).
func (s *Service) qualifies(r *Registration, sensitiveRules bool) ([]quota.Attribute, error) {
	var d people.Sensitive
	if sensitiveRules && r.DeclaredSensitive != nil && r.PersonID != nil {
		var err error
		if d, err = s.people.OpenDeclaration(r.DeclaredSensitive, declarationContext(r.ActivityID, *r.PersonID)); err != nil {
			return nil, fmt.Errorf("registration: unable to open declaration of %d: %w", r.ID, err)
		}
	}
	return quota.Qualifying(people.QuotaPerson(r.DeclaredLocality, d)), nil
}

// sensitiveRules reports whether a quota rule of a needs sensitive
// declarations opened.
func sensitiveRules(a *activities.Activity) bool {
	for _, q := range a.Quotas {
		if quota.Sensitive(q.Attribute) {
			return true
		}
	}
	return false
}

// persist writes the status and pool of every changed registration of
// next, queues a promotion notice for each one that left the waitlist, and
// writes the activity's seat row from next.
func (s *Service) persist(tx *gorm.DB, a *activities.Activity, l *loaded, next State, changed []int64, now time.Time) error {
	byID := map[int64]Reg{}
	for _, r := range next.Regs {
		byID[r.ID] = r
	}
	for _, id := range changed {
		r, ok := byID[id]
		row := l.rows[id]
		if !ok || row == nil {
			continue
		}
		wasWaiting := row.Status == string(Waitlisted)
		var pool *string
		var sealed []byte
		if r.Status == Confirmed {
			pool, sealed = poolColumns(s.people.Sealer(), row.ActivityID, row.WaitlistOrder, r.Pool)
		}
		if err := tx.Model(&Registration{}).Where("id = ?", id).Updates(map[string]any{
			"status": string(r.Status), "pool": pool, "sealed_pool": sealed, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("registration: unable to update %d: %w", id, err)
		}
		if wasWaiting && r.Status == Confirmed {
			promoted := *row
			promoted.Status = string(Confirmed)
			if err := s.notify(tx, kindPromoted, a, &promoted, now); err != nil {
				return err
			}
		}
	}
	return setSeats(tx, seatRowOf(a.ID, next))
}

// ageRangeMsg says whom an activity is for, naming only the bounds it sets:
// "16 to 30", "16 and over" or "up to 30". It is asked of an activity that
// refused an age (AgeAllowed), which sets at least one bound.
func ageRangeMsg(a *activities.Activity) apperr.Msg {
	switch {
	case a.AgeMin != nil && a.AgeMax != nil:
		return apperr.Msg{ID: "error_age_range", Args: []any{"Min", *a.AgeMin, "Max", *a.AgeMax}}
	case a.AgeMin != nil:
		return apperr.Msg{ID: "error_age_range_from", Args: []any{"Min", *a.AgeMin}}
	default:
		return apperr.Msg{ID: "error_age_range_to", Args: []any{"Max", *a.AgeMax}}
	}
}

// change runs op on the locked state of an activity in a transaction of its own.
func (s *Service) change(ctx context.Context, activityID int64, op changeOp) error {
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error { return s.changeIn(tx, activityID, op) })
	if err == nil {
		s.changed(activityID)
	}
	return err
}

// changeOp computes the next state of a locked activity.
type changeOp func(tx *gorm.DB, a *activities.Activity, l *loaded, now time.Time) (State, []int64, error)

// changeIn locks the activity within tx, runs op and writes what it changed.
func (s *Service) changeIn(tx *gorm.DB, activityID int64, op changeOp) error {
	now := s.now()
	a, err := lockActivity(tx, activityID)
	if err != nil {
		return err
	}
	l, err := s.load(tx, a, now)
	if err != nil {
		return err
	}
	next, changed, err := op(tx, a, l, now)
	if err != nil {
		return err
	}
	return s.persist(tx, a, l, next, changed, now)
}

// Where a registration stands with a minor's guardian.
const (
	GuardianNotNeeded = "not_needed"
	GuardianPending   = "pending" // the place is held until the guardian answers or GuardianDueAt
	GuardianGiven     = "given"
	GuardianRefused   = "refused"
)

// Purposes of a registration's private links.
const (
	LinkManage   = "manage"   // the participant's page: status, calendar, cancel
	LinkGuardian = "guardian" // the guardian's answer
)

// Link is a row of registration_links: a private link to one registration,
// of which only the token's hash is kept.
type Link struct {
	TokenHash      []byte `gorm:"primaryKey"`
	RegistrationID int64
	Purpose        string
	CreatedAt      time.Time
}

// TableName is the migrated table.
func (Link) TableName() string { return "registration_links" }
