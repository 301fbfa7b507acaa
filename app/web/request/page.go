// Package request is what the server, the HTML pages (ui) and the JSON API
// (api) share about a request: who sends it and in which language (set by
// the server's middleware), the page a template gets, and the small readers
// of paths and bodies. It imports neither the server nor the handlers.
package request

import (
	"bytes"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/sharing"
)

// Keys of the request's locals: the server's identify middleware sets the
// user, the viewer and the localizer, its CSRF middleware the form token.
const (
	UserLocal      = "user"
	ViewerLocal    = "viewer"
	LocalizerLocal = "localizer"
	CSRFLocal      = "csrf"
	NoIndexLocal   = "noindex" // a private link's page: search engines keep out
)

const langCookie = "gotong_lang"

// LocalizerFor negotiates the language and remembers an explicit ?lang=.
func (s *Kit) LocalizerFor(c *fiber.Ctx, user *auth.User) *i18n.Localizer {
	query := c.Query("lang")
	pref := ""
	if user != nil {
		pref = user.Locale
	}
	lang := i18n.Negotiate(query, c.Cookies(langCookie), pref, c.Get(fiber.HeaderAcceptLanguage), s.Catalog.Default())
	if query != "" && lang == strings.ToLower(query) && !IsAPI(c) {
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
			HTTPOnly: true, SameSite: "Lax", Secure: s.Config.SecureCookies})
	}
	c.Vary(fiber.HeaderAcceptLanguage)
	return s.Catalog.Localizer(lang)
}

// LocalizeAs chooses the request's language again for a page a private
// link opens, with locale, the language of the email that carried the
// link (the registrant's, for a guardian too), in place of an account's
// preference: an explicit ?lang= or the
// remembered choice still wins, then locale, then the browser's languages.
func (s *Kit) LocalizeAs(c *fiber.Ctx, locale string) *i18n.Localizer {
	l := s.Catalog.Localizer(i18n.Negotiate(c.Query("lang"), c.Cookies(langCookie), locale,
		c.Get(fiber.HeaderAcceptLanguage), s.Catalog.Default()))
	c.Locals(LocalizerLocal, l)
	return l
}

// IsAPI reports whether c is a request to the JSON API.
func IsAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }

// CurrentUser is the signed-in user, or nil.
func CurrentUser(c *fiber.Ctx) *auth.User {
	u, _ := c.Locals(UserLocal).(*auth.User)
	return u
}

// Localizer is the request's localizer; it is always set by identify, or by
// the error handler when identify never ran.
func (s *Kit) Localizer(c *fiber.Ctx) *i18n.Localizer {
	if l, ok := c.Locals(LocalizerLocal).(*i18n.Localizer); ok {
		return l
	}
	l := s.LocalizerFor(c, nil)
	c.Locals(LocalizerLocal, l)
	return l
}

// Can reports whether the current user holds permission p.
func (s *Kit) Can(c *fiber.Ctx, p access.Permission) bool {
	return s.Access.Allowed(CurrentUser(c).Grants(), p)
}

// navItem is a link of the main navigation.
type navItem struct {
	Label  string
	Href   string
	Active bool
}

// navGroup is a titled group of links of the signed-in menu.
type navGroup struct {
	Label string
	Items []navItem
}

// navLink is a link the navigation may show, to whoever holds perm (and
// is signed in, when signedIn).
type navLink struct {
	label, href string
	perm        access.Permission
	signedIn    bool
}

// navTop are the links always in sight; navGroups the groups of the menu
// that the staff and partner members open (a <details>, which needs no
// JavaScript, so that a dozen links never fill a phone's screen).
var (
	navTop = []navLink{
		{"nav_home", "/", access.Public, false},
		{"nav_activities", "/activities", access.Public, false},
	}
	navGroups = []struct {
		label string
		links []navLink
	}{
		{"nav_group_programmes", []navLink{
			{"nav_manage", "/manage", access.ManageRead, true},
			{"nav_manage_activities", "/manage/activities", access.ActivitiesRead, true},
			{"nav_campaigns", "/manage/campaigns", access.CampaignsManage, true},
			{"nav_partners", "/manage/partners", access.PartnersManage, true},
		}},
		{"nav_group_people", []navLink{
			{"nav_people", "/manage/people", access.PeopleRead, true},
			{"nav_mailings", "/manage/mailings", access.MailingsRead, true},
			{"nav_reports", "/manage/reports", access.ReportsRead, true},
		}},
		{"nav_group_admin", []navLink{
			{"nav_users", "/manage/users", access.UsersRead, true},
			{"nav_audit", "/manage/audit", access.AuditRead, true},
		}},
		{"nav_group_you", []navLink{
			{"nav_partner_space", "/partner", access.PartnerSpace, true},
			{"nav_account", "/account", access.AccountRead, true},
		}},
	}
)

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
	Nav      []navItem  // the links always in sight
	Menu     []navGroup // the signed-in menu; its groups when it has more than the account
	MenuHere bool       // whether the page shown is one of the menu's
	Langs    []langLink
	AssetV   string
	Year     int
	Data     any
	Form     map[string]string
	Errors   map[string]string
	Fields   []Field // the inputs the error summary links to, in the order of the form
	Flash    string
	ErrorMsg string
	NoIndex  bool // asks search engines to leave the page out (a private link's, a discreet activity's)
	// Refresh reloads a page that follows work as it happens (a mailing
	// being sent) without a script: the content of its
	// <meta http-equiv="refresh">, "" for none.
	Refresh string
	// Meta is what a link preview shows of the page, nil for a page that
	// is not shared (all but an activity's and a petition's).
	Meta *Meta

	May func(access.Permission) bool // whether the user holds a permission
}

