package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/web/api"
)

// routeTable records the permission of every route, keyed "METHOD /path".
// A test walks the app and fails on any route missing from it.
type routeTable map[string]access.Permission

// handle registers a route with the permission it needs; handlers run after
// the permission check, in order.
func (s *Server) handle(app *fiber.App, method, path string, p access.Permission, handlers ...fiber.Handler) {
	s.routes[method+" "+path] = p
	app.Add(method, path, append([]fiber.Handler{s.authorize(p, strings.Contains(path, "/:"))}, handlers...)...)
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
	apiH := api.New(s.Kit)

	s.handle(app, get, "/static/*", access.Public, s.static)
	s.handle(app, get, "/healthz", access.Public, s.healthz)
	s.handle(app, get, "/readyz", access.Public, s.readyz)

	app.Use(s.identify, s.csrfProtect(), s.refuseUnstorableText)

	// Pages.
	s.handle(app, get, "/", access.Public, s.home)
	s.handle(app, get, "/login", access.Public, s.loginForm)
	s.handle(app, post, "/login", access.Public, append(s.loginLimits(), s.login)...)
	s.handle(app, post, "/logout", access.Public, s.logout)
	s.handle(app, get, "/account", access.AccountRead, s.account)
	s.handle(app, post, "/account", access.AccountWrite, s.accountSave)
	s.handle(app, post, "/account/registrations/:id/cancel", access.AccountWrite, s.cancelMyRegistration)
	s.handle(app, get, "/manage", access.ManageRead, s.manage)
	s.handle(app, get, "/manage/users", access.UsersRead, s.usersList)
	s.handle(app, get, "/manage/audit", access.AuditRead, s.auditList)
	s.handle(app, get, "/manage/activities", access.ActivitiesRead, s.manageActivities)
	s.handle(app, get, "/manage/activities/new", access.ActivitiesWrite, s.activityNew) // before :id
	s.handle(app, post, "/manage/activities", access.ActivitiesWrite, s.activityCreate)
	s.handle(app, get, "/manage/activities/:id", access.ActivitiesRead, s.manageActivity)
	s.handle(app, get, "/manage/activities/:id/edit", access.ActivitiesWrite, s.activityEdit)
	s.handle(app, post, "/manage/activities/:id", access.ActivitiesWrite, s.activitySave)
	s.handle(app, post, "/manage/activities/:id/status", access.ActivitiesWrite, s.activitySetStatus)
	s.handle(app, post, "/manage/activities/:id/facilitators", access.ActivitiesWrite, s.activitySetFacilitators)
	s.handle(app, post, "/manage/registrations/:id/attendance", access.AttendanceWrite, s.registrationAttendance)
	s.handle(app, post, "/manage/registrations/:id/cancel", access.RegistrationsWrite, s.registrationCancel)
	s.handle(app, get, "/activities", access.Public, s.cachedPage(s.activitiesList))
	s.handle(app, get, "/activities/:slug", access.Public, s.cachedPage(s.activityPage)) // also :slug.ics
	s.handle(app, get, "/activities/:slug/register", access.Public, s.registerForm)
	s.handle(app, post, "/activities/:slug/register", access.Public, s.registerSubmit)
	s.handle(app, get, "/activities/:slug/registered", access.Public, s.registrationResult)

	// Partner organisations: staff pages.
	s.handle(app, get, "/manage/partners", access.PartnersManage, s.managePartners)
	s.handle(app, get, "/manage/partners/new", access.PartnersManage, s.partnerNew) // before :id
	s.handle(app, post, "/manage/partners", access.PartnersManage, s.partnerCreate)
	s.handle(app, get, "/manage/partners/:id", access.PartnersManage, s.managePartner)
	s.handle(app, get, "/manage/partners/:id/edit", access.PartnersManage, s.partnerEdit)
	s.handle(app, post, "/manage/partners/:id", access.PartnersManage, s.partnerSave)
	s.handle(app, post, "/manage/partners/:id/partnership", access.PartnersManage, s.partnershipSave)
	s.handle(app, post, "/manage/activities/:id/partners", access.ActivitiesWrite, s.activitySetPartners)

	// -

	// Campaigns: staff pages and reports.
	s.handle(app, get, "/manage/reports", access.ReportsRead, s.reportsPage)
	s.handle(app, get, "/manage/campaigns", access.CampaignsManage, s.manageCampaigns)
	s.handle(app, get, "/manage/campaigns/new", access.CampaignsManage, s.campaignNew) // before :id
	s.handle(app, post, "/manage/campaigns", access.CampaignsManage, s.campaignCreate)
	s.handle(app, get, "/manage/campaigns/:id", access.CampaignsManage, s.manageCampaign)
	s.handle(app, get, "/manage/campaigns/:id/edit", access.CampaignsManage, s.campaignEdit)
	s.handle(app, post, "/manage/campaigns/:id", access.CampaignsManage, s.campaignSave)
	s.handle(app, post, "/manage/campaigns/:id/advance", access.CampaignsManage, s.campaignAdvance)
	s.handle(app, post, "/manage/campaigns/:id/partners", access.CampaignsManage, s.campaignInvolve)
	s.handle(app, post, "/manage/campaigns/:id/notes", access.CampaignsManage, s.campaignNote(true))
	s.handle(app, post, "/manage/campaigns/:id/checklist", access.CampaignsManage, s.campaignItemAdd)
	s.handle(app, post, "/manage/campaigns/:id/checklist/:item_id", access.CampaignsManage, s.campaignTick(true))
	s.handle(app, post, "/manage/campaigns/:id/letters", access.CampaignsManage, s.campaignLetterAdd)
	s.handle(app, get, "/manage/reports/involvement", access.ReportsRead, s.involvementReport)
	// A partner member's version of the campaign page, in its own space.
	s.handle(app, get, "/partner/campaigns/:id", access.PartnerSpace, s.partnerCampaign)
	s.handle(app, post, "/partner/campaigns/:id/notes", access.CampaignsContribute, s.campaignNote(false))
	s.handle(app, post, "/partner/campaigns/:id/checklist/:item_id", access.CampaignsContribute, s.campaignTick(false))

	// -

	// Petitions: public pages.
	s.handle(app, get, "/p/:slug", access.Public, s.petitionPage)
	s.handle(app, post, "/p/:slug", access.Public, s.petitionSign)
	s.handle(app, get, "/manage/petitions", access.CampaignsManage, s.managePetitions)
	s.handle(app, get, "/manage/petitions/new", access.CampaignsManage, s.petitionNew) // before :id
	s.handle(app, post, "/manage/petitions", access.CampaignsManage, s.petitionCreate)
	s.handle(app, get, "/manage/petitions/:id/edit", access.CampaignsManage, s.petitionEdit)
	s.handle(app, post, "/manage/petitions/:id", access.CampaignsManage, s.petitionSave)

	// -

	// Partner space.
	s.handle(app, get, partnerHomePath, access.PartnerSpace, s.partnerHome)
	s.handle(app, get, partnerProfilePath, access.PartnerSpace, s.partnerProfileForm)
	s.handle(app, post, partnerProfilePath, access.PartnersWrite, s.partnerProfileSave)

	// -

	// People: staff pages, saved segments. Person ids are numbers, so that
	// the import and match pages below are not taken for people.
	s.handle(app, get, managePeoplePath, access.PeopleRead, s.managePeople)
	s.handle(app, get, "/manage/people/export", access.PeopleRead, apiH.PeopleExport) // the page's download is the API's export
	s.handle(app, get, "/manage/people/new", access.PeopleWrite, s.personNew)
	s.handle(app, post, managePeoplePath, access.PeopleWrite, s.personCreate)
	s.handle(app, get, "/manage/people/:id<int>", access.PeopleRead, s.personPage)
	s.handle(app, get, "/manage/people/:id<int>/edit", access.PeopleWrite, s.personEdit)
	s.handle(app, post, "/manage/people/:id<int>", access.PeopleWrite, s.personSave)
	s.handle(app, post, "/manage/people/:id<int>/consent", access.PeopleWrite, s.personConsent)
	s.handle(app, post, "/manage/people/:id<int>/sensitive", access.PeopleRead, s.personSensitive)
	s.handle(app, post, "/manage/segments", access.PeopleWrite, s.segmentSave)
	s.handle(app, post, "/manage/segments/:id<int>/delete", access.PeopleWrite, s.segmentDelete)

	// -

	// People: import and list matching pages.
	s.handle(app, get, manageImportPath, access.PeopleWrite, s.importPage)
	s.handle(app, post, manageImportPath, access.PeopleWrite, s.importUpload)
	s.handle(app, get, manageImportPath+"/:id", access.PeopleWrite, s.importMapping)
	s.handle(app, post, manageImportPath+"/:id", access.PeopleWrite, s.importRun)
	s.handle(app, get, manageMatchPath, access.PeopleRead, s.matchPage)
	s.handle(app, post, manageMatchPath, access.PeopleRead, s.matchList)

	// -

	// Reports: the dashboard and its CSV downloads.
	s.handle(app, get, "/manage/reports/people.csv", access.ReportsRead, s.reportCSV("people", peopleCSV))
	s.handle(app, get, "/manage/reports/shares.csv", access.ReportsRead, s.reportCSV("shares", sharesCSV))
	s.handle(app, get, "/manage/reports/trained.csv", access.ReportsRead, s.reportCSV("trained", trainedCSV))
	s.handle(app, get, "/manage/reports/quotas.csv", access.ReportsRead, s.reportCSV("quotas", quotasCSV))
	s.handle(app, get, "/manage/reports/partnerships.csv", access.ReportsRead, s.reportCSV("partnerships", partnershipsCSV))
	s.handle(app, get, "/manage/reports/campaigns.csv", access.ReportsRead, s.reportCSV("campaigns", campaignsCSV))

	// -

	// A person's rights: own data, erasure, the audit log.
	s.handle(app, get, "/account/data.json", access.AccountRead, s.myData)
	s.handle(app, post, "/account/erase", access.AccountWrite, s.eraseMe)
	s.handle(app, get, "/manage/people/:id<int>/data.json", access.PeopleAdmin, s.personData)
	s.handle(app, post, "/manage/people/:id<int>/erase", access.PeopleAdmin, s.personErase)

	// -

	// JSON API.
	s.handle(app, get, "/api/v1/me", access.AccountRead, apiH.Me)
	s.handle(app, patch, "/api/v1/me", access.AccountWrite, apiH.MeUpdate)
	s.handle(app, get, "/api/v1/users", access.UsersRead, apiH.ListUsers)
	s.handle(app, get, "/api/v1/audit", access.AuditRead, apiH.Audit)

	// JSON API: activities and registrations.
	s.handle(app, get, "/api/v1/activities", access.ActivitiesRead, apiH.ListActivities)
	s.handle(app, post, "/api/v1/activities", access.ActivitiesWrite, apiH.ActivityCreate)
	s.handle(app, get, "/api/v1/activities/:id", access.ActivitiesRead, apiH.Activity)
	s.handle(app, patch, "/api/v1/activities/:id", access.ActivitiesWrite, apiH.ActivityUpdate)
	s.handle(app, post, "/api/v1/activities/:id/publish", access.ActivitiesWrite, apiH.ActivityStatus(activities.StatusPublished))
	s.handle(app, post, "/api/v1/activities/:id/cancel", access.ActivitiesWrite, apiH.ActivityStatus(activities.StatusCancelled))
	s.handle(app, post, "/api/v1/activities/:id/complete", access.ActivitiesWrite, apiH.ActivityStatus(activities.StatusCompleted))
	s.handle(app, get, "/api/v1/activities/:id/quota", access.QuotasRead, apiH.ActivityQuota)
	s.handle(app, post, "/api/v1/activities/:id/registrations", access.Public, apiH.Register)
	s.handle(app, get, "/api/v1/activities/:id/registrations", access.RegistrationsRead, apiH.ActivityRegistrations)
	s.handle(app, post, "/api/v1/registrations/:id/cancel", access.RegistrationsWrite, apiH.RegistrationCancel)
	s.handle(app, post, "/api/v1/registrations/:id/attendance", access.AttendanceWrite, apiH.RegistrationAttendance)

	// JSON API: partner organisations.
	s.handle(app, get, "/api/v1/partners", access.PartnersRead, apiH.ListPartners)
	s.handle(app, post, "/api/v1/partners", access.PartnersManage, apiH.PartnerCreate)
	s.handle(app, get, "/api/v1/partners/:id", access.PartnersRead, apiH.Partner)
	s.handle(app, patch, "/api/v1/partners/:id", access.PartnersWrite, apiH.PartnerUpdate)
	s.handle(app, fiber.MethodPut, "/api/v1/partners/:id/partnership", access.PartnersManage, apiH.PartnershipSet)
	s.handle(app, get, "/api/v1/reports/partners", access.ReportsRead, apiH.PartnerReport)

	// -

	// JSON API: campaigns, notes, letters and reports.
	s.handle(app, get, "/api/v1/reports/summary", access.ReportsRead, apiH.ReportSummary)
	s.handle(app, get, "/api/v1/campaigns", access.CampaignsRead, apiH.ListCampaigns)
	s.handle(app, post, "/api/v1/campaigns", access.CampaignsManage, apiH.CampaignCreate)
	s.handle(app, get, "/api/v1/campaigns/:id", access.CampaignsRead, apiH.Campaign)
	s.handle(app, patch, "/api/v1/campaigns/:id", access.CampaignsManage, apiH.CampaignUpdate)
	s.handle(app, post, "/api/v1/campaigns/:id/advance", access.CampaignsManage, apiH.CampaignAdvance)
	s.handle(app, fiber.MethodPut, "/api/v1/campaigns/:id/partners/:partner_id", access.CampaignsManage, apiH.CampaignInvolvement)
	s.handle(app, get, "/api/v1/campaigns/:id/notes", access.CampaignsRead, apiH.CampaignNotes)
	s.handle(app, post, "/api/v1/campaigns/:id/notes", access.CampaignsContribute, apiH.CampaignNoteCreate)
	s.handle(app, get, "/api/v1/campaigns/:id/checklist", access.CampaignsRead, apiH.CampaignChecklist)
	s.handle(app, post, "/api/v1/campaigns/:id/checklist", access.CampaignsManage, apiH.CampaignChecklistAdd)
	s.handle(app, post, "/api/v1/campaigns/:id/checklist/:item_id", access.CampaignsContribute, apiH.CampaignTick)
	s.handle(app, get, "/api/v1/campaigns/:id/letters", access.CampaignsRead, apiH.CampaignLetters)
	s.handle(app, post, "/api/v1/campaigns/:id/letters", access.CampaignsManage, apiH.CampaignLetterCreate)
	s.handle(app, get, "/api/v1/reports/involvement", access.ReportsRead, apiH.InvolvementReport)

	// -

	// JSON API: people.
	s.handle(app, get, "/api/v1/people", access.PeopleRead, apiH.ListPeople)
	s.handle(app, get, "/api/v1/people/export", access.PeopleRead, apiH.PeopleExport)
	s.handle(app, post, "/api/v1/people/match", access.PeopleRead, apiH.PeopleMatch)

	// -

	// JSON API: people, one at a time; saved segments.
	s.handle(app, get, "/api/v1/people/count", access.PeopleRead, apiH.PeopleCount)
	s.handle(app, post, "/api/v1/people", access.PeopleWrite, apiH.PersonCreate)
	s.handle(app, get, "/api/v1/people/:id<int>", access.PeopleRead, apiH.PersonGet)
	s.handle(app, patch, "/api/v1/people/:id<int>", access.PeopleWrite, apiH.PersonUpdate)
	s.handle(app, get, "/api/v1/segments", access.PeopleRead, apiH.ListSegments)
	s.handle(app, post, "/api/v1/segments", access.PeopleWrite, apiH.SegmentCreate)
	s.handle(app, fiber.MethodDelete, "/api/v1/segments/:id<int>", access.PeopleWrite, apiH.SegmentDelete)

	// -

	// JSON API: import.
	s.handle(app, post, api.ImportPath, access.PeopleWrite, apiH.PeopleImport)

	// -

	// JSON API: reports.
	s.handle(app, get, "/api/v1/reports/quotas", access.ReportsRead, apiH.ReportQuotas)

	// -

	// JSON API: a person's rights.
	s.handle(app, get, "/api/v1/me/data", access.AccountRead, apiH.MyData)
	s.handle(app, fiber.MethodDelete, "/api/v1/me", access.AccountWrite, apiH.EraseMe)
	s.handle(app, get, "/api/v1/people/:id<int>/data", access.PeopleAdmin, apiH.PersonData)
	s.handle(app, fiber.MethodDelete, "/api/v1/people/:id<int>", access.PeopleAdmin, apiH.PersonErase)

	// -

	// JSON API: petitions and signatures.
	s.handle(app, get, "/api/v1/petitions", access.CampaignsRead, apiH.ListPetitions)
	s.handle(app, post, "/api/v1/petitions", access.CampaignsManage, apiH.PetitionCreate)
	s.handle(app, patch, "/api/v1/petitions/:id", access.CampaignsManage, apiH.PetitionUpdate)
	s.handle(app, post, "/api/v1/petitions/:slug/signatures", access.Public, apiH.Sign)
}
