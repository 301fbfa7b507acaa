package registration

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/quota"
	"gorm.io/gorm"
)

// Cancelled is the status of a registration that no longer holds a place.
const Cancelled Status = "cancelled"

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
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Placed is a registration with its place in the waitlist (0 when not waiting).
type Placed struct {
	Registration
	Position int
}

// Service runs registrations: each operation locks its activity, reads the
// live registrations, asks the pure core what changes, and writes the
// changes and the notices they cause in the same transaction.
type Service struct {
	db      *gorm.DB
	people  *people.Store
	catalog *i18n.Catalog
	baseURL string
	now     clock.Clock
	changes Changes

	comb combiner
}

// Changes is told after a commit that moved the seats of an activity, so
// that caches of public pages drop what they showed.
type Changes interface {
	SeatsMoved(activityID int64)
}

func (s *Service) changed(activityID int64) { s.changes.SeatsMoved(activityID) }

// NewService returns a registration service; now decides open windows,
// ages, releases of reserved seats and the dates of changes; changes hears
// of every commit that moved seats.
func NewService(db *gorm.DB, ps *people.Store, catalog *i18n.Catalog, baseURL string, changes Changes, now clock.Clock) *Service {
	return &Service{db: db, people: ps, catalog: catalog, baseURL: baseURL, changes: changes, now: now}
}

// Request is a registration form.
type Request struct {
	Person  people.Declared
	Consent bool
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
	sensitiveRules := false
	for _, q := range a.Quotas {
		sensitiveRules = sensitiveRules || quota.Sensitive(q.Attribute)
	}
	var rows []Registration
	if err := tx.Where("activity_id = ? AND status <> ?", a.ID, string(Cancelled)).
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
		var d people.Sensitive
		// Sensitive declarations are opened only when a rule needs them.
		if sensitiveRules && r.DeclaredSensitive != nil && r.PersonID != nil {
			if d, err = s.people.OpenDeclaration(r.DeclaredSensitive, declarationContext(r.ActivityID, *r.PersonID)); err != nil {
				return nil, fmt.Errorf("registration: unable to open declaration of %d: %w", r.ID, err)
			}
		}
		reg.Qualifies = quota.Qualifying(people.QuotaPerson(r.DeclaredLocality, d))
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
		if wasWaiting && r.Status == Confirmed && row.PersonID != nil {
			var p people.Person
			if err := tx.Take(&p, *row.PersonID).Error; err != nil {
				return fmt.Errorf("registration: unable to read the person of %d: %w", id, err)
			}
			if err := s.notify(tx, "registration.promoted", a, row, &p); err != nil {
				return err
			}
		}
	}
	return setSeats(tx, seatRowOf(a.ID, next))
}

