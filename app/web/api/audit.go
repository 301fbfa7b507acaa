package api

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

type apiAuditEntry struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	ActorID    *int64          `json:"actor_id"`
	ActorEmail *string         `json:"actor_email"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Details    json.RawMessage `json:"details"`
}

// Audit lists the log (admin), newest first, with the page's filters
// (action, actor, object_type, object_id, from, to), limit (1–500) and
// cursor (the next_cursor of the page before); a bad value is a 422.
func (s *Handlers) Audit(c *fiber.Ctx) error {
	q, err := s.AuditQuery(c, "lang")
	if err != nil {
		return err
	}
	page, err := s.App.Audit.ListPage(c.UserContext(), q.Filter)
	if err != nil {
		return err
	}
	actors, err := s.AuditActors(c, page.Entries)
	if err != nil {
		return err
	}
	items := make([]apiAuditEntry, len(page.Entries))
	for i, e := range page.Entries {
		items[i] = apiAuditEntry{ID: e.ID, At: e.At, ActorID: e.ActorID, Action: e.Action,
			ObjectType: e.ObjectType, ObjectID: e.ObjectID, Details: json.RawMessage(e.Details)}
		if e.ActorID != nil {
			if email, ok := actors[*e.ActorID]; ok {
				items[i].ActorEmail = &email
			}
		}
	}
	var next *string
	if page.Next != 0 {
		n := strconv.FormatInt(page.Next, 10)
		next = &n
	}
	return c.JSON(fiber.Map{"items": items, "next_cursor": next})
}
