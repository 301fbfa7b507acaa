package web

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/i18n"
)

// Keys of the request's locals.
const (
	userLocal      = "user"
	viewerLocal    = "viewer"
	localizerLocal = "localizer"
)

const langCookie = "gotong_lang"

// identify finds who is asking and in which language.
func (s *Server) identify(c *fiber.Ctx) error {
	user, err := s.requester(c)
	if err != nil {
		return err
	}
	if user != nil {
		c.Locals(userLocal, user)
		c.Locals(viewerLocal, s.access.Viewer(user.ID, user.Grants()))
	}
	c.Locals(localizerLocal, s.localizerFor(c, user))
	return c.Next()
}

// requester is the signed-in user who sends c, or nil. The HTML side knows
// users by session cookie; the API only by bearer token. The body limit
// hook asks it too, before the body is read.
func (s *Server) requester(c *fiber.Ctx) (*auth.User, error) {
	if isAPI(c) {
		h := c.Get(fiber.HeaderAuthorization)
		if h == "" {
			return nil, nil
		}
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, auth.ErrBadToken
		}
		return s.users.UserByToken(c.UserContext(), strings.TrimSpace(token))
	}
	if c.Cookies("gotong_session") == "" {
		return nil, nil
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return nil, err
	}
	id, ok := sess.Get("uid").(int64)
	if !ok {
		return nil, nil
	}
	u, err := s.users.UserByID(c.UserContext(), id)
	if errors.Is(err, apperr.ErrNotFound) { // deleted or disabled since
		_ = sess.Destroy()
		return nil, nil
	}
	return u, err
}

// localizerFor negotiates the language and remembers an explicit ?lang=.
func (s *Server) localizerFor(c *fiber.Ctx, user *auth.User) *i18n.Localizer {
	query := c.Query("lang")
	pref := ""
	if user != nil {
		pref = user.Locale
	}
	lang := i18n.Negotiate(query, c.Cookies(langCookie), pref, c.Get(fiber.HeaderAcceptLanguage), s.catalog.Default())
	if query != "" && lang == strings.ToLower(query) && !isAPI(c) {
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
			HTTPOnly: true, SameSite: "Lax", Secure: s.cfg.SecureCookies})
	}
	c.Vary(fiber.HeaderAcceptLanguage)
	return s.catalog.Localizer(lang)
}

// currentUser is the signed-in user, or nil.
func currentUser(c *fiber.Ctx) *auth.User {
	u, _ := c.Locals(userLocal).(*auth.User)
	return u
}

// localizer is the request's localizer; it is always set by identify, or by
// the error handler when identify never ran.
func (s *Server) localizer(c *fiber.Ctx) *i18n.Localizer {
	if l, ok := c.Locals(localizerLocal).(*i18n.Localizer); ok {
		return l
	}
	l := s.localizerFor(c, nil)
	c.Locals(localizerLocal, l)
	return l
}

// can reports whether the current user holds permission p.
func (s *Server) can(c *fiber.Ctx, p access.Permission) bool {
	return s.access.Allowed(currentUser(c).Grants(), p)
}

// authorize lets a request through only with permission p. A visitor who is
// not signed in is sent to the login page (HTML) or told 401 (API).
//
// A partner member is an outsider to the section's own objects: on a route
// that names an object (a path with a parameter) and that its role may not
// use, it is told the object does not exist, as it is for another
// organisation's objects on the routes it may use. So from a partner's side
// every object outside its organisation answers 404 on every route.
func (s *Server) authorize(p access.Permission, namesObject bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if s.can(c, p) {
			return c.Next()
		}
		if currentUser(c) == nil {
			if !isAPI(c) && c.Method() == fiber.MethodGet {
				return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
			}
			return apperr.New(apperr.Unauthorized, "error_unauthorized")
		}
		if v := viewer(c); namesObject && v.PartnerID != 0 && !v.Staff {
			return apperr.ErrNotFound
		}
		return apperr.New(apperr.Forbidden, "error_forbidden")
	}
}

// navItem is a link of the main navigation.
type navItem struct {
	Label  string
	Href   string
	Active bool
}

// langLink is an entry of the language switcher.
type langLink struct {
	Code    string
	Name    string
	Href    string
	Current bool
}

// Page is what every template receives.
type Page struct {
	L        *i18n.Localizer
	User     *auth.User
	CSRF     string
	Title    string
	Nav      []navItem
	Langs    []langLink
	AssetV   string
	Year     int
	Data     any
	Form     map[string]string
	Errors   map[string]string
	Flash    string
	ErrorMsg string

	may func(access.Permission) bool // whether the user holds a permission
}

// page builds the data of a page titled by message id title.
func (s *Server) page(c *fiber.Ctx, title string, data any) *Page {
	l := s.localizer(c)
	csrfToken, _ := c.Locals(csrfLocal).(string)
	p := &Page{L: l, User: currentUser(c), CSRF: csrfToken, Title: l.T(title), Data: data,
		AssetV: assetVersion, Year: time.Now().Year(), may: func(perm access.Permission) bool { return s.can(c, perm) }}
	path := c.Path()
	for _, n := range []struct {
		label, href string
		perm        access.Permission
		signedIn    bool
	}{
		{"nav_home", "/", access.Public, false},
		{"nav_activities", "/activities", access.Public, false},
		{"nav_manage", "/manage", access.ManageRead, true},
		{"nav_manage_activities", "/manage/activities", access.ActivitiesRead, true},
		{"nav_people", "/manage/people", access.PeopleRead, true},
		{"nav_partners", "/manage/partners", access.PartnersManage, true},
		{"nav_campaigns", "/manage/campaigns", access.CampaignsManage, true},
		{"nav_reports", "/manage/reports", access.ReportsRead, true},
		{"nav_partner_space", "/partner", access.PartnerSpace, true},
		{"nav_users", "/manage/users", access.UsersRead, true},
		{"nav_audit", "/manage/audit", access.AuditRead, true},
		{"nav_account", "/account", access.AccountRead, true},
	} {
		if (n.signedIn && p.User == nil) || !s.can(c, n.perm) {
			continue
		}
		p.Nav = append(p.Nav, navItem{Label: l.T(n.label), Href: n.href, Active: path == n.href})
	}
	q := c.Request().URI().QueryArgs()
	for _, code := range i18n.Supported {
		args := url.Values{}
		for k, v := range q.All() {
			if string(k) != "lang" {
				args.Add(string(k), string(v))
			}
		}
		args.Set("lang", code)
		p.Langs = append(p.Langs, langLink{Code: code, Name: s.catalog.Localizer(code).T("lang_name"),
			Href: path + "?" + args.Encode(), Current: code == l.Lang})
	}
	return p
}

// render writes page tpl with status.
func (s *Server) render(c *fiber.Ctx, status int, tpl string, p *Page) error {
	c.Status(status)
	return c.Render(tpl, p)
}

// roleLabels are the message ids of the role names.
var roleLabels = map[string]string{
	access.Admin:       "role_admin",
	access.Coordinator: "role_coordinator",
	access.Facilitator: "role_facilitator",
	access.Partner:     "role_partner",
	access.Participant: "role_participant",
}

// RoleName is a role's name in the page's language.
func (p *Page) RoleName(role string) string {
	if id, ok := roleLabels[role]; ok {
		return p.L.T(id)
	}
	return role
}

// viewer is the current user as the stores see them (access.Viewer):
// staff, a facilitator, a partner member; nobody when not signed in.
func viewer(c *fiber.Ctx) access.Viewer {
	v, _ := c.Locals(viewerLocal).(access.Viewer)
	return v
}