func ageArgs(a *activities.Activity) []any {
	lo, hi := 0, 120
	if a.AgeMin != nil {
		lo = *a.AgeMin
	}
	if a.AgeMax != nil {
		hi = *a.AgeMax
	}
	return []any{"Min", lo, "Max", hi}
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

// Get returns one registration with its waitlist position, whoever asks:
// for the person it belongs to, whose ownership the caller has proved (their
// account, their signed confirmation link). Staff pages use GetAs.
func (s *Service) Get(ctx context.Context, id int64) (*Placed, error) {
	return s.get(ctx, s.db.WithContext(ctx), id)
}

// GetAs returns one registration if v reaches its activity
// (activities.Reached); any other is not found, so ids do not leak.
func (s *Service) GetAs(ctx context.Context, v access.Viewer, id int64) (*Placed, error) {
	return s.get(ctx, s.db.WithContext(ctx).Scopes(activities.Reached(v, "activity_id")), id)
}

func (s *Service) get(ctx context.Context, q *gorm.DB, id int64) (*Placed, error) {
	var r Registration
	err := q.Take(&r, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("registration: unable to fetch: %w", err)
	}
	p := &Placed{Registration: r}
	if r.Status == string(Waitlisted) {
		if p.Position, err = s.position(ctx, &r); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// position is a waitlisted registration's place in its waitlist.
func (s *Service) position(ctx context.Context, r *Registration) (int, error) {
	var ahead int64
	err := s.db.WithContext(ctx).Model(&Registration{}).
		Where("activity_id = ? AND status = ? AND waitlist_order <= ?", r.ActivityID, string(Waitlisted), r.WaitlistOrder).
		Count(&ahead).Error
	if err != nil {
		return 0, fmt.Errorf("registration: unable to find a waitlist position: %w", err)
	}
	return int(ahead), nil
}

// Cancel gives up a registration for the person it belongs to (see Get);
// its seat moves to the waitlist at once.
func (s *Service) Cancel(ctx context.Context, id int64) (*Placed, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.cancel(ctx, r)
}

// CancelAs is Cancel by staff: the registration must be of an activity v
// reaches, or it is not found.
func (s *Service) CancelAs(ctx context.Context, v access.Viewer, id int64) (*Placed, error) {
	r, err := s.GetAs(ctx, v, id)
	if err != nil {
		return nil, err
	}
	return s.cancel(ctx, r)
}

func (s *Service) cancel(ctx context.Context, r *Placed) (*Placed, error) {
	id := r.ID
	if r.Status == string(Cancelled) {
		return nil, apperr.New(apperr.Conflict, "error_already_cancelled")
	}
	err := s.change(ctx, r.ActivityID, func(tx *gorm.DB, a *activities.Activity, l *loaded, now time.Time) (State, []int64, error) {
		next, changed, err := Cancel(l.state, id)
		if errors.Is(err, ErrUnknownRegistration) {
			return next, nil, apperr.New(apperr.Conflict, "error_already_cancelled")
		}
		if err != nil {
			return next, nil, err
		}
		if err := tx.Model(&Registration{}).Where("id = ?", id).Updates(map[string]any{
			"status": string(Cancelled), "pool": nil, "sealed_pool": nil, "cancelled_at": now, "updated_at": now}).Error; err != nil {
			return next, nil, err
		}
		return next, changed, nil
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// SetCapacity is called inside the transaction that updates an activity:
// a capacity below the confirmed count (or one that breaks the quota) is a
// conflict; a larger one promotes from the waitlist at once.
func (s *Service) SetCapacity(tx *gorm.DB, activityID int64, capacity int) error {
	return s.changeIn(tx, activityID, func(_ *gorm.DB, _ *activities.Activity, l *loaded, _ time.Time) (State, []int64, error) {
		next, changed, err := SetCapacity(l.state, capacity)
		switch {
		case errors.Is(err, ErrCapacityBelowConfirmed):
			return next, nil, apperr.New(apperr.Conflict, "error_capacity_below_confirmed")
		case errors.Is(err, ErrCapacityBreaksQuota):
			return next, nil, apperr.New(apperr.Conflict, "error_capacity_breaks_quota")
		}
		return next, changed, err
	})
}

// CancelAll runs inside the transaction that cancels an activity: every
// live registration is cancelled with it, and each person is told in their
// language.
func (s *Service) CancelAll(tx *gorm.DB, activityID int64) error {
	now := s.now()
	a, err := lockActivity(tx, activityID)
	if err != nil {
		return err
	}
	var live []Registration
	if err := tx.Where("activity_id = ? AND status <> ?", activityID, string(Cancelled)).Order("waitlist_order").Find(&live).Error; err != nil {
		return fmt.Errorf("registration: unable to read registrations: %w", err)
	}
	if len(live) == 0 {
		return nil
	}
	if err := tx.Model(&Registration{}).Where("activity_id = ? AND status <> ?", activityID, string(Cancelled)).
		Updates(map[string]any{"status": string(Cancelled), "pool": nil, "sealed_pool": nil, "cancelled_at": now, "updated_at": now}).Error; err != nil {
		return fmt.Errorf("registration: unable to cancel registrations: %w", err)
	}
	ids := make([]int64, 0, len(live))
	for _, r := range live {
		if r.PersonID != nil {
			ids = append(ids, *r.PersonID)
		}
	}
	var persons []people.Person
	if err := tx.Where("id IN ?", ids).Find(&persons).Error; err != nil {
		return fmt.Errorf("registration: unable to read people: %w", err)
	}
	byID := make(map[int64]*people.Person, len(persons))
	for i := range persons {
		byID[persons[i].ID] = &persons[i]
	}
	var notices []outbox.Message
	for i := range live {
		if live[i].PersonID == nil {
			continue // erased: nobody to tell
		}
		p, ok := byID[*live[i].PersonID]
		if !ok {
			continue
		}
		m, ok, err := s.notice(tx, "activity.cancelled", a, &live[i], p)
		if err != nil {
			return err
		}
		if ok {
			notices = append(notices, m)
		}
	}
	if err := outbox.Enqueue(tx, notices...); err != nil {
		return err
	}
	return setSeats(tx, SeatRow{ActivityID: activityID})
}

// Settle applies releases that have come due; the scheduler calls it, and
// it is harmless to call again. Under the lock it first counts the seats:
// a settled activity (the usual case) is left without reading its
// registrations, so the scheduler holds a rush's lock only for an instant.
func (s *Service) Settle(ctx context.Context, activityID int64) error {
	moved := false
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		now := s.now()
		a, err := lockActivity(tx, activityID)
		if err != nil {
			return err
		}
		counted, err := countSeats(tx, map[int64]*activities.Activity{a.ID: a}, now)
		if err != nil {
			return err
		}
		st := counted[a.ID]
		if _, _, ok := Place(st.counts, nil); ok {
			return nil
		}
		moved = true
		return s.settleIn(tx, a, st, now)
	})
	if moved && err == nil {
		s.changed(activityID)
	}
	return err
}

// Summary returns the seats of an activity as they stand now (releases due
// by now are applied in the figures even before the scheduler runs), if v
// reaches it (activities.Reached); any other is not found.
func (s *Service) Summary(ctx context.Context, v access.Viewer, activityID int64) (Summary, error) {
	var sum Summary
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		var a activities.Activity
		if err := activities.WithRules(tx).Scopes(activities.Reached(v, "id")).Take(&a, activityID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return apperr.ErrNotFound
			}
			return err
		}
		l, err := s.load(tx, &a, s.now())
		if err != nil {
			return err
		}
		settled, _ := Settle(l.state)
		sum = Summarize(settled)
		return nil
	})
	return sum, err
}

// List returns the live and cancelled registrations of an activity, in
// arrival order, with waitlist positions; none for an activity v does not
// reach (activities.Reached).
func (s *Service) List(ctx context.Context, v access.Viewer, activityID int64) ([]Placed, error) {
	var rows []Registration
	if err := s.db.WithContext(ctx).Scopes(activities.Reached(v, "activity_id")).Where("activity_id = ?", activityID).Order("waitlist_order, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("registration: unable to list: %w", err)
	}
	out := make([]Placed, len(rows))
	pos := 0
	for i, r := range rows {
		out[i] = Placed{Registration: r}
		if r.Status == string(Waitlisted) {
			pos++
			out[i].Position = pos
		}
	}
	return out, nil
}

// SetAttendance records whether a confirmed participant came, on an
// activity v reaches (a registration of any other is not found).
func (s *Service) SetAttendance(ctx context.Context, v access.Viewer, id int64, attended bool) (*Placed, error) {
	r, err := s.GetAs(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if r.Status != string(Confirmed) {
		return nil, apperr.New(apperr.Conflict, "error_attendance_not_confirmed")
	}
	if err := s.db.WithContext(ctx).Model(&Registration{}).Where("id = ?", id).
		Updates(map[string]any{"attended": attended, "updated_at": s.now()}).Error; err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// notify queues the notice of kind for registration r of person p.
func (s *Service) notify(tx *gorm.DB, kind string, a *activities.Activity, r *Registration, p *people.Person) error {
	m, ok, err := s.notice(tx, kind, a, r, p)
	if err != nil || !ok {
		return err
	}
	return outbox.Enqueue(tx, m)
}

// notice is the message of kind for registration r of person p, in the
// registration's language; ok is false when there is nobody to write to.
// It reads the activity's texts when a has none loaded.
func (s *Service) notice(tx *gorm.DB, kind string, a *activities.Activity, r *Registration, p *people.Person) (m outbox.Message, ok bool, err error) {
	if p.Email == nil || s.catalog == nil {
		return m, false, nil
	}
	if a.Translations == nil {
		if err := tx.Where("activity_id = ?", a.ID).Find(&a.Translations).Error; err != nil {
			return m, false, fmt.Errorf("registration: unable to read the texts of activity %d: %w", a.ID, err)
		}
	}
	l := s.catalog.Localizer(r.Locale)
	text := a.TextIn(l.Lang, s.catalog.Default())
	ids := map[string][2]string{
		"registration.confirmed":  {"notice_confirmed_subject", "notice_confirmed_body"},
		"registration.waitlisted": {"notice_waitlisted_subject", "notice_waitlisted_body"},
		"registration.promoted":   {"notice_promoted_subject", "notice_promoted_body"},
		"activity.cancelled":      {"notice_cancelled_subject", "notice_cancelled_body"},
	}[kind]
	url := s.baseURL + "/activities/" + a.Slug
	if kind == "activity.cancelled" {
		url = s.baseURL + "/activities" // the others, since this one is off
	}
	args := []any{"Name", p.GivenName, "Title", text.Title, "Date", l.Date(a.StartsAt), "URL", url}
	return outbox.Message{Kind: kind, Locale: l.Lang, ToAddress: *p.Email,
		Subject: l.T(ids[0], args...), Body: l.T(ids[1], args...)}, true, nil
}

// SettleDue settles every published activity that has people waiting, so
// reserved seats released by the clock move to the waitlist without anyone
// having to act. Settling is idempotent under the activity lock, so two
// nodes running it at once do no harm.
func (s *Service) SettleDue(ctx context.Context) (int, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&activities.Activity{}).
		Where("status = ? AND id IN (SELECT activity_id FROM registrations WHERE status = ?)", activities.StatusPublished, string(Waitlisted)).
		Pluck("id", &ids).Error
	if err != nil {
		return 0, fmt.Errorf("registration: unable to find activities to settle: %w", err)
	}
	for _, id := range ids {
		if err := s.Settle(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// ForPerson returns a person's live registrations, newest first, with
// their waitlist positions.
func (s *Service) ForPerson(ctx context.Context, personID int64) ([]Placed, error) {
	var rows []Registration
	if err := s.db.WithContext(ctx).Where("person_id = ? AND status <> ?", personID, string(Cancelled)).
		Order("id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("registration: unable to list a person's registrations: %w", err)
	}
	out := make([]Placed, 0, len(rows))
	for _, r := range rows {
		p, err := s.Get(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, nil
}

// ConfirmedCount is the number of confirmed people of an activity: what a
// public page needs to show free seats, from its seat row.
func (s *Service) ConfirmedCount(ctx context.Context, activityID int64) (int, error) {
	rows, err := readSeats(s.db.WithContext(ctx), []int64{activityID})
	if err != nil {
		return 0, err
	}
	return rows[activityID].Confirmed(), nil
}
