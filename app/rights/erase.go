package rights

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/formlimit"
	"github.com/gotong/gotong/app/mailaddr"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/registration"
	"gorm.io/gorm"
)

// maxTries bounds the runs of an erasure that keeps meeting registrations
// of the same person (registration.ErrRaced).
const maxTries = 5

// Erasure counts what an erasure did; the audit log keeps these counts and
// nothing else.
type Erasure struct {
	RegistrationsCancelled int  `json:"registrations_cancelled"` // live, at activities not yet ended
	RegistrationsKept      int  `json:"registrations_kept"`      // every registration row, now anonymous
	SignaturesKept         int  `json:"signatures_kept"`
	AccountsDeleted        int  `json:"accounts_deleted"`
	AccountsUnlinked       int  `json:"accounts_unlinked"`
	MessagesDeleted        int  `json:"messages_deleted"`
	Self                   bool `json:"-"` // the actor's own account went with it

	// Survey invitations, and responses to surveys that were not anonymous.
	SurveyInvitationsDeleted int `json:"survey_invitations_deleted"`
	SurveyResponsesDeleted   int `json:"survey_responses_deleted"`
}

func (e Erasure) details() map[string]any {
	return map[string]any{"registrations_cancelled": e.RegistrationsCancelled, "registrations_kept": e.RegistrationsKept,
		"signatures_kept": e.SignaturesKept, "accounts_deleted": e.AccountsDeleted,
		"accounts_unlinked": e.AccountsUnlinked, "messages_deleted": e.MessagesDeleted,
		"survey_invitations_deleted": e.SurveyInvitationsDeleted, "survey_responses_deleted": e.SurveyResponsesDeleted}
}

