package request

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/changes"
	"golang.org/x/sync/singleflight"
)

// Public pages and the activities behind them are cached per node, briefly,
// and never as the source of truth: the seat a participant gets is decided
// in the registration transaction. A write on this node drops what it
// touches at once by moving a generation (an edit of an activity: cached
// activities and pages; a registration or cancellation: pages, which show
// free seats); CacheLifetime bounds how long a write made on another node,
// or a registration window closing with the clock, can go unseen.
const (
	CacheLifetime = time.Second
	cacheEntries  = 4096
)

// TTLCache keeps values by key for at most CacheLifetime and only within the
// generation they were made in. Concurrent misses of one key make the value
// once (singleflight), so an expiry under load costs one rendering, not fifty.
type TTLCache[V any] struct {
	gen   *changes.Generation
	Now   func() time.Time // the clock; tests move it
	mu    sync.RWMutex
	items map[string]ttlEntry[V]
	group singleflight.Group
}

type ttlEntry[V any] struct {
	v     V
	gen   uint64
	until time.Time
}

func NewTTLCache[V any](gen *changes.Generation) *TTLCache[V] {
	return &TTLCache[V]{gen: gen, Now: time.Now, items: map[string]ttlEntry[V]{}}
}

func (c *TTLCache[V]) get(key string) (V, bool) {
	c.mu.RLock()
	e, ok := c.items[key]
	c.mu.RUnlock()
	if !ok || e.gen != c.gen.Current() || !c.Now().Before(e.until) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// put stores v, made in generation gen (read before v was made, so that a
// write during its making leaves it stale). A full cache first drops what is
// stale, then everything.
func (c *TTLCache[V]) put(key string, v V, gen uint64) {
	now := c.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.items) >= cacheEntries {
		cur := c.gen.Current()
		for k, e := range c.items {
			if e.gen != cur || !now.Before(e.until) {
				delete(c.items, k)
			}
		}
		if len(c.items) >= cacheEntries {
			clear(c.items)
		}
	}
	c.items[key] = ttlEntry[V]{v: v, gen: gen, until: now.Add(CacheLifetime)}
}

// Load returns the cached value of key, or makes it with make and caches it
// when fill says it may be kept.
func (c *TTLCache[V]) Load(key string, fill func() (V, bool, error)) (V, error) {
	if v, ok := c.get(key); ok {
		return v, nil
	}
	type made struct {
		v    V
		keep bool
	}
	r, err, _ := c.group.Do(key, func() (any, error) {
		gen := c.gen.Current()
		v, keep, err := fill()
		if err == nil && keep {
			c.put(key, v, gen)
		}
		return made{v, keep}, err
	})
	m, _ := r.(made)
	return m.v, err
}

// cachedActivity is an activity as a public page or form shows it, from the
// cache. It is shared: callers only read it.
func (s *Kit) cachedActivity(ctx context.Context, key string, get func(context.Context) (*activities.Activity, error)) (*activities.Activity, error) {
	return s.activityCache.Load(key, func() (*activities.Activity, bool, error) {
		a, err := get(ctx)
		return a, err == nil, err
	})
}

// ActivityByID is the activity with id, through the cache.
func (s *Kit) ActivityByID(ctx context.Context, id int64) (*activities.Activity, error) {
	return s.cachedActivity(ctx, "id:"+strconv.FormatInt(id, 10), func(ctx context.Context) (*activities.Activity, error) {
		return s.Activities.Get(ctx, id)
	})
}

// ActivityBySlug is the activity with slug, through the cache.
func (s *Kit) ActivityBySlug(ctx context.Context, slug string) (*activities.Activity, error) {
	return s.cachedActivity(ctx, "slug:"+slug, func(ctx context.Context) (*activities.Activity, error) {
		return s.Activities.GetBySlug(ctx, slug)
	})
}
