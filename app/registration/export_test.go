package registration

import (
	"context"

	"github.com/gotong/gotong/app/activities"
)

// RegisterTogether places the registrations in one batch, as concurrent
// calls of Register may be placed, and returns each one's answer.
func (s *Service) RegisterTogether(ctx context.Context, as []*activities.Activity, reqs []Request) ([]*Placed, []error) {
	out, errs := make([]*Placed, len(reqs)), make([]error, len(reqs))
	var batch []*pending
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
