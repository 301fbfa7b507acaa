package web

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/changes"
	"golang.org/x/sync/singleflight"
)

// Public pages and the activities behind them are cached per node, briefly,
// and never as the source of truth: the seat a participant gets is decided
// in the registration transaction. A write on this node drops what it
// touches at once by moving a generation (an edit of an activity: cached
// activities and pages; a registration or cancellation: pages, which show
// free seats); cacheLifetime bounds how long a write made on another node,
// or a registration window closing with the clock, can go unseen.
const (
	cacheLifetime = time.Second
	cacheEntries  = 4096
)

// ttlCache keeps values by key for at most cacheLifetime and only within the
// generation they were made in. Concurrent misses of one key make the value
// once (singleflight), so an expiry under load costs one rendering, not fifty.
type ttlCache[V any] struct {
	gen   *changes.Generation
	now   func() time.Time
	mu    sync.RWMutex
	items map[string]ttlEntry[V]
	group singleflight.Group
}

type ttlEntry[V any] struct {
	v     V
	gen   uint64
	until time.Time
}

func newTTLCache[V any](gen *changes.Generation) *ttlCache[V] {
	return &ttlCache[V]{gen: gen, now: time.Now, items: map[string]ttlEntry[V]{}}
}

func (c *ttlCache[V]) get(key string) (V, bool) {
	c.mu.RLock()
	e, ok := c.items[key]
	c.mu.RUnlock()
	if !ok || e.gen != c.gen.Current() || !c.now().Before(e.until) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// put stores v, made in generation gen (read before v was made, so that a
// write during its making leaves it stale). A full cache first drops what is
// stale, then everything.
func (c *ttlCache[V]) put(key string, v V, gen uint64) {
	now := c.now()
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
	c.items[key] = ttlEntry[V]{v: v, gen: gen, until: now.Add(cacheLifetime)}
}

// load returns the cached value of key, or makes it with make and caches it
// when fill says it may be kept.
func (c *ttlCache[V]) load(key string, fill func() (V, bool, error)) (V, error) {
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
func (s *Server) cachedActivity(ctx context.Context, key string, get func(context.Context) (*activities.Activity, error)) (*activities.Activity, error) {
	return s.activityCache.load(key, func() (*activities.Activity, bool, error) {
		a, err := get(ctx)
		return a, err == nil, err
	})
}

// activityByID is the activity with id, through the cache.
func (s *Server) activityByID(ctx context.Context, id int64) (*activities.Activity, error) {
	return s.cachedActivity(ctx, "id:"+strconv.FormatInt(id, 10), func(ctx context.Context) (*activities.Activity, error) {
		return s.activities.Get(ctx, id)
	})
}

// activityBySlug is the activity with slug, through the cache.
func (s *Server) activityBySlug(ctx context.Context, slug string) (*activities.Activity, error) {
	return s.cachedActivity(ctx, "slug:"+slug, func(ctx context.Context) (*activities.Activity, error) {
		return s.activities.GetBySlug(ctx, slug)
	})
}

// renderedPage is a page body as the cache keeps it.
type renderedPage struct {
	body        []byte
	contentType string
	disposition string
}

// cachedPage serves a public page to anonymous visitors from the cache,
// keyed by language and the whole request URI. Signed-in users get their own
// rendering (their name and menu are on it); so does any page that came out
// other than 200 or that carries the visitor's CSRF token, which must never
// reach another visitor.
func (s *Server) cachedPage(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if currentUser(c) != nil {
			return h(c)
		}
		key := s.localizer(c).Lang + " " + string(c.Request().URI().RequestURI())
		led := false
		p, err := s.pageCache.load(key, func() (renderedPage, bool, error) {
			led = true
			if err := h(c); err != nil {
				return renderedPage{}, false, err
			}
			res := c.Response()
			token, _ := c.Locals(csrfLocal).(string)
			if res.StatusCode() != fiber.StatusOK || (token != "" && bytes.Contains(res.Body(), []byte(token))) {
				return renderedPage{}, false, nil
			}
			return renderedPage{body: bytes.Clone(res.Body()), contentType: string(res.Header.ContentType()),
				disposition: string(res.Header.Peek(fiber.HeaderContentDisposition))}, true, nil
		})
		switch {
		case led: // this request made the page, and its response is written
			return err
		case err != nil:
			return err
		case p.body == nil: // the leader's page was not for sharing
			return h(c)
		}
		c.Set(fiber.HeaderContentType, p.contentType)
		if p.disposition != "" {
			c.Set(fiber.HeaderContentDisposition, p.disposition)
		}
		return c.Send(p.body)
	}
}
