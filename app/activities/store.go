package activities

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/slug"
	"github.com/gotong/gotong/app/usertext"
	"gorm.io/gorm"
)

// MaxCapacity bounds an activity's seats.
const MaxCapacity = 100000

// Input is what creating or changing an activity may set; nil leaves a
// field as it is (or at its default when creating).
type Input struct {
	Slug                 *string
	Kind                 *string
	Audience             *string
	AgeMin               *int
	AgeMax               *int
	Mode                 *string
	Region               *string
	Venue                *string
	OnlineURL            *string
	StartsAt             *time.Time
	EndsAt               *time.Time
	RegistrationOpensAt  *time.Time
	RegistrationClosesAt *time.Time
	Capacity             *int
	Title                map[string]string
	Summary              map[string]string
	Description          map[string]string
	Quotas               *[]QuotaInput
	// Facilitators are the users who lead the activity; the caller checks
	// that they hold the facilitator role.
	Facilitators *[]int64
	// Partners are the partner organisations that co-host the activity;
	// the store checks that they exist.
	Partners *[]int64
	// Unset empties optional fields that nil would leave as they are:
	// "age_min", "age_max", "registration_opens_at", "registration_closes_at".
	// A form sends every field, so an empty one there means "no value".
	Unset []string
}

// QuotaInput is one quota rule as given.
type QuotaInput struct {
	Attribute quota.Attribute
	Share     float64
	ReleaseAt *time.Time
}

// Registrations is what the activities need of the registrations, inside
// the transaction that changes an activity (the registration service does
// it; an interface, so that this package need not know seat allocation).
type Registrations interface {
	// SetCapacity applies a changed capacity, or changed quotas, to the
	// seats of the activity.
	SetCapacity(tx *gorm.DB, activityID int64, capacity int) error
	// CancelAll cancels every registration of the activity, which is being
	// cancelled.
	CancelAll(tx *gorm.DB, activityID int64) error
}

// Changes is told after a commit that changed a published activity's page
// or seats, so that caches drop what they showed.
type Changes interface {
	ActivityChanged(activityID int64)
}

// Store reads and writes activities.
type Store struct {
	db            *gorm.DB
	registrations Registrations
	changes       Changes
	now           clock.Clock
}

// NewStore returns a store over db. Saving an activity applies its capacity
// to its registrations, cancelling it cancels them (both through
// registrations), changes hears of every committed change, and now dates
// status changes.
func NewStore(db *gorm.DB, registrations Registrations, changes Changes, now clock.Clock) *Store {
	return &Store{db: db, registrations: registrations, changes: changes, now: now}
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// apply merges in into a, checking every field; it reports all problems.
func apply(a *Activity, in Input, f apperr.Fields) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&a.Slug, in.Slug)
	set(&a.Kind, in.Kind)
	set(&a.Audience, in.Audience)
	set(&a.Mode, in.Mode)
	set(&a.Region, in.Region)
	set(&a.Venue, in.Venue)
	set(&a.OnlineURL, in.OnlineURL)
	if in.AgeMin != nil {
		a.AgeMin = in.AgeMin
	}
	if in.AgeMax != nil {
		a.AgeMax = in.AgeMax
	}
	if in.StartsAt != nil {
		a.StartsAt = in.StartsAt.UTC()
	}
	if in.EndsAt != nil {
		a.EndsAt = in.EndsAt.UTC()
	}
	if in.RegistrationOpensAt != nil {
		t := in.RegistrationOpensAt.UTC()
		a.RegistrationOpensAt = &t
	}
	if in.RegistrationClosesAt != nil {
		t := in.RegistrationClosesAt.UTC()
		a.RegistrationClosesAt = &t
	}
	if in.Capacity != nil {
		a.Capacity = *in.Capacity
	}
	for _, field := range in.Unset {
		switch field {
		case "age_min":
			a.AgeMin = nil
		case "age_max":
			a.AgeMax = nil
		case "registration_opens_at":
			a.RegistrationOpensAt = nil
		case "registration_closes_at":
			a.RegistrationClosesAt = nil
		}
	}
	a.Translations = i18n.MergeTexts(a.Translations, i18n.Texts{"title": in.Title, "summary": in.Summary, "description": in.Description}, f,
		func(t *Translation) string { return t.Locale },
		func(lang string) Translation { return Translation{ActivityID: a.ID, Locale: lang} },
		func(t *Translation, name string) *string {
			switch name {
			case "title":
				return &t.Title
			case "summary":
				return &t.Summary
			}
			return &t.Description
		})
	if in.Quotas != nil {
		a.Quotas = nil
		for i, q := range *in.Quotas {
			r := QuotaRule{ActivityID: a.ID, Position: i, Attribute: q.Attribute, Share: q.Share}
			if q.ReleaseAt != nil {
				t := q.ReleaseAt.UTC()
				r.ReleaseAt = &t
			}
			a.Quotas = append(a.Quotas, r)
		}
	}
	if in.Facilitators != nil {
		a.Facilitators = nil
		seen := map[int64]bool{}
		for _, id := range *in.Facilitators {
			if !seen[id] {
				seen[id] = true
				a.Facilitators = append(a.Facilitators, Facilitator{ActivityID: a.ID, UserID: id})
			}
		}
	}
	if in.Partners != nil {
		a.Partners = nil
		seen := map[int64]bool{}
		for _, id := range *in.Partners {
			if !seen[id] {
				seen[id] = true
				a.Partners = append(a.Partners, CoHost{ActivityID: a.ID, PartnerID: id})
			}
		}
	}
	validate(a, f)
}

