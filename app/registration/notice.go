package registration

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/links"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/submissions"
	"gorm.io/gorm"
)

// The kinds of email about registrations (outbox.Message.Kind).
const (
	kindConfirmed       = "registration.confirmed"
	kindWaitlisted      = "registration.waitlisted"
	kindPromoted        = "registration.promoted"
	kindCancelled       = "registration.cancelled" // by the participant or by staff
	kindKnown           = "registration.known"     // a form or a tap for someone already registered
	kindVerify          = "registration.verify"    // a public form's link
	kindReminder        = "registration.reminder"
	kindActivityOff     = "activity.cancelled"
	kindGuardianRequest = "guardian.request" // to the guardian
	kindGuardianGiven   = "registration.guardian_given"
	kindGuardianRefused = "registration.guardian_refused"
	kindGuardianExpired = "registration.guardian_expired"
	kindApplied         = "registration.applied"          // an application received, under review
	kindAccepted        = "registration.accepted"         // an application accepted, with a place
	kindAcceptedWaiting = "registration.accepted_waiting" // an application accepted, on the waitlist
	kindDeclined        = "registration.declined"         // an application declined, without reasons
)

// letters are the message ids of each kind's subject and of what it says
// happened.
var letters = map[string][2]string{
	kindConfirmed:       {"notice_confirmed_subject", "notice_confirmed_body"},
	kindWaitlisted:      {"notice_waitlisted_subject", "notice_waitlisted_body"},
	kindPromoted:        {"notice_promoted_subject", "notice_promoted_body"},
	kindCancelled:       {"notice_withdrawn_subject", "notice_withdrawn_body"},
	kindKnown:           {"notice_known_subject", "notice_known_body"},
	kindVerify:          {"notice_verify_subject", "notice_verify_body"},
	kindReminder:        {"notice_reminder_subject", "notice_reminder_body"},
	kindActivityOff:     {"notice_cancelled_subject", "notice_cancelled_body"},
	kindGuardianRequest: {"notice_guardian_request_subject", "notice_guardian_request_body"},
	kindGuardianGiven:   {"notice_guardian_given_subject", "notice_guardian_given_body"},
	kindGuardianRefused: {"notice_guardian_refused_subject", "notice_guardian_refused_body"},
	kindGuardianExpired: {"notice_guardian_refused_subject", "notice_guardian_expired_body"},
	kindApplied:         {"notice_applied_subject", "notice_applied_body"},
	kindAccepted:        {"notice_accepted_subject", "notice_accepted_body"},
	kindAcceptedWaiting: {"notice_accepted_subject", "notice_accepted_waiting_body"},
	kindDeclined:        {"notice_declined_subject", "notice_declined_body"},
}

// letter is one email about a registration, or about a form waiting for its
// link: whom it goes to and the private link it carries.
type letter struct {
	kind     string
	a        *activities.Activity
	r        *Registration // nil for the email that verifies a form
	to       string        // the address
	name     string        // whom it greets
	locale   string
	url      string // the private link: the manage page, the form's or the guardian's
	position int    // on the waitlist, for kindWaitlisted
	minor    string // the registrant's given name, in a guardian's letter
}

// place is where an activity happens: online, or its venue (when withVenue)
// and its region.
func place(l *i18n.Localizer, a *activities.Activity, withVenue bool) string {
	if a.Mode == activities.ModeOnline {
		return l.T("mode_online")
	}
	var parts []string
	if withVenue && a.Venue != "" {
		parts = append(parts, a.Venue)
	}
	if r, ok := regions.Lookup(a.Region); ok {
		parts = append(parts, r.Name(l.Lang))
	}
	return strings.Join(parts, ", ")
}

