package registration

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/mailaddr"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/submissions"
	"github.com/gotong/gotong/app/usertext"
	"gorm.io/gorm"
)

// How a guardian's consent came: their own answer at their link, or staff
// recording it (RecordGuardian). Each is the source of the consent history
// row.
const (
	GuardianByLink    = "guardian"      // the guardian answered at their link
	GuardianByPaper   = "paper"         // a signed form, recorded by staff
	GuardianByTrusted = "trusted_adult" // a trusted adult, recorded by staff
)

// guardianNameMax bounds a guardian's name, in characters.
const guardianNameMax = 100

// guardianAge is the age under which a registrant of a needs a guardian;
// 0 means never.
func (s *Service) guardianAge(a *activities.Activity) int {
	return a.GuardianAgeOr(s.rules.GuardianAge)
}

// checkGuardian checks the guardian of a form for activity a, which takes
// the registrant otherwise: required, and normalised in place, when the
// registrant needs one; dropped when not, so that nothing of it is kept.
func (s *Service) checkGuardian(a *activities.Activity, in *Request) error {
	if !a.NeedsGuardian(in.Person.BirthYear, s.rules.GuardianAge) {
		in.Guardian = nil
		return nil
	}
	f := apperr.Fields{}
	if in.Guardian == nil {
		f.Add("guardian", "error_guardian_required", "Age", s.guardianAge(a))
		return f.Err()
	}
	g := *in.Guardian
	g.Name, g.Email = strings.TrimSpace(g.Name), mailaddr.Normalize(g.Email)
	in.Guardian = &g
	usertext.Check(f, "guardian", g.Name, usertext.Line)
	switch {
	case g.Name == "" || g.Email == "":
		f.Add("guardian", "error_guardian_required", "Age", s.guardianAge(a))
	case utf8.RuneCountInString(g.Name) > guardianNameMax:
		f.Add("guardian", "error_too_long", "Max", guardianNameMax)
	case !mailaddr.Valid(g.Email):
		f.Add("guardian", "error_guardian_email")
	case g.Email == in.Person.Email:
		f.Add("guardian", "error_guardian_self")
	}
	return f.Err()
}

// guardianDue is when a place held for a guardian's answer made at now is
// cancelled: after the installation's days, and before the activity starts.
func (s *Service) guardianDue(a *activities.Activity, now time.Time) time.Time {
	due := now.AddDate(0, 0, s.rules.GuardianDays)
	if a.StartsAt.Before(due) {
		return a.StartsAt
	}
	return due
}

// guardianURL is the address of a guardian's page.
func (s *Service) guardianURL(token string) string { return s.baseURL + "/g/" + token }

// GuardianView is what a guardian's page shows: the activity, whom it is
// about, and where the answer stands. It holds nothing the registrant
// declared in confidence.
type GuardianView struct {
	Activity     *activities.Activity
	GivenName    string // the registrant's
	GuardianName string
	Answer       string // GuardianPending, GuardianGiven or GuardianRefused
	DueAt        time.Time
	Locale       string // the registration's, in which the guardian's letter was written
}

// GuardianRequest reads the guardian's page behind token (GET /g/{token}).
// A link is dead (submissions.ErrLinkExpired) when unknown, when the
// activity has ended or the registrant was erased, and once an unanswered
// request is past its due time.
func (s *Service) GuardianRequest(ctx context.Context, token string) (*GuardianView, error) {
	db := s.db.WithContext(ctx)
	r, a, err := s.linked(db, token, LinkGuardian)
	if err != nil {
		return nil, err
	}
	if err := s.answerable(r, s.now(), true); err != nil && !isConflict(err) {
		return nil, err
	}
	return s.guardianView(db, r, a)
}

// GuardianAnswer records the guardian's answer behind token (POST
// /g/{token}): give keeps the place, refusal cancels it and the waitlist
// moves. Either enters the registrant's consent history, and the registrant
// is told with their manage link. A request answered already is a conflict
// (error_guardian_answered), as is one whose place was cancelled meanwhile.
func (s *Service) GuardianAnswer(ctx context.Context, token string, give bool) (*GuardianView, error) {
	db := s.db.WithContext(ctx)
	r, a, err := s.linked(db, token, LinkGuardian)
	if err != nil {
		return nil, err
	}
	if err := s.answer(ctx, r.ID, r.ActivityID, give, GuardianByLink); err != nil {
		return nil, err
	}
	if err := db.Take(r, r.ID).Error; err != nil {
		return nil, fmt.Errorf("registration: unable to read %d: %w", r.ID, err)
	}
	return s.guardianView(db, r, a)
}