// Erase removes person personID, as actorID, in one transaction:
//   - each live registration at an activity not yet ended is cancelled
//     through the registration service, so its seat goes to the waitlist;
//   - every registration row stays as an anonymous count (the person's id
//     becomes NULL), its sealed declaration and its guardian's name and
//     address dropped, its private links deleted; signatures stay too;
//   - the person goes, and with them their sensitive attributes, tags and
//     consent history;
//   - the queued and sent email to their addresses goes, and so do the
//     short-lived counters of forms and sign-ins that hold them;
//   - their survey invitations go, and their responses to surveys that were
//     not anonymous; an anonymous response, linked to nobody, stays as it
//     is (path.EraseSurveys);
//   - their user accounts go when the account is the actor's own (erasing
//     oneself) or serves only the person (no role beyond participant);
//     staff and partner accounts are unlinked and kept. The account of the
//     last administrator is never deleted (ErrLastAdmin);
//   - person.erase is written to the audit log with the counts only.
func (s *Service) Erase(ctx context.Context, actorID, personID int64) (Erasure, error) {
	var out Erasure
	var moved []int64
	err := s.retry(ctx, func(tx *gorm.DB) error {
		out, moved = Erasure{}, nil
		var p people.Person
		if err := tx.Take(&p, personID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return apperr.ErrNotFound
			}
			return fmt.Errorf("rights: unable to read person %d: %w", personID, err)
		}
		accounts, err := accountsOf(tx, &p)
		if err != nil {
			return err
		}
		// The addresses that go: the person's, and those of the accounts
		// that go with them.
		var emails []string
		if p.Email != nil {
			emails = append(emails, *p.Email)
		}
		for i := range accounts {
			if u := &accounts[i]; u.ID == actorID || servesOnlyThePerson(u) {
				emails = append(emails, u.Email)
			}
		}
		// Locks in a registration's order: the activities, then the person
		// (WithdrawPerson), then the form counter of the email (a
		// registration counts its notices last).
		w, err := s.registrations.WithdrawPerson(tx, personID)
		if err != nil {
			return err
		}
		if err := deleteCounters(tx, emails); err != nil {
			return err
		}
		out.RegistrationsCancelled, moved = w.Cancelled, w.Activities
		// The private links to their registrations die, and what the rows
		// kept of them goes: the answers, the declaration, the guardian they named.
		if err := registration.EraseAnswers(tx, personID); err != nil {
			return err
		}
		surveys, err := path.EraseSurveys(tx, personID)
		if err != nil {
			return err
		}
		out.SurveyInvitationsDeleted, out.SurveyResponsesDeleted = surveys.Invitations, surveys.Responses
		mine := tx.Model(&registration.Registration{}).Select("id").Where("person_id = ?", personID)
		if err := tx.Where("registration_id IN (?)", mine).Delete(&registration.Link{}).Error; err != nil {
			return fmt.Errorf("rights: unable to delete private links: %w", err)
		}
		kept := tx.Model(&registration.Registration{}).Where("person_id = ?", personID).
			Updates(map[string]any{"declared_sensitive": nil, "guardian_name": "", "guardian_email": "", "guardian_note": ""})
		if kept.Error != nil {
			return fmt.Errorf("rights: unable to drop declarations: %w", kept.Error)
		}
		var n int64
		if err := tx.Model(&registration.Registration{}).Where("person_id = ?", personID).Count(&n).Error; err != nil {
			return fmt.Errorf("rights: unable to count registrations: %w", err)
		}
		out.RegistrationsKept = int(n)
		if err := tx.Model(&petitions.Signature{}).Where("person_id = ?", personID).Count(&n).Error; err != nil {
			return fmt.Errorf("rights: unable to count signatures: %w", err)
		}
		out.SignaturesKept = int(n)
		for i := range accounts {
			u := &accounts[i]
			self := u.ID == actorID
			if self || servesOnlyThePerson(u) {
				if err := deleteAccount(tx, u); err != nil {
					return err
				}
				out.AccountsDeleted++
				out.Self = out.Self || self
				continue
			}
			if u.PersonID != nil && *u.PersonID == personID {
				if err := tx.Model(&auth.User{}).Where("id = ?", u.ID).
					Updates(map[string]any{"person_id": nil, "updated_at": s.now()}).Error; err != nil {
					return fmt.Errorf("rights: unable to unlink account %d: %w", u.ID, err)
				}
				out.AccountsUnlinked++
			}
		}
		if out.MessagesDeleted, err = deleteMail(tx, emails); err != nil {
			return err
		}
		res := tx.Delete(&people.Person{}, personID)
		if res.Error != nil {
			return fmt.Errorf("rights: unable to delete person %d: %w", personID, res.Error)
		}
		if res.RowsAffected == 0 {
			return apperr.ErrNotFound // erased by another request meanwhile
		}
		return audit.Record(tx, actorID, "person.erase", "person", strconv.FormatInt(personID, 10), out.details())
	})
	if err != nil {
		return Erasure{}, err
	}
	s.registrations.Moved(moved...)
	return out, nil
}

// EraseUser is a user's erasure of their own data: their person record
// when they have one (as Erase does it), and their account, its sessions and
// tokens in any case. A user without a person record has the account erased
// alone, written to the audit log as account.erase.
func (s *Service) EraseUser(ctx context.Context, userID int64) (Erasure, error) {
	_, p, err := userAndPerson(s.db.WithContext(ctx), userID)
	if err != nil {
		return Erasure{}, err
	}
	if p != nil {
		out, err := s.Erase(ctx, userID, p.ID)
		if !errors.Is(err, apperr.ErrNotFound) {
			return out, err
		}
		// The person went meanwhile: the account remains to erase.
	}
	var out Erasure
	err = database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		out = Erasure{Self: true}
		var u auth.User
		if err := tx.Preload("Roles").Take(&u, userID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return apperr.ErrNotFound
			}
			return fmt.Errorf("rights: unable to read user %d: %w", userID, err)
		}
		if err := deleteAccount(tx, &u); err != nil {
			return err
		}
		out.AccountsDeleted = 1
		if err := deleteCounters(tx, []string{u.Email}); err != nil {
			return err
		}
		var err error
		if out.MessagesDeleted, err = deleteMail(tx, []string{u.Email}); err != nil {
			return err
		}
		return audit.Record(tx, userID, "account.erase", "user", strconv.FormatInt(userID, 10), out.details())
	})
	if err != nil {
		return Erasure{}, err
	}
	return out, nil
}

