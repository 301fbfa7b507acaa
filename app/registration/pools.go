package registration

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/quota"
	"gorm.io/gorm"
)

// A seat of a sensitive quota (quota.Sensitive) would tell, beside the
// person's registration, what they declared about themselves. So the pool
// the core works with is never stored nor served as it is: such a seat is
// ReservedPool in the registrations table and in every answer, and which
// quota it belongs to is sealed in the row (SealedPool), opened only here,
// to allocate seats. General and rural seats say nothing sensitive and are
// kept in clear.

// ReservedPool is the pool a seat of a sensitive quota is stored and shown as.
const ReservedPool = "reserved"

// PublicPool is what a pool of the core is stored and shown as: general and
// rural as they are, a sensitive quota's as ReservedPool.
func PublicPool(pool string) string {
	if quota.Sensitive(quota.Attribute(pool)) {
		return ReservedPool
	}
	return pool
}

// poolContext binds a sealed pool to one registration of one activity. The
// waitlist order is unique within an activity and, unlike the person, stays
// when the person is erased, so an anonymous seat keeps its pool.
func poolContext(activityID, order int64) string {
	return "registration-pool:" + strconv.FormatInt(activityID, 10) + ":" + strconv.FormatInt(order, 10)
}

// poolColumns are the stored columns of a confirmed seat in the core's pool.
func poolColumns(sealer *people.Sealer, activityID, order int64, pool string) (public *string, sealed []byte) {
	p := PublicPool(pool)
	if p == ReservedPool {
		sealed = sealer.Seal([]byte(pool), poolContext(activityID, order))
	}
	return &p, sealed
}

// setPool stores the core's pool in row, which must have its activity and
// waitlist order.
func (s *Service) setPool(row *Registration, pool string) {
	row.Pool, row.SealedPool = poolColumns(s.people.Sealer(), row.ActivityID, row.WaitlistOrder, pool)
}

// OpenPool is the core's pool of a stored row: "" while not confirmed. A
// pool an earlier version kept in clear is read as it is, until
// SealClearPools seals it.
func OpenPool(sealer *people.Sealer, r *Registration) (string, error) {
	if r.Pool == nil {
		return "", nil
	}
	if *r.Pool != ReservedPool {
		return *r.Pool, nil
	}
	plain, err := sealer.Open(r.SealedPool, poolContext(r.ActivityID, r.WaitlistOrder))
	if err != nil {
		return "", fmt.Errorf("registration: unable to open the pool of %d: %w", r.ID, err)
	}
	return string(plain), nil
}

// SealClearPools seals the pools of sensitive quotas that a version before
// sealed pools kept in clear, in one transaction; the commands that migrate
// call it after migrating (a migration has no key to seal with). It returns
// how many it sealed, and finds none to seal the second time.
func SealClearPools(ctx context.Context, db *gorm.DB, sealer *people.Sealer) (int, error) {
	n := 0
	err := database.Tx(ctx, db, func(tx *gorm.DB) error {
		var rows []Registration
		if err := tx.Select("id, activity_id, waitlist_order, pool").
			Where("pool IN ?", quota.AllSensitive()).Find(&rows).Error; err != nil {
			return fmt.Errorf("registration: unable to find pools to seal: %w", err)
		}
		for _, r := range rows {
			public, sealed := poolColumns(sealer, r.ActivityID, r.WaitlistOrder, *r.Pool)
			if err := tx.Model(&Registration{}).Where("id = ?", r.ID).
				Updates(map[string]any{"pool": public, "sealed_pool": sealed}).Error; err != nil {
				return fmt.Errorf("registration: unable to seal the pool of %d: %w", r.ID, err)
			}
		}
		n = len(rows)
		return nil
	})
	return n, err
}
