package web

import (
	"encoding/json"
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/rights"
)

// A person's rights over their data: a copy of it and its erasure, for
// themselves on /account and through the API, and for the national office
// (people:admin) on anyone's behalf.

// confirmValue is what the confirmation checkbox of an erasure form sends.
const confirmValue = "yes"

// rightsService is the service of exports and erasures; it holds nothing of
// its own, so one per request costs an allocation.
func (s *Server) rightsService() *rights.Service {
	return rights.New(s.db, s.people, s.registrations, clock.System)
}

// bindSession notes the user of a session just saved, so that deleting the
// account ends every session it has (sessions.user_id, ON DELETE CASCADE).
func (s *Server) bindSession(c *fiber.Ctx, sessionID string, userID int64) error {
	return s.db.WithContext(c.UserContext()).Table("sessions").Where("id = ?", sessionID).
		Update("user_id", userID).Error
}

// MayAdminPeople reports whether the page's user may download and erase
// anyone's data; the person_rights partial shows itself only then.
func (p *Page) MayAdminPeople() bool {
	return p.may != nil && p.may(access.PeopleAdmin)
}

// sendExport answers an export as JSON that no cache keeps; download makes
// it a file named name.
func sendExport(c *fiber.Ctx, x *rights.Export, download bool, name string) error {
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	if download {
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	}
	return c.Send(b)
}

// personParam reads the :id of a person; anything but a positive number is
// a person that does not exist.
func personParam(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}

// myData is the signed-in user's download of everything held about them.
func (s *Server) myData(c *fiber.Ctx) error {
	x, err := s.rightsService().ExportUser(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	return sendExport(c, x, true, "gotong-my-data.json")
}

// eraseMe erases the signed-in user's data and account. Without the
// confirmation ticked nothing is erased (422); the last administrator is
// refused (409). Then the session ends and the home page says it is done,
// in the language the user was reading.
func (s *Server) eraseMe(c *fiber.Ctx) error {
	l := s.localizer(c)
	if c.FormValue("confirm") != confirmValue {
		return s.accountPage(c, fiber.StatusUnprocessableEntity, nil,
			map[string]string{"confirm": l.T("rights_erase_confirm_required")})
	}
	_, err := s.rightsService().EraseUser(c.UserContext(), currentUser(c).ID)
	if errors.Is(err, rights.ErrLastAdmin) {
		return s.accountPage(c, fiber.StatusConflict, nil, map[string]string{"erase": l.T("error_erase_last_admin")})
	}
	if err != nil {
		return err
	}
	return s.endErasedSession(c, l.Lang)
}

// endErasedSession ends the session of a user whose account was just
// erased and sends them home, where a notice says so in lang.
func (s *Server) endErasedSession(c *fiber.Ctx, lang string) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Destroy(); err != nil {
		return err
	}
	return c.Redirect("/?"+url.Values{"erased": {"1"}, "lang": {lang}}.Encode(), fiber.StatusSeeOther)
}

// personData is the national office's download of everything held about
// a person, written to the audit log.
func (s *Server) personData(c *fiber.Ctx) error {
	id, err := personParam(c)
	if err != nil {
		return err
	}
	x, err := s.rightsService().ExportAudited(c.UserContext(), actorID(c), id)
	if err != nil {
		return err
	}
	return sendExport(c, x, true, "gotong-person-"+strconv.FormatInt(id, 10)+".json")
}

// personErase erases a person on the national office's decision, once the
// confirmation is ticked, and shows the erasure in the audit log. An admin
// who erases their own person record loses their account with it, and
// their session.
func (s *Server) personErase(c *fiber.Ctx) error {
	id, err := personParam(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != confirmValue {
		return apperr.New(apperr.Invalid, "rights_erase_confirm_required")
	}
	done, err := s.rightsService().Erase(c.UserContext(), actorID(c), id)
	if err != nil {
		return err
	}
	if done.Self {
		return s.endErasedSession(c, s.localizer(c).Lang)
	}
	q := url.Values{"object_type": {"person"}, "object_id": {strconv.FormatInt(id, 10)}, "erased": {"1"}}
	return c.Redirect("/manage/audit?"+q.Encode(), fiber.StatusSeeOther)
}

// apiPersonData is GET /api/v1/people/{id}/data: everything held about a
// person (people:admin), audited.
func (s *Server) apiPersonData(c *fiber.Ctx) error {
	id, err := personParam(c)
	if err != nil {
		return err
	}
	x, err := s.rightsService().ExportAudited(c.UserContext(), actorID(c), id)
	if err != nil {
		return err
	}
	return sendExport(c, x, false, "")
}

// apiPersonErase is DELETE /api/v1/people/{id}: the person is erased, 204.
func (s *Server) apiPersonErase(c *fiber.Ctx) error {
	id, err := personParam(c)
	if err != nil {
		return err
	}
	if _, err := s.rightsService().Erase(c.UserContext(), actorID(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiMyData is GET /api/v1/me/data: everything held about the token's user.
func (s *Server) apiMyData(c *fiber.Ctx) error {
	x, err := s.rightsService().ExportUser(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	return sendExport(c, x, false, "")
}

// apiEraseMe is DELETE /api/v1/me: the token's user erases their data and
// account (its tokens go with it), 204.
func (s *Server) apiEraseMe(c *fiber.Ctx) error {
	if _, err := s.rightsService().EraseUser(c.UserContext(), currentUser(c).ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