// validate checks a whole activity.
func validate(a *Activity, f apperr.Fields) {
	if a.Slug != "" && !slug.Valid(a.Slug) {
		f.Add("slug", "error_slug")
	}
	if !oneOf(a.Kind, Kinds) {
		f.Add("kind", "error_kind_unknown")
	}
	if !oneOf(a.Audience, Audiences) {
		f.Add("audience", "error_audience_unknown")
	}
	if !oneOf(a.Mode, Modes) {
		f.Add("mode", "error_mode_unknown")
	}
	if a.Region != "" && !regions.Valid(a.Region) {
		f.Add("region", "error_region_unknown")
	}
	usertext.Check(f, "venue", a.Venue, usertext.Line)
	usertext.Check(f, "online_url", a.OnlineURL, usertext.Line)
	if utf8.RuneCountInString(a.Venue) > 200 {
		f.Add("venue", "error_too_long", "Max", 200)
	}
	if a.OnlineURL != "" {
		if u, err := url.Parse(a.OnlineURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			f.Add("online_url", "error_url")
		}
	}
	for _, age := range []struct {
		field string
		v     *int
	}{{"age_min", a.AgeMin}, {"age_max", a.AgeMax}} {
		if age.v != nil && (*age.v < 0 || *age.v > 120) {
			f.Add(age.field, "error_age_value")
		}
	}
	if a.AgeMin != nil && a.AgeMax != nil && *a.AgeMin > *a.AgeMax {
		f.Add("age_max", "error_age_order")
	}
	if a.StartsAt.IsZero() {
		f.Add("starts_at", "error_required")
	}
	if a.EndsAt.IsZero() {
		f.Add("ends_at", "error_required")
	} else if !a.StartsAt.IsZero() && !a.EndsAt.After(a.StartsAt) {
		f.Add("ends_at", "error_ends_before_starts")
	}
	if a.RegistrationOpensAt != nil && a.RegistrationClosesAt != nil && !a.RegistrationClosesAt.After(*a.RegistrationOpensAt) {
		f.Add("registration_closes_at", "error_closes_before_opens")
	}
	if a.RegistrationClosesAt != nil && !a.EndsAt.IsZero() && a.RegistrationClosesAt.After(a.EndsAt) {
		f.Add("registration_closes_at", "error_closes_after_end")
	}
	if a.Capacity < 1 || a.Capacity > MaxCapacity {
		f.Add("capacity", "error_capacity_range", "Max", MaxCapacity)
	}
	title := false
	for _, t := range a.Translations {
		title = title || t.Title != ""
		usertext.Check(f, "title", t.Title, usertext.Line)
		usertext.Check(f, "summary", t.Summary, usertext.Line)
		usertext.Check(f, "description", t.Description, usertext.Lines)
		if utf8.RuneCountInString(t.Title) > 200 {
			f.Add("title", "error_too_long", "Max", 200)
		}
		if utf8.RuneCountInString(t.Summary) > 500 {
			f.Add("summary", "error_too_long", "Max", 500)
		}
		if utf8.RuneCountInString(t.Description) > 20000 {
			f.Add("description", "error_too_long", "Max", 20000)
		}
	}
	if !title {
		f.Add("title", "error_title_required")
	}
	seen := map[quota.Attribute]bool{}
	reserved := 0
	for _, q := range a.Quotas {
		switch {
		case !quota.Valid(string(q.Attribute)):
			f.Add("quotas", "error_quota_attribute")
		case seen[q.Attribute]:
			f.Add("quotas", "error_quota_duplicate")
		case !(q.Share > 0 && q.Share <= 1):
			f.Add("quotas", "error_quota_share")
		}
		seen[q.Attribute] = true
		if q.Share > 0 && q.Share <= 1 && a.Capacity > 0 {
			reserved += ReservedSeats(a.Capacity, q.Share)
		}
	}
	if reserved > a.Capacity && a.Capacity > 0 {
		f.Add("quotas", "error_quota_total")
	}
}

