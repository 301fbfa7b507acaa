package activities

import (
	"context"
	"strconv"

	"github.com/gotong/gotong/app/changes"
	"gorm.io/gorm"
)

// Cache reads activities, with their texts, rules and people, through a
// per-node cache: public pages, forms and the taps of their links read the
// same few activities thousands of times a second, and each read is four
// queries. An entry lives at most changes.CacheLifetime and only within
// the generation it was read in, which every edit of an activity on this
// node moves. What decides a seat is read again under the activity's lock.
// The activities it returns are shared: callers only read them.
type Cache struct {
	db      *gorm.DB
	entries *changes.Cache[*Activity]
}

// NewCache reads activities from db, cached within gen.
func NewCache(db *gorm.DB, gen *changes.Generation) *Cache {
	return &Cache{db: db, entries: changes.NewCache[*Activity](gen)}
}

func (c *Cache) load(ctx context.Context, key, query string, arg any) (*Activity, error) {
	return c.entries.Load(key, func() (*Activity, bool, error) {
		a, err := get(c.db.WithContext(ctx), query, arg)
		return a, err == nil, err
	})
}

// ByID is the activity with id; apperr.ErrNotFound when there is none.
func (c *Cache) ByID(ctx context.Context, id int64) (*Activity, error) {
	return c.load(ctx, "id:"+strconv.FormatInt(id, 10), "id = ?", id)
}

// BySlug is the activity with slug; apperr.ErrNotFound when there is none.
func (c *Cache) BySlug(ctx context.Context, slug string) (*Activity, error) {
	return c.load(ctx, "slug:"+slug, "slug = ?", slug)
}