// Meta is a page's Open Graph and Twitter Card metadata, in the page's
// language. Empty fields are left out: a discreet activity has a neutral
// title and nothing else that could name it.
type Meta struct {
	Title       string
	Description string
	URL         string // absolute, without a query
	Image       string // the absolute URL of the page's card
	ImageAlt    string
	Locale      string   // og:locale of the page's language
	Alternates  []string // og:locale of the other languages
}

// ImageWidth and ImageHeight are the size of a card.
func (*Meta) ImageWidth() int  { return sharing.CardWidth }
func (*Meta) ImageHeight() int { return sharing.CardHeight }

// Page builds the data of a page titled by message id title.
func (s *Kit) Page(c *fiber.Ctx, title string, data any) *Page {
	l := s.Localizer(c)
	csrfToken, _ := c.Locals(CSRFLocal).(string)
	noIndex, _ := c.Locals(NoIndexLocal).(bool)
	p := &Page{L: l, User: CurrentUser(c), CSRF: csrfToken, Title: l.T(title), Data: data, NoIndex: noIndex,
		AssetV: AssetVersion, Year: time.Now().Year(), May: func(perm access.Permission) bool { return s.Can(c, perm) }}
	path := c.Path()
	may := func(n navLink) bool { return !(n.signedIn && p.User == nil) && s.Can(c, n.perm) }
	for _, n := range navTop {
		if may(n) {
			p.Nav = append(p.Nav, navItem{Label: l.T(n.label), Href: n.href, Active: path == n.href})
		}
	}
	var menu []navGroup
	links := 0
	for _, g := range navGroups {
		group := navGroup{Label: l.T(g.label)}
		for _, n := range g.links {
			if may(n) {
				group.Items = append(group.Items, navItem{Label: l.T(n.label), Href: n.href, Active: path == n.href})
				p.MenuHere = p.MenuHere || path == n.href
			}
		}
		if len(group.Items) > 0 {
			menu = append(menu, group)
			links += len(group.Items)
		}
	}
	if links > 1 {
		p.Menu = menu
	} else { // the account alone: a link in sight, no menu
		for _, g := range menu {
			p.Nav = append(p.Nav, g.Items...)
		}
		p.MenuHere = false
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
		p.Langs = append(p.Langs, langLink{Code: code, Name: s.Catalog.Localizer(code).T("lang_name"),
			Href: path + "?" + args.Encode(), Current: code == l.Lang})
	}
	return p
}

// Render writes page tpl with status.
//
// It writes with the views itself rather than through c.Render: Fiber's
// Render fills, on its first call, the list of mounted apps that its error
// handling reads at the same time without a lock (a data race when the
// first pages and errors of a server come together), and there are no
// mounted apps here whose views it would need to look up.
func (s *Kit) Render(c *fiber.Ctx, status int, tpl string, p *Page) error {
	var buf bytes.Buffer
	if err := s.views.Render(&buf, tpl, p); err != nil {
		return err
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
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

// Viewer is the current user as the stores see them (access.Viewer):
// staff, a facilitator, a partner member; nobody when not signed in.
func Viewer(c *fiber.Ctx) access.Viewer {
	v, _ := c.Locals(ViewerLocal).(access.Viewer)
	return v
}

// MayAdminPeople reports whether the page's user may download and erase
// anyone's data; the person_rights partial shows itself only then.
func (p *Page) MayAdminPeople() bool {
	return p.May != nil && p.May(access.PeopleAdmin)
}