// ReservedSeats mirrors registration.ReservedSeats (ceil with float slack),
// which this package cannot import; a test in registration holds the two equal.
func ReservedSeats(capacity int, share float64) int {
	n := int(float64(capacity)*share - 1e-9)
	if float64(n) < float64(capacity)*share-1e-9 {
		n++
	}
	if n > capacity {
		n = capacity
	}
	return n
}

// newActivity is a new activity before its input is applied.
func newActivity() *Activity {
	return &Activity{Audience: AudienceYouth, Mode: ModeInPerson, Status: StatusDraft}
}

// Check validates in as a new activity would be, storing nothing; a form
// uses it to report every problem at once beside its own parsing errors.
func Check(in Input) error {
	f := apperr.Fields{}
	apply(newActivity(), in, f)
	return f.Err()
}

// Create validates and stores a new draft activity. A missing slug is made
// from the English title, or the first title given, and made unique.
func (s *Store) Create(ctx context.Context, actorID int64, in Input) (*Activity, error) {
	a := newActivity()
	f := apperr.Fields{}
	apply(a, in, f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := checkPartners(tx, a.Partners); err != nil {
			return err
		}
		if a.Slug == "" {
			made, err := uniqueSlug(tx, slug.Make(a.TextIn("en", "en").Title))
			if err != nil {
				return err
			}
			a.Slug = made
		}
		if err := tx.Create(a).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return apperr.Fields{"slug": {ID: "error_slug_taken"}}.Err()
			}
			return fmt.Errorf("activities: unable to create: %w", err)
		}
		return audit.Record(tx, actorID, "activity.create", "activity", strconv.FormatInt(a.ID, 10), nil)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// checkPartners refuses, before anything is written, co-hosts that name no
// partner organisation. (PostgreSQL's foreign key would refuse them too,
// but as a server error, not as a field to correct.)
func checkPartners(tx *gorm.DB, hosts []CoHost) error {
	if len(hosts) == 0 {
		return nil
	}
	ids := make([]int64, len(hosts))
	for i, h := range hosts {
		ids[i] = h.PartnerID
	}
	names, err := partners.Names(tx, ids)
	if err != nil {
		return err
	}
	if len(names) != len(ids) {
		return apperr.Fields{"partner_ids": {ID: "error_partner_unknown"}}.Err()
	}
	return nil
}

func uniqueSlug(tx *gorm.DB, base string) (string, error) {
	if base == "" {
		base = "activity"
	}
	candidate := base
	for i := 2; ; i++ {
		var n int64
		if err := tx.Model(&Activity{}).Where("slug = ?", candidate).Count(&n).Error; err != nil {
			return "", err
		}
		if n == 0 {
			return candidate, nil
		}
		candidate = fmt.Sprintf("%s-%d", base, i)
	}
}

