package partners

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/mailaddr"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/usertext"
	"golang.org/x/text/cases"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// restrict narrows q to the organisations v reaches; col names the
// partner id in q.
func restrict(v access.Viewer, q *gorm.DB, col string) *gorm.DB {
	if v.Staff {
		return q
	}
	// Ids are positive, so a viewer without an organisation matches none.
	return q.Where(col+" = ?", v.PartnerID)
}

// Input is what creating or changing an organisation may set; nil leaves a
// field as it is. Description holds texts by language: a language given
// with an empty text loses its description.
type Input struct {
	Name         *string
	Kind         *string
	Region       *string
	ContactEmail *string
	Website      *string
	Description  map[string]string
}

// Filter narrows a list; zero values match all.
type Filter struct {
	Kind, Region, Status string
}

// Store reads and writes organisations and partnerships.
type Store struct {
	db  *gorm.DB
	now clock.Clock
}

// NewStore returns a store over db; now dates changes (UTC days).
func NewStore(db *gorm.DB, now clock.Clock) *Store { return &Store{db: db, now: now} }

func (s *Store) today() civil.Date { return civil.Of(s.now().UTC()) }

// errStaffOnly refuses a partner member what only the staff may do.
var errStaffOnly = apperr.New(apperr.Forbidden, "error_forbidden")

// apply merges in into p, checking every field; it reports all problems.
func apply(p *Partner, in Input, f apperr.Fields) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&p.Name, in.Name)
	set(&p.Kind, in.Kind)
	set(&p.Region, in.Region)
	set(&p.Website, in.Website)
	if in.ContactEmail != nil {
		p.ContactEmail = mailaddr.Normalize(*in.ContactEmail)
	}
	for lang := range in.Description {
		if !i18n.IsSupported(lang) {
			f.Add("description", "error_locale_unknown")
		}
	}
	for _, lang := range i18n.Supported {
		text, ok := in.Description[lang]
		if !ok {
			continue
		}
		text = strings.TrimSpace(text)
		p.Descriptions = slices.DeleteFunc(p.Descriptions, func(d Description) bool { return d.Locale == lang })
		if text != "" {
			p.Descriptions = append(p.Descriptions, Description{PartnerID: p.ID, Locale: lang, Description: text})
		}
	}
	validate(p, f)
}

// validate checks a whole organisation.
func validate(p *Partner, f apperr.Fields) {
	usertext.Check(f, "name", p.Name, usertext.Line)
	usertext.Check(f, "website", p.Website, usertext.Line)
	switch n := utf8.RuneCountInString(p.Name); {
	case n == 0:
		f.Add("name", "error_required")
	case n > MaxName:
		f.Add("name", "error_too_long", "Max", MaxName)
	}
	if !slices.Contains(Kinds, p.Kind) {
		f.Add("kind", "error_partner_kind_unknown")
	}
	if p.Region != "" && !regions.Valid(p.Region) {
		f.Add("region", "error_region_unknown")
	}
	if p.ContactEmail != "" && !mailaddr.Valid(p.ContactEmail) {
		f.Add("contact_email", "error_email_invalid")
	}
	if p.Website != "" {
		u, err := url.Parse(p.Website)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(p.Website, " \t\r\n"):
			f.Add("website", "error_url")
		case utf8.RuneCountInString(p.Website) > MaxWebsite:
			f.Add("website", "error_too_long", "Max", MaxWebsite)
		}
	}
	for _, d := range p.Descriptions {
		usertext.Check(f, "description", d.Description, usertext.Lines)
		if utf8.RuneCountInString(d.Description) > MaxDescription {
			f.Add("description", "error_too_long", "Max", MaxDescription)
		}
	}
}

// Check validates in as a new organisation would be, storing nothing; a
// form uses it to report every problem at once.
func Check(in Input) error {
	f := apperr.Fields{}
	apply(&Partner{}, in, f)
	return f.Err()
}

