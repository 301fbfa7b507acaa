package changes

import (
	"strconv"
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	var gen Generation
	c := NewCache[string](&gen)
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	c.Now = func() time.Time { return now }
	fills := 0
	fill := func(v string, keep bool) func() (string, bool, error) {
		return func() (string, bool, error) { fills++; return v, keep, nil }
	}
	if v, _ := c.Load("k", fill("a", true)); v != "a" || fills != 1 {
		t.Fatalf("first load: %q after %d fills", v, fills)
	}
	if v, _ := c.Load("k", fill("b", true)); v != "a" || fills != 1 {
		t.Fatalf("a fresh entry was made again: %q after %d fills", v, fills)
	}
	gen.Bump()
	if v, _ := c.Load("k", fill("c", true)); v != "c" {
		t.Fatalf("a new generation still served %q", v)
	}
	now = now.Add(CacheLifetime)
	if v, _ := c.Load("k", fill("d", false)); v != "d" {
		t.Fatalf("an expired entry was served: %q", v)
	}
	if v, _ := c.Load("k", fill("e", true)); v != "e" {
		t.Fatalf("a value its maker would not keep was kept: %q", v)
	}
	for i := range cacheEntries + 10 {
		c.put(strconv.Itoa(i), "x", gen.Current())
	}
	if n := len(c.items); n > cacheEntries {
		t.Fatalf("the cache grew to %d entries", n)
	}
}