func (s *Store) get(tx *gorm.DB, query string, arg any) (*Activity, error) {
	var a Activity
	err := withPeople(WithTexts(WithRules(tx))).Where(query, arg).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("activities: unable to fetch: %w", err)
	}
	return &a, nil
}

// WithRules preloads an activity's quota rules in their order; everything
// that reads rules goes through it, since their order decides seats.
func WithRules(db *gorm.DB) *gorm.DB {
	return db.Preload("Quotas", func(db *gorm.DB) *gorm.DB { return db.Order("position") })
}

// withPeople preloads who leads and who co-hosts an activity.
func withPeople(db *gorm.DB) *gorm.DB { return db.Preload("Facilitators").Preload("Partners") }

// WithTexts preloads an activity's texts in every language.
func WithTexts(db *gorm.DB) *gorm.DB { return db.Preload("Translations") }

// Get returns one activity with its texts and rules.
func (s *Store) Get(ctx context.Context, id int64) (*Activity, error) {
	return s.get(s.db.WithContext(ctx), "id = ?", id)
}

// GetBySlug returns one activity by slug.
func (s *Store) GetBySlug(ctx context.Context, slug string) (*Activity, error) {
	return s.get(s.db.WithContext(ctx), "slug = ?", slug)
}

// Reached narrows a query whose column col holds an activity id to the
// activities v reaches on the staff's pages and API: staff every one, anyone
// else (a facilitator) only those they lead. Rosters, attendance and
// registrations go through it too, so one rule decides a facilitator's reach.
// (A partner member sees what its organisation co-hosts in its own space:
// see Counted.)
func Reached(v access.Viewer, col string) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if v.Staff {
			return q
		}
		return q.Where(col+" IN (SELECT activity_id FROM activity_facilitators WHERE user_id = ?)", v.UserID)
	}
}

// Counted is Reached widened, for a partner member, to the activities its
// organisation co-hosts: whose counts its space shows, never whose people.
func Counted(v access.Viewer, col string) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if v.Staff {
			return q
		}
		return q.Where("("+col+" IN (SELECT activity_id FROM activity_facilitators WHERE user_id = ?) OR "+
			col+" IN (SELECT activity_id FROM activity_partners WHERE partner_id = ?))", v.UserID, v.PartnerID)
	}
}

func reached(q *gorm.DB, v access.Viewer) *gorm.DB { return q.Scopes(Reached(v, "id")) }

// GetAs returns one activity if v reaches it; any other is not found, so
// ids do not leak.
func (s *Store) GetAs(ctx context.Context, v access.Viewer, id int64) (*Activity, error) {
	return s.get(reached(s.db.WithContext(ctx), v), "id = ?", id)
}

// ListAs is List narrowed to the activities v reaches.
func (s *Store) ListAs(ctx context.Context, v access.Viewer, f Filter) ([]Activity, error) {
	return s.list(reached(s.db.WithContext(ctx), v), f)
}

// Filter narrows a list of activities; zero values match all.
type Filter struct {
	Kind, Status, Region, Mode string
	// IDs, when not nil, keeps the activities with these ids.
	IDs []int64
}

// List returns activities matching f, soonest first, with texts, rules,
// facilitators and co-hosts, whoever asks: the public pages narrow f to
// what is published, the partners' pages to what an organisation co-hosts.
func (s *Store) List(ctx context.Context, f Filter) ([]Activity, error) {
	return s.list(s.db.WithContext(ctx), f)
}

func (s *Store) list(q *gorm.DB, f Filter) ([]Activity, error) {
	if f.IDs != nil && len(f.IDs) == 0 {
		return []Activity{}, nil
	}
	q = withPeople(WithTexts(WithRules(q)))
	for col, v := range map[string]string{"kind": f.Kind, "status": f.Status, "region": f.Region, "mode": f.Mode} {
		if v != "" {
			q = q.Where(col+" = ?", v)
		}
	}
	if f.IDs != nil {
		q = q.Where("id IN ?", f.IDs)
	}
	var out []Activity
	if err := q.Order("starts_at, id").Limit(500).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("activities: unable to list: %w", err)
	}
	return out, nil
}

