package segments

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/people"
	"gorm.io/gorm"
)

// MaxPage bounds the people of one page.
const MaxPage = 500

// Store reads segments of people.
type Store struct {
	db           *gorm.DB
	log          *slog.Logger
	countTimeout time.Duration // CountTimeout, shorter in tests
	now          clock.Clock
}

// NewStore reads people from db; log tells of saved segments it could not
// count; now dates saved segments.
func NewStore(db *gorm.DB, log *slog.Logger, now clock.Clock) *Store {
	return &Store{db: db, log: log, countTimeout: CountTimeout, now: now}
}

// Page is one page of a segment: its people in id order, their tags, and
// the id to continue after (0 at the end).
type Page struct {
	People []people.Person
	Tags   map[int64][]string
	Next   int64
}

func (s *Store) where(ctx context.Context, f Filter, today civil.Date) *gorm.DB {
	q := s.db.WithContext(ctx).Model(&people.Person{})
	if cond, args := Where(f, today); cond != "" {
		q = q.Where(cond, args...)
	}
	return q
}

// List returns up to limit people of the segment with an id above after:
// keyset paging, so a page costs the same however deep it is, and people
// added meanwhile neither shift nor repeat the pages.
func (s *Store) List(ctx context.Context, f Filter, today civil.Date, after int64, limit int) (*Page, error) {
	limit = min(max(limit, 1), MaxPage)
	var list []people.Person
	err := s.where(ctx, f, today).Where("people.id > ?", after).Order("people.id").Limit(limit + 1).Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("segments: unable to list: %w", err)
	}
	page := &Page{People: list}
	if len(list) > limit {
		page.People = list[:limit]
		page.Next = list[limit-1].ID
	}
	ids := make([]int64, len(page.People))
	for i := range page.People {
		ids[i] = page.People[i].ID
	}
	if page.Tags, err = people.TagsOf(s.db.WithContext(ctx), ids); err != nil {
		return nil, err
	}
	return page, nil
}

// Count is how many people the segment holds.
func (s *Store) Count(ctx context.Context, f Filter, today civil.Date) (int64, error) {
	var n int64
	if err := s.where(ctx, f, today).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("segments: unable to count: %w", err)
	}
	return n, nil
}
