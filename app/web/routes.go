package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
)

// routeTable records the permission of every route, keyed "METHOD /path".
// A test walks the app and fails on any route missing from it.
type routeTable map[string]access.Permission

// handle registers a route with the permission it needs; handlers run after
// the permission check, in order.
func (s *Server) handle(app *fiber.App, method, path string, p access.Permission, handlers ...fiber.Handler) {
	s.routes[method+" "+path] = p
	app.Add(method, path, append([]fiber.Handler{s.authorize(p)}, handlers...)...)
}

// Permissions returns a copy of the route table.
func (s *Server) Permissions() map[string]access.Permission {
	out := make(map[string]access.Permission, len(s.routes))
	for k, v := range s.routes {
		out[k] = v
	}
	return out
}

// routesSetup lists every route of Gotong: the whole surface at a glance.
func (s *Server) routesSetup(app *fiber.App) {
	get, post, patch := fiber.MethodGet, fiber.MethodPost, fiber.MethodPatch

	s.handle(app, get, "/static/*", access.Public, s.static)
	s.handle(app, get, "/healthz", access.Public, s.healthz)
	s.handle(app, get, "/readyz", access.Public, s.readyz)

	app.Use(s.identify, s.csrfProtect())

	// Pages.
	s.handle(app, get, "/", access.Public, s.home)
	s.handle(app, get, "/login", access.Public, s.loginForm)
	s.handle(app, post, "/login", access.Public, s.loginLimitPerAddress(), s.loginLimitPerEmail(), s.login)
	s.handle(app, post, "/logout", access.Public, s.logout)
	s.handle(app, get, "/account", access.AccountRead, s.account)
	s.handle(app, post, "/account", access.AccountWrite, s.accountSave)
	s.handle(app, get, "/manage", access.ManageRead, s.manage)
	s.handle(app, get, "/manage/users", access.UsersRead, s.usersList)
	s.handle(app, get, "/manage/audit", access.AuditRead, s.auditList)

	// JSON API.
	s.handle(app, get, "/api/v1/me", access.AccountRead, s.apiMe)
	s.handle(app, patch, "/api/v1/me", access.AccountWrite, s.apiMeUpdate)
	s.handle(app, get, "/api/v1/users", access.UsersRead, s.apiUsers)
	s.handle(app, get, "/api/v1/audit", access.AuditRead, s.apiAudit)
}
