package request

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
)

// AuditQuery reads the filters of a listing of the log from the request's
// query string and looks up the actor's email: an unknown one is a field
// error like a malformed date. others are parameters the caller allows
// besides the filters.
func (s *Kit) AuditQuery(c *fiber.Ctx, others ...string) (audit.Query, error) {
	v, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return audit.Query{}, apperr.New(apperr.Malformed, "error_bad_request")
	}
	q, err := audit.ParseQuery(v, others...)
	if err != nil {
		return q, err
	}
	if q.ActorEmail != "" {
		u, err := s.Users.UserByEmail(c.UserContext(), q.ActorEmail)
		if errors.Is(err, apperr.ErrNotFound) {
			return q, apperr.Fields{"actor": {ID: "error_audit_actor_unknown"}}.Err()
		}
		if err != nil {
			return q, err
		}
		q.ActorID = u.ID
	}
	return q, nil
}

// AuditActors returns the email of each actor of entries, in one query; an
// actor whose account is gone has none.
func (s *Kit) AuditActors(c *fiber.Ctx, entries []audit.Entry) (map[int64]string, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, e := range entries {
		if e.ActorID != nil && !seen[*e.ActorID] {
			seen[*e.ActorID] = true
			ids = append(ids, *e.ActorID)
		}
	}
	return s.Users.EmailsByID(c.UserContext(), ids)
}