var nameTaken = apperr.Fields{"name": {ID: "error_partner_name_taken"}}

// checkNameFree refuses a name that another organisation has in any letter
// case. The unique index on lower(name) settles races, but SQLite's lower()
// folds only ASCII, and Mongolian names are Cyrillic: so the names are
// compared here, folded, as well. A directory holds a few hundred at most.
func checkNameFree(tx *gorm.DB, name string, exceptID int64) error {
	var names []string
	if err := tx.Model(&Partner{}).Where("id <> ?", exceptID).Pluck("name", &names).Error; err != nil {
		return fmt.Errorf("partners: unable to read names: %w", err)
	}
	folded := cases.Fold().String(name)
	for _, n := range names {
		if cases.Fold().String(n) == folded {
			return nameTaken.Err()
		}
	}
	return nil
}

// Create validates and stores a new organisation (staff only), with its
// partnership prospective from today.
func (s *Store) Create(ctx context.Context, v access.Viewer, in Input) (*Partner, error) {
	if !v.Staff {
		return nil, errStaffOnly
	}
	p := &Partner{}
	f := apperr.Fields{}
	apply(p, in, f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.stamp()
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := checkNameFree(tx, p.Name, 0); err != nil {
			return err
		}
		if err := tx.Omit(clause.Associations).Create(p).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return nameTaken.Err()
			}
			return fmt.Errorf("partners: unable to create: %w", err)
		}
		for i := range p.Descriptions {
			p.Descriptions[i].PartnerID = p.ID
		}
		if len(p.Descriptions) > 0 {
			if err := tx.Create(&p.Descriptions).Error; err != nil {
				return fmt.Errorf("partners: unable to save descriptions: %w", err)
			}
		}
		p.Partnership = Partnership{PartnerID: p.ID, Status: StatusProspective, UpdatedAt: now}
		if err := tx.Create(&p.Partnership).Error; err != nil {
			return fmt.Errorf("partners: unable to create partnership: %w", err)
		}
		first := Change{PartnerID: p.ID, Status: StatusProspective, ChangedOn: s.today(), ActorID: actor(v), CreatedAt: now}
		if err := tx.Create(&first).Error; err != nil {
			return fmt.Errorf("partners: unable to record the partnership: %w", err)
		}
		p.History = []Change{first}
		return audit.Record(tx, v.UserID, "partner.create", "partner", strconv.FormatInt(p.ID, 10), map[string]any{"kind": p.Kind})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// stamp is the time of a write, to the microsecond that PostgreSQL keeps,
// so that what a write returns is what a read finds.
func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

func actor(v access.Viewer) *int64 {
	if v.UserID == 0 {
		return nil
	}
	id := v.UserID
	return &id
}

// withAll preloads an organisation's descriptions, partnership and history
// (oldest change first).
func withAll(db *gorm.DB) *gorm.DB {
	return db.Preload("Descriptions", func(db *gorm.DB) *gorm.DB { return db.Order("locale") }).
		Preload("Partnership").
		Preload("History", func(db *gorm.DB) *gorm.DB { return db.Order("changed_on, id") })
}

// get reads organisation id as v may see it. With lock, the row is held
// for the rest of tx (database.Lock).
func (s *Store) get(tx *gorm.DB, v access.Viewer, id int64, lock bool) (*Partner, error) {
	if lock {
		if err := database.Lock(restrict(v, tx.Model(&Partner{}), "id").Where("id = ?", id)); err != nil {
			return nil, fmt.Errorf("partners: unable to lock: %w", err)
		}
	}
	var p Partner
	err := withAll(restrict(v, tx.Model(&Partner{}), "id")).Where("id = ?", id).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("partners: unable to fetch: %w", err)
	}
	return &p, nil
}

// Get returns one organisation with its descriptions, partnership and history.
func (s *Store) Get(ctx context.Context, v access.Viewer, id int64) (*Partner, error) {
	return s.get(s.db.WithContext(ctx), v, id, false)
}

