package ui

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/rights"
)

// A person's rights over their data: a copy of it and its erasure, for
// themselves on /account and through the API, and for the national office
// (people:admin) on anyone's behalf.

// confirmValue is what the confirmation checkbox of an erasure form sends.
const confirmValue = "yes"

// MyData is the signed-in user's download of everything held about them.
func (s *Handlers) MyData(c *fiber.Ctx) error {
	x, err := s.Rights.ExportUser(c.UserContext(), request.CurrentUser(c).ID)
	if err != nil {
		return err
	}
	return request.SendExport(c, x, true, "gotong-my-data.json")
}

// EraseMe erases the signed-in user's data and account. Without the
// confirmation ticked nothing is erased (422); the last administrator is
// refused (409). Then the session ends and the home page says it is done,
// in the language the user was reading.
func (s *Handlers) EraseMe(c *fiber.Ctx) error {
	l := s.Localizer(c)
	if c.FormValue("confirm") != confirmValue {
		return s.accountPage(c, fiber.StatusUnprocessableEntity, nil,
			map[string]string{"confirm": l.T("rights_erase_confirm_required")})
	}
	_, err := s.Rights.EraseUser(c.UserContext(), request.CurrentUser(c).ID)
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
func (s *Handlers) endErasedSession(c *fiber.Ctx, lang string) error {
	sess, err := s.Sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Destroy(); err != nil {
		return err
	}
	return c.Redirect("/?"+url.Values{"erased": {"1"}, "lang": {lang}}.Encode(), fiber.StatusSeeOther)
}

// PersonData is the national office's download of everything held about
// a person, written to the audit log.
func (s *Handlers) PersonData(c *fiber.Ctx) error {
	id, err := request.PersonParam(c)
	if err != nil {
		return err
	}
	x, err := s.Rights.ExportAudited(c.UserContext(), request.ActorID(c), id)
	if err != nil {
		return err
	}
	return request.SendExport(c, x, true, "gotong-person-"+strconv.FormatInt(id, 10)+".json")
}

// PersonErase erases a person on the national office's decision, once the
// confirmation is ticked, and shows the erasure in the audit log. An admin
// who erases their own person record loses their account with it, and
// their session.
func (s *Handlers) PersonErase(c *fiber.Ctx) error {
	id, err := request.PersonParam(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != confirmValue {
		return apperr.New(apperr.Invalid, "rights_erase_confirm_required")
	}
	done, err := s.Rights.Erase(c.UserContext(), request.ActorID(c), id)
	if err != nil {
		return err
	}
	if done.Self {
		return s.endErasedSession(c, s.Localizer(c).Lang)
	}
	q := url.Values{"object_type": {"person"}, "object_id": {strconv.FormatInt(id, 10)}, "erased": {"1"}}
	return c.Redirect("/manage/audit?"+q.Encode(), fiber.StatusSeeOther)
}
