package registration

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/regions"
	"gorm.io/gorm"
)

// At an activity whose registration mode is application, every verified
// registration is Applied and holds no seat. A coordinator accepts
// applications (Decide): each is then placed by the core exactly as a
// newcomer of an open activity (a reserved pool it qualifies for, a general
// seat, the waitlist), in the order of acceptance, under the activity's
// lock. Or declines them, with a kind notice that gives no reason.

// MaxDecisions is how many applications one decision may name.
const MaxDecisions = 500

// Decide accepts (accept) or declines the applications ids of activity
// activityID, which v must reach (else not found), in the order given, as
// one action in one transaction: all are decided or none. An id that is
// not an application of the activity is not found; one decided already
// (by another coordinator a moment before) is a conflict
// (error_application_decided), so two coordinators deciding the same
// applicant at once make one decision. Accepting works after registration
// closes. Each decision is audited with v as its actor and emailed in the
// applicant's language with their manage link. It returns the
// registrations as they stand after it, in the order given.
func (s *Service) Decide(ctx context.Context, v access.Viewer, activityID int64, ids []int64, accept bool) ([]Placed, error) {
	ids = distinct(ids)
	switch {
	case len(ids) == 0:
		return nil, apperr.Fields{"ids": {ID: "error_applications_none"}}.Err()
	case len(ids) > MaxDecisions:
		return nil, apperr.Fields{"ids": {ID: "error_applications_too_many", Args: []any{"Max", MaxDecisions}}}.Err()
	}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&activities.Activity{}).Scopes(activities.Reached(v, "id")).
			Where("id = ?", activityID).Count(&n).Error; err != nil {
			return fmt.Errorf("registration: unable to read activity %d: %w", activityID, err)
		}
		if n == 0 {
			return apperr.ErrNotFound
		}
		return s.changeIn(tx, activityID, func(tx *gorm.DB, a *activities.Activity, l *loaded, now time.Time) (State, []int64, error) {
			var rows []Registration
			if err := tx.Where("activity_id = ? AND id IN ?", activityID, ids).Find(&rows).Error; err != nil {
				return l.state, nil, fmt.Errorf("registration: unable to read applications: %w", err)
			}
			if len(rows) != len(ids) {
				return l.state, nil, apperr.ErrNotFound
			}
			byID := make(map[int64]*Registration, len(rows))
			for i := range rows {
				if rows[i].Status != string(Applied) {
					return l.state, nil, apperr.New(apperr.Conflict, "error_application_decided")
				}
				byID[rows[i].ID] = &rows[i]
			}
			if !accept {
				return l.state, nil, s.decline(tx, v, a, ids, byID, now)
			}
			return s.accept(tx, v, a, l, ids, byID, now)
		})
	})
	if err != nil {
		return nil, err
	}
	if accept {
		s.changed(activityID)
	}
	out := make([]Placed, 0, len(ids))
	for _, id := range ids {
		p, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, nil
}

// accept places the applications ids of the locked activity a in the
// order given, each as Register places a newcomer, and returns the state
// with them in it and the IDs of others that settling moved. A minor's
// guardian is asked now, as at an open activity's registration.
func (s *Service) accept(tx *gorm.DB, v access.Viewer, a *activities.Activity, l *loaded, ids []int64,
	rows map[int64]*Registration, now time.Time) (State, []int64, error) {
	// A release that came due since the last write: settle first.
	next, moved := Settle(l.state)
	seatRows, err := readSeats(tx, []int64{a.ID})
	if err != nil {
		return l.state, nil, err
	}
	order := seatRows[a.ID].LastOrder
	sensitive := sensitiveRules(a)
	for _, id := range ids {
		r := rows[id]
		qualifies, err := s.qualifies(r, sensitive)
		if err != nil {
			return l.state, nil, err
		}
		var placed Reg
		if next, placed, err = Register(next, Reg{ID: id, Qualifies: qualifies}); err != nil {
			return l.state, nil, err
		}
		// Accepted ones join the arrival order (and the waitlist) in the
		// order of acceptance.
		order++
		r.Status, r.WaitlistOrder, r.UpdatedAt = string(placed.Status), order, now
		r.Pool, r.SealedPool = nil, nil
		if placed.Status == Confirmed {
			s.setPool(r, placed.Pool)
		}
		updates := map[string]any{"status": r.Status, "waitlist_order": order, "pool": r.Pool,
			"sealed_pool": r.SealedPool, "updated_at": now}
		if r.Guardian == GuardianPending {
			due := s.guardianDue(a, now)
			r.GuardianDueAt = &due
			updates["guardian_due_at"] = due
		}
		if err := tx.Model(&Registration{}).Where("id = ?", id).Updates(updates).Error; err != nil {
			return l.state, nil, fmt.Errorf("registration: unable to accept %d: %w", id, err)
		}
		if err := s.tellDecision(tx, a, r, WaitlistPosition(next, id), now); err != nil {
			return l.state, nil, err
		}
		if err := audit.Record(tx, v.UserID, "registration.accept", "registration", strconv.FormatInt(id, 10),
			map[string]any{"activity_id": a.ID, "status": r.Status}); err != nil {
			return l.state, nil, err
		}
	}
	// The seat row takes the new orders; persist writes its counts.
	return next, moved, addSeats(tx, []SeatRow{{ActivityID: a.ID, LastOrder: order}})
}