// maxGuardianNote is the longest note staff may keep with a guardian's answer.
const maxGuardianNote = 500

// RecordGuardian is staff recording a guardian's answer given otherwise
// (POST /api/v1/registrations/{id}/guardian): on paper, or by a trusted
// adult (method GuardianByPaper or GuardianByTrusted), for a registration
// of an activity v reaches. It acts as the guardian's own answer would, and
// is audited with the method and the answer alone. A registration that
// needs no guardian is a conflict (error_guardian_not_needed).
func (s *Service) RecordGuardian(ctx context.Context, v access.Viewer, actorID, id int64, given bool, method, note string) (*Placed, error) {
	f := apperr.Fields{}
	if method != GuardianByPaper && method != GuardianByTrusted {
		f.Add("method", "error_guardian_method")
	}
	note = strings.TrimSpace(note)
	usertext.Check(f, "note", note, usertext.Lines)
	if n := utf8.RuneCountInString(note); n > maxGuardianNote {
		f.Add("note", "error_too_long", "Max", maxGuardianNote)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	r, err := s.GetAs(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if r.Guardian == GuardianNotNeeded {
		return nil, apperr.New(apperr.Conflict, "error_guardian_not_needed")
	}
	err = s.change(ctx, r.ActivityID, func(tx *gorm.DB, a *activities.Activity, l *loaded, now time.Time) (State, []int64, error) {
		next, changed, err := s.answerIn(tx, a, l, id, given, method, now)
		if err != nil {
			return next, changed, err
		}
		// The note stays with the registration, where staff read it and an
		// erasure clears it; the audit log keeps the method and answer alone.
		if err := tx.Model(&Registration{}).Where("id = ?", id).Update("guardian_note", note).Error; err != nil {
			return next, changed, fmt.Errorf("registration: unable to keep the guardian note of %d: %w", id, err)
		}
		return next, changed, audit.Record(tx, actorID, "registration.guardian", "registration", strconv.FormatInt(id, 10),
			map[string]any{"method": method, "given": given})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// answer records a guardian's answer to registration id under its
// activity's lock.
func (s *Service) answer(ctx context.Context, id, activityID int64, give bool, source string) error {
	return s.change(ctx, activityID, func(tx *gorm.DB, a *activities.Activity, l *loaded, now time.Time) (State, []int64, error) {
		return s.answerIn(tx, a, l, id, give, source, now)
	})
}

// answerIn records a guardian's answer to registration id of the locked
// activity a, read afresh under the lock.
func (s *Service) answerIn(tx *gorm.DB, a *activities.Activity, l *loaded, id int64, give bool, source string, now time.Time) (State, []int64, error) {
	var r Registration
	if err := tx.Take(&r, id).Error; err != nil {
		return l.state, nil, fmt.Errorf("registration: unable to read %d: %w", id, err)
	}
	if err := s.answerable(&r, now, source == GuardianByLink); err != nil {
		return l.state, nil, err
	}
	if err := tx.Create(&people.Consent{PersonID: *r.PersonID, Given: give, Version: people.ConsentVersion,
		Source: source, Purpose: people.ConsentOfGuardian, At: now}).Error; err != nil {
		return l.state, nil, fmt.Errorf("registration: unable to record a guardian's consent: %w", err)
	}
	if give {
		if err := tx.Model(&Registration{}).Where("id = ?", id).
			Updates(map[string]any{"guardian": GuardianGiven, "updated_at": now}).Error; err != nil {
			return l.state, nil, fmt.Errorf("registration: unable to record the guardian of %d: %w", id, err)
		}
		r.Guardian = GuardianGiven
		return l.state, nil, s.notify(tx, kindGuardianGiven, a, &r, now)
	}
	next, changed, err := withdraw(tx, l.state, []int64{id}, now, map[string]any{"guardian": GuardianRefused})
	if err != nil {
		return next, nil, err
	}
	r.Status, r.Guardian = string(Cancelled), GuardianRefused
	return next, changed, s.notify(tx, kindGuardianRefused, a, &r, now)
}

// answerable says why registration r cannot take a guardian's answer at
// now, if it cannot. A guardian's link dies with the person and at the due
// time, answered or not; staff may record an answer until the place is
// cancelled.
func (s *Service) answerable(r *Registration, now time.Time, byLink bool) error {
	switch {
	case byLink && (r.PersonID == nil || r.GuardianDueAt != nil && !now.Before(*r.GuardianDueAt)):
		return submissions.ErrLinkExpired
	case r.Guardian == GuardianNotNeeded:
		return apperr.New(apperr.Conflict, "error_guardian_not_needed")
	case r.Guardian != GuardianPending:
		return apperr.New(apperr.Conflict, "error_guardian_answered")
	case r.Status == string(Cancelled) || r.PersonID == nil:
		return apperr.New(apperr.Conflict, "error_already_cancelled")
	case r.Status == string(Applied) || r.Status == string(Declined):
		// An application's guardian is asked once it is accepted.
		return apperr.New(apperr.Conflict, "error_guardian_not_yet")
	}
	return nil
}

func isConflict(err error) bool {
	var ae *apperr.Error
	return errors.As(err, &ae) && ae.Kind == apperr.Conflict
}

// guardianView is the guardian's page of registration r at activity a.
func (s *Service) guardianView(db *gorm.DB, r *Registration, a *activities.Activity) (*GuardianView, error) {
	name, err := givenName(db, r)
	if err != nil {
		return nil, err
	}
	v := &GuardianView{Activity: a, GivenName: name, GuardianName: r.GuardianName, Answer: r.Guardian, Locale: r.Locale}
	if r.GuardianDueAt != nil {
		v.DueAt = *r.GuardianDueAt
	}
	return v, nil
}

// ExpireGuardians cancels the places whose guardian has not answered by
// their due time, as a refusal would: the waitlist moves, and the
// registrant is told. Each is checked again under its activity's lock, so
// several nodes may run it at once; it says how many it cancelled.
func (s *Service) ExpireGuardians(ctx context.Context) (int, error) {
	var due []Registration
	err := s.db.WithContext(ctx).Select("id, activity_id").
		// The literal lets PostgreSQL use the partial index of pending rows.
		Where("guardian = '"+GuardianPending+"' AND status <> ? AND guardian_due_at <= ?", string(Cancelled), s.now()).
		Order("activity_id, id").Find(&due).Error
	if err != nil {
		return 0, fmt.Errorf("registration: unable to find guardians past due: %w", err)
	}
	order, byActivity := groupByActivity(due, func(r Registration) (int64, int64) { return r.ActivityID, r.ID })
	n := 0
	for _, activityID := range order {
		err := s.change(ctx, activityID, func(tx *gorm.DB, a *activities.Activity, l *loaded, now time.Time) (State, []int64, error) {
			var rows []Registration
			if err := tx.Where("id IN ? AND guardian = ? AND status <> ? AND guardian_due_at <= ?",
				byActivity[activityID], GuardianPending, string(Cancelled), now).Order("id").Find(&rows).Error; err != nil {
				return l.state, nil, fmt.Errorf("registration: unable to read guardians past due: %w", err)
			}
			ids := make([]int64, len(rows))
			for i, r := range rows {
				ids[i] = r.ID
			}
			next, changed, err := withdraw(tx, l.state, ids, now, map[string]any{"guardian": GuardianRefused})
			if err != nil {
				return next, nil, err
			}
			for i := range rows {
				r := &rows[i]
				r.Status, r.Guardian = string(Cancelled), GuardianRefused
				if err := s.notify(tx, kindGuardianExpired, a, r, now); err != nil {
					return next, nil, err
				}
			}
			n += len(rows)
			return next, changed, nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// withdraw cancels the registrations ids in state st and in tx, with the
// columns of set besides: their seats move on at once (the caller persists
// the state it returns).
func withdraw(tx *gorm.DB, st State, ids []int64, now time.Time, set map[string]any) (State, []int64, error) {
	if len(ids) == 0 {
		return st, nil, nil
	}
	next, changed := st, []int64(nil)
	for _, id := range ids {
		var moved []int64
		var err error
		if next, moved, err = Cancel(next, id); err != nil {
			if errors.Is(err, ErrUnknownRegistration) {
				err = apperr.New(apperr.Conflict, "error_already_cancelled")
			}
			return st, nil, err
		}
		changed = append(changed, moved...)
	}
	slices.Sort(changed)
	changed = slices.Compact(changed)
	updates := map[string]any{"status": string(Cancelled), "pool": nil, "sealed_pool": nil, "cancelled_at": now, "updated_at": now}
	for k, v := range set {
		updates[k] = v
	}
	if err := tx.Model(&Registration{}).Where("id IN ?", ids).Updates(updates).Error; err != nil {
		return st, nil, fmt.Errorf("registration: unable to cancel: %w", err)
	}
	return next, changed, nil
}