// List returns the organisations v reaches that match f, by name.
func (s *Store) List(ctx context.Context, v access.Viewer, f Filter) ([]Partner, error) {
	bad := apperr.Fields{}
	if f.Kind != "" && !slices.Contains(Kinds, f.Kind) {
		bad.Add("kind", "error_partner_kind_unknown")
	}
	if f.Region != "" && !regions.Valid(f.Region) {
		bad.Add("region", "error_region_unknown")
	}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		bad.Add("status", "error_partnership_status_unknown")
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	q := withAll(restrict(v, s.db.WithContext(ctx).Model(&Partner{}), "id"))
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Region != "" {
		q = q.Where("region = ?", f.Region)
	}
	if f.Status != "" {
		q = q.Where("id IN (SELECT partner_id FROM partnerships WHERE status = ?)", f.Status)
	}
	var out []Partner
	if err := q.Order("lower(name), id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("partners: unable to list: %w", err)
	}
	return out, nil
}

// Update merges in into the organisation. Staff may change everything; a
// member may change its own profile but not its kind.
func (s *Store) Update(ctx context.Context, v access.Viewer, id int64, in Input) (*Partner, error) {
	var out *Partner
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		p, err := s.get(tx, v, id, true)
		if err != nil {
			return err
		}
		if !v.Staff && in.Kind != nil && strings.TrimSpace(*in.Kind) != p.Kind {
			return apperr.New(apperr.Forbidden, "error_partner_kind_staff_only")
		}
		oldName := p.Name
		f := apperr.Fields{}
		apply(p, in, f)
		if err := f.Err(); err != nil {
			return err
		}
		if cases.Fold().String(p.Name) != cases.Fold().String(oldName) {
			if err := checkNameFree(tx, p.Name, id); err != nil {
				return err
			}
		}
		p.UpdatedAt = s.stamp()
		err = tx.Model(&Partner{}).Where("id = ?", id).Updates(map[string]any{"name": p.Name, "kind": p.Kind,
			"region": p.Region, "contact_email": p.ContactEmail, "website": p.Website, "updated_at": p.UpdatedAt}).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return nameTaken.Err()
		}
		if err != nil {
			return fmt.Errorf("partners: unable to save: %w", err)
		}
		if in.Description != nil {
			if err := tx.Where("partner_id = ?", id).Delete(&Description{}).Error; err != nil {
				return fmt.Errorf("partners: unable to save descriptions: %w", err)
			}
			if len(p.Descriptions) > 0 {
				if err := tx.Create(&p.Descriptions).Error; err != nil {
					return fmt.Errorf("partners: unable to save descriptions: %w", err)
				}
			}
		}
		out = p
		return audit.Record(tx, v.UserID, "partner.update", "partner", strconv.FormatInt(id, 10), nil)
	})
	return out, err
}

// CoHosted returns the ids of the activities organisation partnerID
// co-hosts, in id order.
func (s *Store) CoHosted(ctx context.Context, v access.Viewer, partnerID int64) ([]int64, error) {
	db := s.db.WithContext(ctx)
	var n int64
	if err := restrict(v, db.Model(&Partner{}), "id").Where("id = ?", partnerID).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("partners: unable to fetch: %w", err)
	}
	if n == 0 {
		return nil, apperr.ErrNotFound
	}
	ids := []int64{}
	if err := db.Table("activity_partners").Where("partner_id = ?", partnerID).Order("activity_id").
		Pluck("activity_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("partners: unable to list co-hosted activities: %w", err)
	}
	return ids, nil
}

// Names returns the names of the organisations ids by id (of every
// organisation when ids is nil); an id that names none is absent. Other
// areas check with it that the partners they link to exist.
func Names(db *gorm.DB, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if ids != nil && len(ids) == 0 {
		return out, nil
	}
	var rows []Partner
	q := db.Model(&Partner{}).Select("id, name")
	if ids != nil {
		q = q.Where("id IN ?", ids)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("partners: unable to read names: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}