// tellDecision emails an accepted application's person in their language,
// with their manage link, and asks a minor's guardian.
func (s *Service) tellDecision(tx *gorm.DB, a *activities.Activity, r *Registration, position int, now time.Time) error {
	if r.PersonID == nil {
		return nil
	}
	var p people.Person
	if err := tx.Take(&p, *r.PersonID).Error; err != nil {
		return fmt.Errorf("registration: unable to read the person of %d: %w", r.ID, err)
	}
	if p.Email == nil {
		return nil
	}
	kind := kindAccepted
	if r.Status == string(Waitlisted) {
		kind = kindAcceptedWaiting
	}
	token, link := newLink(r.ID, LinkManage, now)
	made := []Link{link}
	lts := []letter{{kind: kind, a: a, r: r, to: *p.Email, name: p.GivenName, locale: r.Locale,
		url: s.manageURL(token), position: position}}
	if r.Guardian == GuardianPending {
		token, link := newLink(r.ID, LinkGuardian, now)
		made = append(made, link)
		lts = append(lts, letter{kind: kindGuardianRequest, a: a, r: r, to: r.GuardianEmail, name: r.GuardianName,
			locale: r.Locale, url: s.guardianURL(token), minor: p.GivenName})
	}
	if err := tx.Create(&made).Error; err != nil {
		return fmt.Errorf("registration: unable to create links: %w", err)
	}
	for _, lt := range lts {
		if err := s.enqueue(tx, lt); err != nil {
			return err
		}
	}
	return nil
}

// enqueue words and queues one letter.
func (s *Service) enqueue(tx *gorm.DB, lt letter) error {
	m, ok, err := s.notice(tx, lt)
	if err != nil || !ok {
		return err
	}
	return outbox.Enqueue(tx, m)
}

// decline declines the applications ids of the locked activity a: no seat
// moves. Each person is told, without a reason.
func (s *Service) decline(tx *gorm.DB, v access.Viewer, a *activities.Activity, ids []int64, rows map[int64]*Registration, now time.Time) error {
	if err := tx.Model(&Registration{}).Where("id IN ?", ids).
		Updates(map[string]any{"status": string(Declined), "updated_at": now}).Error; err != nil {
		return fmt.Errorf("registration: unable to decline: %w", err)
	}
	for _, id := range ids {
		r := rows[id]
		r.Status = string(Declined)
		if err := s.notify(tx, kindDeclined, a, r, now); err != nil {
			return err
		}
		if err := audit.Record(tx, v.UserID, "registration.decline", "registration", strconv.FormatInt(id, 10),
			map[string]any{"activity_id": a.ID}); err != nil {
			return err
		}
	}
	return nil
}

