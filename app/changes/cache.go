package changes

import (
	"sync"
	"time"

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

// Cache keeps values by key for at most CacheLifetime and only within the
// generation they were made in. Concurrent misses of one key make the value
// once (singleflight), so an expiry under load costs one rendering, not fifty.
type Cache[V any] struct {
	gen   *Generation
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

func NewCache[V any](gen *Generation) *Cache[V] {
	return &Cache[V]{gen: gen, Now: time.Now, items: map[string]ttlEntry[V]{}}
}

func (c *Cache[V]) get(key string) (V, bool) {
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
func (c *Cache[V]) put(key string, v V, gen uint64) {
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
func (c *Cache[V]) Load(key string, fill func() (V, bool, error)) (V, error) {
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