// retry runs fn in a transaction, again while it meets a registration of
// the same person (registration.ErrRaced), at most maxTries times.
func (s *Service) retry(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var err error
	for range maxTries {
		if err = database.Tx(ctx, s.db, fn); !errors.Is(err, registration.ErrRaced) {
			return err
		}
	}
	return fmt.Errorf("rights: unable to erase after %d tries: %w", maxTries, err)
}

// servesOnlyThePerson reports whether an account exists only for its
// person: it holds no role beyond participant.
func servesOnlyThePerson(u *auth.User) bool {
	for _, r := range u.Roles {
		if r.Role != access.Participant {
			return false
		}
	}
	return true
}

// deleteAccount deletes a user within tx; role assignments, API tokens and
// sessions go with it (foreign keys). The last enabled administrator is
// refused: the administrators' assignments are locked first, so that two of them erasing themselves at once cannot both go.
func deleteAccount(tx *gorm.DB, u *auth.User) error {
	if u.HasRole(access.Admin) && u.DisabledAt == nil {
		q := database.ForUpdate(tx.Model(&auth.RoleAssignment{}).Where("role = ?", access.Admin))
		var admins []auth.RoleAssignment
		if err := q.Find(&admins).Error; err != nil {
			return fmt.Errorf("rights: unable to read the administrators: %w", err)
		}
		ids := make([]int64, 0, len(admins))
		for _, a := range admins {
			ids = append(ids, a.UserID)
		}
		var others int64
		if err := tx.Model(&auth.User{}).Where("id IN ? AND id <> ? AND disabled_at IS NULL", ids, u.ID).
			Count(&others).Error; err != nil {
			return fmt.Errorf("rights: unable to count the administrators: %w", err)
		}
		if others == 0 {
			return ErrLastAdmin
		}
	}
	if err := tx.Delete(&auth.User{}, u.ID).Error; err != nil {
		return fmt.Errorf("rights: unable to delete account %d: %w", u.ID, err)
	}
	return nil
}

// deleteMail deletes the queued and sent email to any of emails and says
// how many went. Addresses are queued case-folded, as people's are kept;
// LOWER catches one queued otherwise.
func deleteMail(tx *gorm.DB, emails []string) (int, error) {
	folded := normalized(emails)
	if len(folded) == 0 {
		return 0, nil
	}
	res := tx.Where("LOWER(to_address) IN ?", folded).Delete(&outbox.Message{})
	if res.Error != nil {
		return 0, fmt.Errorf("rights: unable to delete email: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// deleteCounters deletes the short-lived counters that name any of emails:
// the per-email limits of public forms and of failed sign-ins, and the
// limits of failed sign-ins per email and address.
func deleteCounters(tx *gorm.DB, emails []string) error {
	var keys []string
	var pairs []any
	for _, e := range normalized(emails) {
		keys = append(keys, formlimit.Key(e), auth.LoginLimitKey(e))
		pairs = append(pairs, auth.LoginPairPattern(e))
	}
	if len(keys) == 0 {
		return nil
	}
	if err := tx.Where("key IN ?", keys).Delete(&formlimit.Counter{}).Error; err != nil {
		return fmt.Errorf("rights: unable to delete form counters: %w", err)
	}
	query := "DELETE FROM rate_limits WHERE id IN ?" + strings.Repeat(" OR id LIKE ?", len(pairs))
	if err := tx.Exec(query, append([]any{keys}, pairs...)...).Error; err != nil {
		return fmt.Errorf("rights: unable to delete sign-in counters: %w", err)
	}
	return nil
}

// normalized is emails trimmed and case-folded, without the empty ones.
func normalized(emails []string) []string {
	out := make([]string, 0, len(emails))
	for _, e := range emails {
		if e = mailaddr.Normalize(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}