// distinct is ids without repeats, in their first order.
func distinct(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Applicant is an application as a coordinator reviews it: who, their age
// and place, and the quota attributes that are not sensitive. Which
// sensitive attribute someone declared is never shown beside their name,
// as on the roster; the seats per quota are counted on the activity.
type Applicant struct {
	ID         int64
	GivenName  string
	FamilyName string
	Email      *string
	BirthYear  *int
	Region     string
	Locality   string            // as the form declared it
	Attributes []quota.Attribute // the quotas the person qualifies for, sensitive ones left out
	CreatedAt  time.Time         // when the application was made
}

// Sorts of applicants.
const (
	SortArrival = "arrival" // earliest application first
	SortAge     = "age"     // youngest first; an unknown age last
)

// ApplicantFilter narrows and orders the applicants: each field empty
// keeps all.
type ApplicantFilter struct {
	Attribute string // a quota attribute that is not sensitive
	Locality  string // people.Rural or people.Urban
	Region    string // a region code
	Sort      string // SortArrival (the default) or SortAge
}

// Validate reports every field of f that names nothing known; a sensitive
// attribute is refused, since filtering by it would tell who declared it.
func (f ApplicantFilter) Validate() error {
	e := apperr.Fields{}
	if f.Attribute != "" && (!quota.Valid(f.Attribute) || quota.Sensitive(quota.Attribute(f.Attribute))) {
		e.Add("attribute", "error_applicant_attribute")
	}
	if f.Locality != "" && f.Locality != people.Urban && f.Locality != people.Rural {
		e.Add("locality", "error_locality")
	}
	if f.Region != "" && !regions.Valid(f.Region) {
		e.Add("region", "error_region_unknown")
	}
	if f.Sort != "" && f.Sort != SortArrival && f.Sort != SortAge {
		e.Add("sort", "error_sort_unknown")
	}
	return e.Err()
}

// FilterApplicants keeps the applicants f selects, in f's order; it never
// changes list.
func FilterApplicants(list []Applicant, f ApplicantFilter) []Applicant {
	out := make([]Applicant, 0, len(list))
	for _, a := range list {
		switch {
		case f.Attribute != "" && !slices.Contains(a.Attributes, quota.Attribute(f.Attribute)):
		case f.Locality != "" && a.Locality != f.Locality:
		case f.Region != "" && a.Region != f.Region:
		default:
			out = append(out, a)
		}
	}
	arrival := func(a, b Applicant) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	}
	if f.Sort == SortAge {
		slices.SortStableFunc(out, func(a, b Applicant) int {
			switch {
			case a.BirthYear == nil && b.BirthYear == nil:
			case a.BirthYear == nil:
				return 1
			case b.BirthYear == nil:
				return -1
			case *a.BirthYear != *b.BirthYear:
				return cmp.Compare(*b.BirthYear, *a.BirthYear)
			}
			return arrival(a, b)
		})
	} else {
		slices.SortStableFunc(out, arrival)
	}
	return out
}

// Applications is an activity's applications under review and its
// decisions so far.
type Applications struct {
	Applicants []Applicant // under review, filtered and sorted
	Waiting    int         // under review, whatever the filter
	Accepted   int         // accepted: holding a place or on the waitlist
	Declined   int
}

// Applications lists the applications of an activity v reaches (else not
// found) that f selects, in f's order.
func (s *Service) Applications(ctx context.Context, v access.Viewer, activityID int64, f ApplicantFilter) (*Applications, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	var n int64
	if err := db.Model(&activities.Activity{}).Scopes(activities.Reached(v, "id")).Where("id = ?", activityID).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("registration: unable to read activity %d: %w", activityID, err)
	}
	if n == 0 {
		return nil, apperr.ErrNotFound
	}
	var rows []struct {
		ID               int64
		Status           string
		DeclaredLocality string
		CreatedAt        time.Time
		GivenName        string
		FamilyName       string
		Email            *string
		BirthYear        *int
		Region           string
	}
	err := db.Table("registrations AS r").
		Select("r.id, r.status, r.declared_locality, r.created_at, COALESCE(p.given_name, '') AS given_name, "+
			"COALESCE(p.family_name, '') AS family_name, p.email, p.birth_year, COALESCE(p.region, '') AS region").
		Joins("LEFT JOIN people AS p ON p.id = r.person_id").
		Where("r.activity_id = ? AND r.status <> ?", activityID, string(Cancelled)).
		Order("r.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("registration: unable to read applications: %w", err)
	}
	out := &Applications{}
	var list []Applicant
	for _, r := range rows {
		switch Status(r.Status) {
		case Applied:
			out.Waiting++
		case Declined:
			out.Declined++
			continue
		default:
			out.Accepted++
			continue
		}
		var open []quota.Attribute
		for _, attr := range quota.Qualifying(people.QuotaPerson(r.DeclaredLocality, people.Sensitive{})) {
			if !quota.Sensitive(attr) {
				open = append(open, attr)
			}
		}
		list = append(list, Applicant{ID: r.ID, GivenName: r.GivenName, FamilyName: r.FamilyName, Email: r.Email,
			BirthYear: r.BirthYear, Region: r.Region, Locality: r.DeclaredLocality, Attributes: open, CreatedAt: r.CreatedAt})
	}
	out.Applicants = FilterApplicants(list, f)
	return out, nil
}