// Update merges in into the activity and saves it in one transaction,
// with the capacity change applied to the registrations.
func (s *Store) Update(ctx context.Context, actorID, id int64, in Input) (*Activity, error) {
	var out *Activity
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		a, err := s.get(tx, "id = ?", id)
		if err != nil {
			return err
		}
		oldCapacity := a.Capacity
		f := apperr.Fields{}
		apply(a, in, f)
		if err := f.Err(); err != nil {
			return err
		}
		if in.Partners != nil {
			if err := checkPartners(tx, a.Partners); err != nil {
				return err
			}
		}
		if err := tx.Omit("Translations", "Quotas", "Facilitators", "Partners").Save(a).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return apperr.Fields{"slug": {ID: "error_slug_taken"}}.Err()
			}
			return fmt.Errorf("activities: unable to save: %w", err)
		}
		if err := tx.Where("activity_id = ?", id).Delete(&Translation{}).Error; err != nil {
			return err
		}
		for i := range a.Translations {
			a.Translations[i].ActivityID = id
		}
		if len(a.Translations) > 0 {
			if err := tx.Create(&a.Translations).Error; err != nil {
				return err
			}
		}
		if in.Quotas != nil {
			if err := tx.Where("activity_id = ?", id).Delete(&QuotaRule{}).Error; err != nil {
				return err
			}
			for i := range a.Quotas {
				a.Quotas[i].ID, a.Quotas[i].ActivityID = 0, id
			}
			if len(a.Quotas) > 0 {
				if err := tx.Create(&a.Quotas).Error; err != nil {
					return err
				}
			}
		}
		if in.Facilitators != nil {
			if err := tx.Where("activity_id = ?", id).Delete(&Facilitator{}).Error; err != nil {
				return err
			}
			for i := range a.Facilitators {
				a.Facilitators[i].ActivityID = id
			}
			if len(a.Facilitators) > 0 {
				if err := tx.Create(&a.Facilitators).Error; err != nil {
					return err
				}
			}
		}
		if in.Partners != nil {
			if err := tx.Where("activity_id = ?", id).Delete(&CoHost{}).Error; err != nil {
				return err
			}
			for i := range a.Partners {
				a.Partners[i].ActivityID = id
			}
			if len(a.Partners) > 0 {
				if err := tx.Create(&a.Partners).Error; err != nil {
					return err
				}
			}
		}
		if a.Capacity != oldCapacity || in.Quotas != nil {
			if err := s.registrations.SetCapacity(tx, id, a.Capacity); err != nil {
				return err
			}
		}
		out = a
		return audit.Record(tx, actorID, "activity.update", "activity", strconv.FormatInt(id, 10), nil)
	})
	s.changed(id, err)
	return out, err
}

func (s *Store) changed(id int64, err error) {
	if err == nil {
		s.changes.ActivityChanged(id)
	}
}

// SetStatus moves an activity to status: drafts are published, published
// ones cancelled or completed.
func (s *Store) SetStatus(ctx context.Context, actorID, id int64, status string) (*Activity, error) {
	allowed := map[string][]string{
		StatusPublished: {StatusDraft},
		StatusCancelled: {StatusDraft, StatusPublished},
		StatusCompleted: {StatusPublished},
	}
	var out *Activity
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		a, err := s.get(tx, "id = ?", id)
		if err != nil {
			return err
		}
		if !oneOf(a.Status, allowed[status]) {
			return apperr.New(apperr.Conflict, "error_status_change")
		}
		a.Status = status
		if err := tx.Model(a).Updates(map[string]any{"status": status, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		if status == StatusCancelled {
			if err := s.registrations.CancelAll(tx, id); err != nil {
				return err
			}
		}
		out = a
		return audit.Record(tx, actorID, "activity."+status, "activity", strconv.FormatInt(id, 10), nil)
	})
	s.changed(id, err)
	return out, err
}
