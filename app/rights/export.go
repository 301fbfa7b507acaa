package rights

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/registration"
	"gorm.io/gorm"
)

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
	Mailings      []Mailing         `json:"mailings"`
	Certificates  []Certificate     `json:"certificates"`
	Surveys       []Survey          `json:"surveys"`
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
	NewsAt         *time.Time `json:"news_at"` // since when consent to news stands; null when it does not
	Source         string     `json:"source"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Consent is a line of the consent history.
type Consent struct {
	Given   bool      `json:"given"`
	Version string    `json:"version"`
	Source  string    `json:"source"`
	Purpose string    `json:"purpose"` // people.ConsentToData, or a guardian's consent to a place
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
	ActivityHours    float64           `json:"activity_hours"` // what attending counts for on the path (to the quarter hour)
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
	Guardian         string            `json:"guardian"`      // not_needed, pending, given or refused
	GuardianName     string            `json:"guardian_name"` // whom the person named, when one was needed
	GuardianNote     string            `json:"guardian_note"` // how staff received the guardian's answer otherwise
	Answers          []Answer          `json:"answers"`       // to the activity's questions, sealed ones opened
}

// Answer is the answer given to one of an activity's questions.
type Answer struct {
	Question string            `json:"question"` // its id
	Label    map[string]string `json:"label"`    // the question, by language
	Value    json.RawMessage   `json:"value"`
}

// Signature is one signed petition.
type Signature struct {
	PetitionID     int64     `json:"petition_id"`
	PetitionSlug   string    `json:"petition_slug"`
	Region         string    `json:"region"`
	ConsentVersion string    `json:"consent_version"`
	SignedAt       time.Time `json:"signed_at"`
}

// Mailing is a mailing the person was among the recipients of.
type Mailing struct {
	MailingID      int64      `json:"mailing_id"`
	Name           string     `json:"name"`
	Status         string     `json:"status"` // of their message: queued, sent, failed or skipped
	SentAt         *time.Time `json:"sent_at"`
	UnsubscribedAt *time.Time `json:"unsubscribed_at"` // through this mailing's link
}

// Certificate is one of the person's certificates of attendance.
type Certificate struct {
	Code           string            `json:"code"` // as printed
	RegistrationID int64             `json:"registration_id"`
	ActivityID     int64             `json:"activity_id"`
	ActivityTitle  map[string]string `json:"activity_title"` // by language
	FullTitle      bool              `json:"full_title"`     // a discreet activity is named in full on it
	Locale         string            `json:"locale"`
	IssuedAt       time.Time         `json:"issued_at"`
}

// Survey is a survey the person was invited to. Answers are theirs to a
// survey that is not anonymous; an anonymous one's answers are linked to
// nobody, so no export can find them.
type Survey struct {
	SurveyID      int64             `json:"survey_id"`
	Kind          string            `json:"kind"`
	Anonymous     bool              `json:"anonymous"`
	ActivityID    int64             `json:"activity_id"`
	ActivityTitle map[string]string `json:"activity_title"` // by language
	InvitedAt     time.Time         `json:"invited_at"`
	Answered      bool              `json:"answered"`
	Answers       []SurveyAnswer    `json:"answers"` // null for an anonymous survey
}

// SurveyAnswer is the answer to one question of a survey: a value on its
// scale, or a text.
type SurveyAnswer struct {
	Question string `json:"question"`
	Value    *int   `json:"value"`
	Text     string `json:"text"`
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
		Signatures: []Signature{}, Mailings: []Mailing{}, Certificates: []Certificate{}, Surveys: []Survey{},
		Audit: []AuditEntry{}}
	type object struct{ kind, id string }
	var objects []object
	if p != nil {
		out.Person = &Person{ID: p.ID, GivenName: p.GivenName, FamilyName: p.FamilyName, Email: p.Email, Phone: p.Phone,
			BirthYear: p.BirthYear, Region: p.Region, Locality: p.Locality, Locale: p.Locale, Handle: p.Handle,
			Volunteer: p.Volunteer, ConsentVersion: p.ConsentVersion, ConsentAt: p.ConsentAt, NewsAt: p.NewsAt, Source: p.Source,
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
			out.Consents = append(out.Consents, Consent{Given: c.Given, Version: c.Version, Source: c.Source, Purpose: c.Purpose, At: c.At})
		}
		if out.Registrations, err = s.registrationsOf(db, p.ID); err != nil {
			return nil, err
		}
		if out.Signatures, err = signaturesOf(db, p.ID); err != nil {
			return nil, err
		}
		if out.Mailings, err = mailingsOf(db, p.ID); err != nil {
			return nil, err
		}
		if out.Certificates, err = certificatesOf(db, p.ID); err != nil {
			return nil, err
		}
		if out.Surveys, err = surveysOf(db, p.ID); err != nil {
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
	if err := activities.WithTexts(db).Where("id IN ?", ids).Find(&acts).Error; err != nil {
		return nil, fmt.Errorf("rights: unable to read activities: %w", err)
	}
	byID := make(map[int64]*activities.Activity, len(acts))
	for i := range acts {
		byID[acts[i].ID] = &acts[i]
	}
	answers, err := s.registrations.AnswersOfPerson(db, personID)
	if err != nil {
		return nil, err
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
			CancelledAt: r.CancelledAt, UpdatedAt: r.UpdatedAt, Guardian: r.Guardian, GuardianName: r.GuardianName, GuardianNote: r.GuardianNote}
		e.Answers = []Answer{}
		if a := byID[r.ActivityID]; a != nil {
			for _, q := range a.Questions {
				if v, ok := answers[r.ID][q.Key]; ok {
					e.Answers = append(e.Answers, Answer{Question: q.Key, Label: q.Label, Value: v})
				}
			}
			e.ActivitySlug, e.ActivityStartsAt, e.ActivityEndsAt = a.Slug, a.StartsAt, a.EndsAt
			e.ActivityHours = activities.Hours(activities.CreditMinutes(a))
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

func mailingsOf(db *gorm.DB, personID int64) ([]Mailing, error) {
	out := []Mailing{}
	err := db.Table("mailing_recipients").
		Select("mailing_recipients.mailing_id, mailings.name, mailing_recipients.status, mailing_recipients.sent_at, mailing_recipients.unsubscribed_at").
		Joins("JOIN mailings ON mailings.id = mailing_recipients.mailing_id").
		Where("mailing_recipients.person_id = ?", personID).Order("mailing_recipients.id DESC").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("rights: unable to read mailings: %w", err)
	}
	return out, nil
}

// certificatesOf lists a person's certificates, oldest first, with their
// activities' titles.
func certificatesOf(db *gorm.DB, personID int64) ([]Certificate, error) {
	var rows []struct {
		path.Certificate
		ActivityID int64
	}
	err := db.Table("certificates").Select("certificates.*, registrations.activity_id").
		Joins("JOIN registrations ON registrations.id = certificates.registration_id").
		Where("certificates.person_id = ?", personID).Order("certificates.issued_at, certificates.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("rights: unable to read certificates: %w", err)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ActivityID
	}
	titles, err := activityTitles(db, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Certificate, len(rows))
	for i, r := range rows {
		out[i] = Certificate{Code: path.FormatCode(r.Code), RegistrationID: r.RegistrationID, ActivityID: r.ActivityID,
			ActivityTitle: titles[r.ActivityID], FullTitle: r.FullTitle, Locale: r.Locale, IssuedAt: r.IssuedAt}
	}
	return out, nil
}

// surveysOf lists the surveys a person was invited to, the newest
// invitation first, with their activities' titles read in one query.
func surveysOf(db *gorm.DB, personID int64) ([]Survey, error) {
	rows, err := path.SurveysOf(db, personID)
	if err != nil {
		return nil, err
	}
	out := make([]Survey, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ActivityID
	}
	titles, err := activityTitles(db, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		sv := Survey{SurveyID: r.SurveyID, Kind: r.Kind, Anonymous: r.Anonymous, ActivityID: r.ActivityID,
			ActivityTitle: titles[r.ActivityID], InvitedAt: r.InvitedAt, Answered: r.Answered}
		if !r.Anonymous {
			sv.Answers = []SurveyAnswer{}
			for _, a := range r.Answers {
				sv.Answers = append(sv.Answers, SurveyAnswer{Question: a.Question, Value: a.Value, Text: a.Text})
			}
		}
		out = append(out, sv)
	}
	return out, nil
}

// activityTitles reads the titles of activities ids by language, in one
// query; each activity has a map, empty when it has no title.
func activityTitles(db *gorm.DB, ids []int64) (map[int64]map[string]string, error) {
	out := make(map[int64]map[string]string, len(ids))
	for _, id := range ids {
		out[id] = map[string]string{}
	}
	if len(ids) == 0 {
		return out, nil
	}
	var texts []activities.Translation
	if err := db.Where("activity_id IN ? AND title <> ''", ids).Find(&texts).Error; err != nil {
		return nil, fmt.Errorf("rights: unable to read the titles of activities: %w", err)
	}
	for _, t := range texts {
		out[t.ActivityID][t.Locale] = t.Title
	}
	return out, nil
}
