package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"gorm.io/gorm"
)

func get(tx *gorm.DB, query string, arg any) (*Activity, error) {
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

// WithTexts preloads an activity's texts in every language, its questions
// among them, in their order.
func WithTexts(db *gorm.DB) *gorm.DB {
	return db.Preload("Translations").Preload("Questions", func(db *gorm.DB) *gorm.DB { return db.Order("position") })
}

// Get returns one activity with its texts and rules.
func (s *Store) Get(ctx context.Context, id int64) (*Activity, error) {
	return get(s.db.WithContext(ctx), "id = ?", id)
}

// GetBySlug returns one activity by slug.
func (s *Store) GetBySlug(ctx context.Context, slug string) (*Activity, error) {
	return get(s.db.WithContext(ctx), "slug = ?", slug)
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
	return get(reached(s.db.WithContext(ctx), v), "id = ?", id)
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
	// Listed keeps the activities that may be listed in public: not the
	// discreet ones, which are reached only by their link.
	Listed bool
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
	if f.Listed {
		q = q.Where("discreet = ?", false)
	}
	var out []Activity
	if err := q.Order("starts_at, id").Limit(500).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("activities: unable to list: %w", err)
	}
	return out, nil
}