// notice is the one place that words an email: lt in its language. ok is
// false when there is nobody to write to. It reads the activity's texts when
// none are loaded. A discreet activity is never named, nor its place: the
// subject is neutral, and so is the body.
func (s *Service) notice(tx *gorm.DB, lt letter) (m outbox.Message, ok bool, err error) {
	if lt.to == "" || s.catalog == nil {
		return m, false, nil
	}
	a := lt.a
	if a.Translations == nil {
		if err := tx.Where("activity_id = ?", a.ID).Find(&a.Translations).Error; err != nil {
			return m, false, fmt.Errorf("registration: unable to read the texts of activity %d: %w", a.ID, err)
		}
	}
	l := s.catalog.Localizer(lt.locale)
	title := a.TextIn(l.Lang, s.catalog.Default()).Title
	ids := letters[lt.kind]
	subject := l.T(ids[0], "Title", title)
	if a.Discreet && lt.kind != kindGuardianRequest { // the guardian's subject names no activity
		subject = l.T("notice_discreet_subject")
	}
	args := []any{"URL", lt.url, "Position", lt.position, "Hours", int(submissions.Lifetime / time.Hour),
		"Age", s.guardianAge(a)}
	if lt.r != nil {
		args = append(args, "Guardian", lt.r.GuardianName)
		if lt.r.GuardianDueAt != nil {
			args = append(args, "Due", a.When(l, *lt.r.GuardianDueAt))
		}
	}
	paras := []string{l.T("notice_hello", "Name", lt.name)}
	if lt.kind == kindGuardianRequest {
		paras = append(paras, l.T(ids[1], append(args, "Name", lt.minor)...))
	} else {
		paras = append(paras, l.T(ids[1], args...))
	}
	// An application's guardian is asked once it is accepted.
	waiting := lt.r != nil && lt.r.Guardian == GuardianPending && slices.Contains(seated, lt.r.Status)
	if waiting && lt.kind != kindGuardianRequest {
		paras = append(paras, l.T("notice_guardian_waiting", args...))
	}
	about := []string{}
	if !a.Discreet {
		about = append(about, l.T("notice_line_activity", "Title", title))
	}
	about = append(about, l.T("notice_line_when", "Date", a.Span(l)))
	if !a.Discreet {
		// The guardian learns the region, the participant the venue too.
		if where := place(l, a, lt.kind != kindGuardianRequest); where != "" {
			about = append(about, l.T("notice_line_where", "Place", where))
		}
	}
	paras = append(paras, strings.Join(about, "\n"))
	switch lt.kind {
	case kindVerify: // its link is in what it says
	case kindGuardianRequest:
		paras = append(paras, l.T("notice_guardian_data"), l.T("notice_guardian_answer", args...))
	default:
		paras = append(paras, l.T("notice_manage", args...))
	}
	paras = append(paras, l.T("notice_signature"))
	return outbox.Message{Kind: lt.kind, Locale: l.Lang, ToAddress: lt.to, Subject: subject,
		Body: strings.Join(paras, "\n\n")}, true, nil
}

// newLink makes a private link of purpose to registration id: the token
// for the URL, and the row that keeps its hash.
func newLink(id int64, purpose string, now time.Time) (string, Link) {
	token, hash := links.New()
	return token, Link{TokenHash: hash, RegistrationID: id, Purpose: purpose, CreatedAt: now.UTC()}
}

// manageURL is the address of a manage page.
func (s *Service) manageURL(token string) string { return s.baseURL + "/r/" + token }

// tell queues kind about registration r to its person p with a fresh manage
// link, and returns the link's token ("" when nobody is written to).
func (s *Service) tell(tx *gorm.DB, kind string, a *activities.Activity, r *Registration, p *people.Person, now time.Time) (string, error) {
	if p == nil || p.Email == nil {
		return "", nil
	}
	token, link := newLink(r.ID, LinkManage, now)
	m, ok, err := s.notice(tx, letter{kind: kind, a: a, r: r, to: *p.Email, name: p.GivenName, locale: r.Locale, url: s.manageURL(token)})
	if err != nil || !ok {
		return "", err
	}
	if err := tx.Create(&link).Error; err != nil {
		return "", fmt.Errorf("registration: unable to create a link: %w", err)
	}
	return token, outbox.Enqueue(tx, m)
}

// notify is tell for a registration whose person is read by id.
func (s *Service) notify(tx *gorm.DB, kind string, a *activities.Activity, r *Registration, now time.Time) error {
	if r.PersonID == nil {
		return nil // erased: nobody to tell
	}
	var p people.Person
	if err := tx.Take(&p, *r.PersonID).Error; err != nil {
		return fmt.Errorf("registration: unable to read the person of %d: %w", r.ID, err)
	}
	_, err := s.tell(tx, kind, a, r, &p, now)
	return err
}
