package registration

import (
	"context"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/database"
	"gorm.io/gorm"
)

// RegisterTogether places the registrations in one batch, as concurrent
// calls of Register may be placed, and returns each one's answer.
func (s *Service) RegisterTogether(ctx context.Context, as []*activities.Activity, reqs []Request) ([]*Placed, []error) {
	out, errs := make([]*Placed, len(reqs)), make([]error, len(reqs))
	var batch []*queued
	var index []int
	for i, in := range reqs {
		p, err := s.prepare(as[i], in)
		if err != nil {
			errs[i] = err
			continue
		}
		batch, index = append(batch, p), append(index, i)
	}
	s.registerBatch(ctx, batch)
	for k, p := range batch {
		out[index[k]], errs[index[k]] = p.out, p.err
	}
	return out, errs
}

// CheckStored loads an activity's state as the store reads it (sealed pools
// opened, declarations too) and checks the core's invariants on it.
func (s *Service) CheckStored(ctx context.Context, activityID int64) error {
	return database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		a, err := lockActivity(tx, activityID)
		if err != nil {
			return err
		}
		l, err := s.load(tx, a, s.now())
		if err != nil {
			return err
		}
		return Check(l.state)
	})
}
