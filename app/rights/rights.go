// Package rights serves a person's rights over what Gotong holds about them:
// a copy of all of it (Export), and its erasure (Erase), which removes the
// person and keeps only anonymous counts. It sits above people,
// registration, petitions and auth, and reads their tables; none of them
// knows it.
package rights

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/formlimit"
	"github.com/gotong/gotong/app/mailaddr"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/registration"
	"gorm.io/gorm"
)

// Service exports and erases people's data.
type Service struct {
	db            *gorm.DB
	people        *people.Store
	registrations *registration.Service
	now           clock.Clock
}

// New returns the service over db, opening sealed values with ps and
// cancelling registrations through rs; now dates exports and erasures.
func New(db *gorm.DB, ps *people.Store, rs *registration.Service, now clock.Clock) *Service {
	return &Service{db: db, people: ps, registrations: rs, now: now}
}

// ErrLastAdmin refuses to delete the account of the last administrator:
// nobody would be left to manage users or read the audit log.
var ErrLastAdmin = apperr.New(apperr.Conflict, "error_erase_last_admin")

// maxTries bounds the runs of an erasure that keeps meeting registrations
// of the same person (registration.ErrRaced).
const maxTries = 5

// Export is everything Gotong holds about one person, ready for JSON. Person
// is nil for an account without a person record. Secrets (password hashes,
// API tokens, sessions) are never part of it.
type Export struct {
	ExportedAt    time.Time         `json:"exported_at"`
	Person        *Person           `json:"person"`
	Sensitive     *people.Sensitive `json:"sensitive"`
	Tags          []string          `json:"tags"`
	Consents      []Consent         `json:"consents"`
	Registrations []Registration    `json:"registrations"`
	Signatures    []Signature       `json:"signatures"`
	Account       *Account          `json:"account"`
	Audit         []AuditEntry      `json:"audit"`
}

// Person is the person record.
type Person struct {
	ID             int64      `json:"id"`
	GivenName      string     `json:"given_name"`
	FamilyName     string     `json:"family_name"`
	Email          *string    `json:"email"`
	Phone          string     `json:"phone"`
	BirthYear      *int       `json:"birth_year"`
	Region         string     `json:"region"`
	Locality       string     `json:"locality"`
	Locale         string     `json:"locale"`
	Handle         string     `json:"handle"`
	Volunteer      bool       `json:"volunteer"`
	ConsentVersion string     `json:"consent_version"`
	ConsentAt      *time.Time `json:"consent_at"`
	Source         string     `json:"source"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Consent is a line of the consent history.
type Consent struct {
	Given   bool      `json:"given"`
	Version string    `json:"version"`
	Source  string    `json:"source"`
	At      time.Time `json:"at"`
}

// Registration is one registration with its activity.
type Registration struct {
	ID               int64             `json:"id"`
	ActivityID       int64             `json:"activity_id"`
	ActivitySlug     string            `json:"activity_slug"`
	ActivityTitle    map[string]string `json:"activity_title"` // by language
	ActivityStartsAt time.Time         `json:"activity_starts_at"`
	ActivityEndsAt   time.Time         `json:"activity_ends_at"`
	Status           string            `json:"status"`
	Pool             *string           `json:"pool"`
	Attended         *bool             `json:"attended"`
	DeclaredLocality string            `json:"declared_locality"`
	Declared         people.Sensitive  `json:"declared"` // what the form declared in confidence
	Locale           string            `json:"locale"`
	ConsentVersion   string            `json:"consent_version"`
	ConsentAt        time.Time         `json:"consent_at"`
	RegisteredAt     time.Time         `json:"registered_at"`
	CancelledAt      *time.Time        `json:"cancelled_at"`
	UpdatedAt        time.Time         `json:"updated_at"`
}

// Signature is one signed petition.
type Signature struct {
	PetitionID     int64     `json:"petition_id"`
	PetitionSlug   string    `json:"petition_slug"`
	Region         string    `json:"region"`
	ConsentVersion string    `json:"consent_version"`
	SignedAt       time.Time `json:"signed_at"`
}

// Account is the user account, without its password hash or tokens.
type Account struct {
	ID          int64     `json:"id"`
	Email       string    `json:"email"`
	DisplayName string    `json:"display_name"`
	Locale      string    `json:"locale"`
	PartnerID   *int64    `json:"partner_id"`
	Disabled    bool      `json:"disabled"`
	Roles       []Role    `json:"roles"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Role is a role held in a scope.
type Role struct {
	Role  string `json:"role"`
	Scope string `json:"scope"`
}

// AuditEntry is a line of the audit log about the person or the account.
// Who wrote it is left out: the staff's accounts are not the person's data.
type AuditEntry struct {
	At         time.Time       `json:"at"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Details    json.RawMessage `json:"details"`
}

// Export gathers everything held about person personID, the sensitive
// attributes opened, without writing anything. Unknown people are
// apperr.ErrNotFound.
func (s *Service) Export(ctx context.Context, personID int64) (*Export, error) {
	db := s.db.WithContext(ctx)
	var p people.Person
	if err := db.Take(&p, personID).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, apperr.ErrNotFound
		}
		return nil, fmt.Errorf("rights: unable to read person %d: %w", personID, err)
	}
	accounts, err := accountsOf(db, &p)
	if err != nil {
		return nil, err
	}
	var account *auth.User
	if len(accounts) > 0 {
		account = &accounts[0]
	}
	return s.export(db, &p, account)
}

// ExportAudited is Export for a member of the staff, written to the audit
// log as person.export with actorID.
func (s *Service) ExportAudited(ctx context.Context, actorID, personID int64) (*Export, error) {
	out, err := s.Export(ctx, personID)
	if err != nil {
		return nil, err
	}
	if err := audit.Record(s.db.WithContext(ctx), actorID, "person.export", "person", strconv.FormatInt(personID, 10),
		map[string]any{"registrations": len(out.Registrations), "signatures": len(out.Signatures)}); err != nil {
		return nil, err
	}
	return out, nil
}

// ExportUser is a user's download of their own data: their account and,
// when they have one, their person record (the one linked to the account,
// else the one with the account's email).
func (s *Service) ExportUser(ctx context.Context, userID int64) (*Export, error) {
	db := s.db.WithContext(ctx)
	u, p, err := userAndPerson(db, userID)
	if err != nil {
		return nil, err
	}
	return s.export(db, p, u)
}

// export gathers the data of person p (nil for none) and account u (nil for
// none).
func (s *Service) export(db *gorm.DB, p *people.Person, u *auth.User) (*Export, error) {
	out := &Export{ExportedAt: s.now(), Tags: []string{}, Consents: []Consent{}, Registrations: []Registration{},
		Signatures: []Signature{}, Audit: []AuditEntry{}}
	type object struct{ kind, id string }
	var objects []object
	if p != nil {
		out.Person = &Person{ID: p.ID, GivenName: p.GivenName, FamilyName: p.FamilyName, Email: p.Email, Phone: p.Phone,
			BirthYear: p.BirthYear, Region: p.Region, Locality: p.Locality, Locale: p.Locale, Handle: p.Handle,
			Volunteer: p.Volunteer, ConsentVersion: p.ConsentVersion, ConsentAt: p.ConsentAt, Source: p.Source,
			CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
		sens, err := s.people.OpenSensitive(db, p.ID)
		if err != nil {
			return nil, fmt.Errorf("rights: unable to open the sensitive attributes of %d: %w", p.ID, err)
		}
		out.Sensitive = &sens
		tags, err := people.TagsOf(db, []int64{p.ID})
		if err != nil {
			return nil, err
		}
		if t := tags[p.ID]; t != nil {
			out.Tags = t
		}
		var consents []people.Consent
		if err := db.Where("person_id = ?", p.ID).Order("at, id").Find(&consents).Error; err != nil {
			return nil, fmt.Errorf("rights: unable to read consents: %w", err)
		}
		for _, c := range consents {
			out.Consents = append(out.Consents, Consent{Given: c.Given, Version: c.Version, Source: c.Source, At: c.At})
		}
		if out.Registrations, err = s.registrationsOf(db, p.ID); err != nil {
			return nil, err
		}
		if out.Signatures, err = signaturesOf(db, p.ID); err != nil {
			return nil, err
		}
		objects = append(objects, object{"person", strconv.FormatInt(p.ID, 10)})
	}
	if u != nil {
		a := &Account{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Locale: u.Locale, PartnerID: u.PartnerID,
			Disabled: u.DisabledAt != nil, Roles: []Role{}, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
		for _, r := range u.Roles {
			a.Roles = append(a.Roles, Role{Role: r.Role, Scope: r.Scope})
		}
		out.Account = a
		objects = append(objects, object{"user", strconv.FormatInt(u.ID, 10)})
	}
	for _, o := range objects {
		var entries []audit.Entry
		if err := db.Where("object_type = ? AND object_id = ?", o.kind, o.id).Order("id").Find(&entries).Error; err != nil {
			return nil, fmt.Errorf("rights: unable to read the audit log: %w", err)
		}
		for _, e := range entries {
			out.Audit = append(out.Audit, AuditEntry{At: e.At, Action: e.Action, ObjectType: e.ObjectType,
				ObjectID: e.ObjectID, Details: json.RawMessage(e.Details)})
		}
	}
	slices.SortStableFunc(out.Audit, func(a, b AuditEntry) int { return a.At.Compare(b.At) })
	return out, nil
}

// registrationsOf lists a person's registrations, newest first, with their
// activities read in one query.
func (s *Service) registrationsOf(db *gorm.DB, personID int64) ([]Registration, error) {
	var rows []registration.Registration
	if err := db.Where("person_id = ?", personID).Order("id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("rights: unable to read registrations: %w", err)
	}
	out := make([]Registration, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ActivityID
	}
	var acts []activities.Activity
	if err := db.Preload("Translations").Where("id IN ?", ids).Find(&acts).Error; err != nil {
		return nil, fmt.Errorf("rights: unable to read activities: %w", err)
	}
	byID := make(map[int64]*activities.Activity, len(acts))
	for i := range acts {
		byID[acts[i].ID] = &acts[i]
	}
	for i := range rows {
		r := &rows[i]
		declared, err := s.registrations.Declaration(r)
		if err != nil {
			return nil, fmt.Errorf("rights: unable to open the declaration of registration %d: %w", r.ID, err)
		}
		e := Registration{ID: r.ID, ActivityID: r.ActivityID, ActivityTitle: map[string]string{}, Status: r.Status,
			Pool: r.Pool, Attended: r.Attended, DeclaredLocality: r.DeclaredLocality, Declared: declared,
			Locale: r.Locale, ConsentVersion: r.ConsentVersion, ConsentAt: r.ConsentAt, RegisteredAt: r.CreatedAt,
			CancelledAt: r.CancelledAt, UpdatedAt: r.UpdatedAt}
		if a := byID[r.ActivityID]; a != nil {
			e.ActivitySlug, e.ActivityStartsAt, e.ActivityEndsAt = a.Slug, a.StartsAt, a.EndsAt
			for _, t := range a.Translations {
				if t.Title != "" {
					e.ActivityTitle[t.Locale] = t.Title
				}
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// signaturesOf lists a person's signatures, newest first.
func signaturesOf(db *gorm.DB, personID int64) ([]Signature, error) {
	var rows []struct {
		petitions.Signature
		Slug string
	}
	err := db.Table("signatures").Select("signatures.*, petitions.slug").
		Joins("JOIN petitions ON petitions.id = signatures.petition_id").
		Where("signatures.person_id = ?", personID).Order("signatures.signed_at DESC, signatures.id DESC").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("rights: unable to read signatures: %w", err)
	}
	out := make([]Signature, len(rows))
	for i, r := range rows {
		out[i] = Signature{PetitionID: r.PetitionID, PetitionSlug: r.Slug, Region: r.Region,
			ConsentVersion: r.ConsentVersion, SignedAt: r.SignedAt}
	}
	return out, nil
}

// accountsOf returns the user accounts of person p, with their roles: those
// linked to the person, then the one with the person's email, in id order
// within each.
func accountsOf(db *gorm.DB, p *people.Person) ([]auth.User, error) {
	q := db.Preload("Roles").Where("person_id = ?", p.ID)
	if p.Email != nil {
		q = q.Or("email = ?", *p.Email)
	}
	var users []auth.User
	if err := q.Order("id").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("rights: unable to read the accounts of person %d: %w", p.ID, err)
	}
	slices.SortStableFunc(users, func(a, b auth.User) int {
		linked := func(u auth.User) int {
			if u.PersonID != nil && *u.PersonID == p.ID {
				return 0
			}
			return 1
		}
		return linked(a) - linked(b)
	})
	return users, nil
}

// userAndPerson returns a user with roles and their person record: the one
// linked to the account, else the one with the account's email, else nil.
func userAndPerson(db *gorm.DB, userID int64) (*auth.User, *people.Person, error) {
	var u auth.User
	if err := db.Preload("Roles").Take(&u, userID).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil, apperr.ErrNotFound
		}
		return nil, nil, fmt.Errorf("rights: unable to read user %d: %w", userID, err)
	}
	var found []people.Person
	q := db.Where("email = ?", u.Email)
	if u.PersonID != nil {
		q = db.Where("id = ?", *u.PersonID)
	}
	if err := q.Limit(1).Find(&found).Error; err != nil {
		return nil, nil, fmt.Errorf("rights: unable to read the person of user %d: %w", userID, err)
	}
	if len(found) == 0 {
		return &u, nil, nil
	}
	return &u, &found[0], nil
}

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
}

func (e Erasure) details() map[string]any {
	return map[string]any{"registrations_cancelled": e.RegistrationsCancelled, "registrations_kept": e.RegistrationsKept,
		"signatures_kept": e.SignaturesKept, "accounts_deleted": e.AccountsDeleted,
		"accounts_unlinked": e.AccountsUnlinked, "messages_deleted": e.MessagesDeleted}
}

// Erase removes person personID, as actorID, in one transaction:
//   - each live registration at an activity not yet ended is cancelled
//     through the registration service, so its seat goes to the waitlist;
//   - every registration row stays as an anonymous count (the person's id
//     becomes NULL), its sealed declaration dropped; signatures stay too;
//   - the person goes, and with them their sensitive attributes, tags and
//     consent history;
//   - the queued and sent email to their addresses goes, and so do the
//     short-lived counters of forms and sign-ins that hold them;
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
		kept := tx.Model(&registration.Registration{}).Where("person_id = ?", personID).Update("declared_sensitive", nil)
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
