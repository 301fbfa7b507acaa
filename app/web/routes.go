package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
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
	s.handle(app, get, "/manage/people/export", access.PeopleRead, s.peopleExport)
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
	s.handle(app, get, "/api/v1/openapi.json", access.Public, s.apiOpenAPI) // docs/openapi.yaml
	s.handle(app, get, "/api/v1/me", access.AccountRead, s.apiMe)
	s.handle(app, patch, "/api/v1/me", access.AccountWrite, s.apiMeUpdate)
	s.handle(app, get, "/api/v1/users", access.UsersRead, s.apiUsers)
	s.handle(app, get, "/api/v1/audit", access.AuditRead, s.apiAudit)

	// JSON API: activities and registrations.
	s.handle(app, get, "/api/v1/activities", access.ActivitiesRead, s.apiActivities)
	s.handle(app, post, "/api/v1/activities", access.ActivitiesWrite, s.apiActivityCreate)
	s.handle(app, get, "/api/v1/activities/:id", access.ActivitiesRead, s.apiActivity)
	s.handle(app, patch, "/api/v1/activities/:id", access.ActivitiesWrite, s.apiActivityUpdate)
	s.handle(app, post, "/api/v1/activities/:id/publish", access.ActivitiesWrite, s.apiActivityStatus(activities.StatusPublished))
	s.handle(app, post, "/api/v1/activities/:id/cancel", access.ActivitiesWrite, s.apiActivityStatus(activities.StatusCancelled))
	s.handle(app, post, "/api/v1/activities/:id/complete", access.ActivitiesWrite, s.apiActivityStatus(activities.StatusCompleted))
	s.handle(app, get, "/api/v1/activities/:id/quota", access.QuotasRead, s.apiActivityQuota)
	s.handle(app, post, "/api/v1/activities/:id/registrations", access.Public, s.apiRegister)
	s.handle(app, get, "/api/v1/activities/:id/registrations", access.RegistrationsRead, s.apiActivityRegistrations)
	s.handle(app, post, "/api/v1/registrations/:id/cancel", access.RegistrationsWrite, s.apiRegistrationCancel)
	s.handle(app, post, "/api/v1/registrations/:id/attendance", access.AttendanceWrite, s.apiRegistrationAttendance)

	// JSON API: partner organisations.
	s.handle(app, get, "/api/v1/partners", access.PartnersRead, s.apiPartners)
	s.handle(app, post, "/api/v1/partners", access.PartnersManage, s.apiPartnerCreate)
	s.handle(app, get, "/api/v1/partners/:id", access.PartnersRead, s.apiPartner)
	s.handle(app, patch, "/api/v1/partners/:id", access.PartnersWrite, s.apiPartnerUpdate)
	s.handle(app, fiber.MethodPut, "/api/v1/partners/:id/partnership", access.PartnersManage, s.apiPartnershipSet)
	s.handle(app, get, "/api/v1/reports/partners", access.ReportsRead, s.apiPartnerReport)

	// -

	// JSON API: campaigns, notes, letters and reports.
	s.handle(app, get, "/api/v1/reports/summary", access.ReportsRead, s.apiReportSummary)
	s.handle(app, get, "/api/v1/campaigns", access.CampaignsRead, s.apiCampaigns)
	s.handle(app, post, "/api/v1/campaigns", access.CampaignsManage, s.apiCampaignCreate)
	s.handle(app, get, "/api/v1/campaigns/:id", access.CampaignsRead, s.apiCampaign)
	s.handle(app, patch, "/api/v1/campaigns/:id", access.CampaignsManage, s.apiCampaignUpdate)
	s.handle(app, post, "/api/v1/campaigns/:id/advance", access.CampaignsManage, s.apiCampaignAdvance)
	s.handle(app, fiber.MethodPut, "/api/v1/campaigns/:id/partners/:partner_id", access.CampaignsManage, s.apiCampaignInvolvement)
	s.handle(app, get, "/api/v1/campaigns/:id/notes", access.CampaignsRead, s.apiCampaignNotes)
	s.handle(app, post, "/api/v1/campaigns/:id/notes", access.CampaignsContribute, s.apiCampaignNoteCreate)
	s.handle(app, get, "/api/v1/campaigns/:id/checklist", access.CampaignsRead, s.apiCampaignChecklist)
	s.handle(app, post, "/api/v1/campaigns/:id/checklist", access.CampaignsManage, s.apiCampaignChecklistAdd)
	s.handle(app, post, "/api/v1/campaigns/:id/checklist/:item_id", access.CampaignsContribute, s.apiCampaignTick)
	s.handle(app, get, "/api/v1/campaigns/:id/letters", access.CampaignsRead, s.apiCampaignLetters)
	s.handle(app, post, "/api/v1/campaigns/:id/letters", access.CampaignsManage, s.apiCampaignLetterCreate)
	s.handle(app, get, "/api/v1/reports/involvement", access.ReportsRead, s.apiInvolvementReport)

	// -

	// JSON API: people.
	s.handle(app, get, "/api/v1/people", access.PeopleRead, s.apiPeople)
	s.handle(app, get, "/api/v1/people/export", access.PeopleRead, s.apiPeopleExport)
	s.handle(app, post, "/api/v1/people/match", access.PeopleRead, s.apiPeopleMatch)

	// -

	// JSON API: people, one at a time; saved segments.
	s.handle(app, get, "/api/v1/people/count", access.PeopleRead, s.apiPeopleCount)
	s.handle(app, post, "/api/v1/people", access.PeopleWrite, s.apiPersonCreate)
	s.handle(app, get, "/api/v1/people/:id<int>", access.PeopleRead, s.apiPersonGet)
	s.handle(app, patch, "/api/v1/people/:id<int>", access.PeopleWrite, s.apiPersonUpdate)
	s.handle(app, get, "/api/v1/segments", access.PeopleRead, s.apiSegments)
	s.handle(app, post, "/api/v1/segments", access.PeopleWrite, s.apiSegmentCreate)
	s.handle(app, fiber.MethodDelete, "/api/v1/segments/:id<int>", access.PeopleWrite, s.apiSegmentDelete)

	// -

	// JSON API: import.
	s.handle(app, post, apiImportPath, access.PeopleWrite, s.apiPeopleImport)

	// -

	// JSON API: reports.
	s.handle(app, get, "/api/v1/reports/quotas", access.ReportsRead, s.apiReportQuotas)

	// -

	// JSON API: a person's rights.
	s.handle(app, get, "/api/v1/me/data", access.AccountRead, s.apiMyData)
	s.handle(app, fiber.MethodDelete, "/api/v1/me", access.AccountWrite, s.apiEraseMe)
	s.handle(app, get, "/api/v1/people/:id<int>/data", access.PeopleAdmin, s.apiPersonData)
	s.handle(app, fiber.MethodDelete, "/api/v1/people/:id<int>", access.PeopleAdmin, s.apiPersonErase)

	// -

	// JSON API: petitions and signatures.
	s.handle(app, get, "/api/v1/petitions", access.CampaignsRead, s.apiPetitions)
	s.handle(app, post, "/api/v1/petitions", access.CampaignsManage, s.apiPetitionCreate)
	s.handle(app, patch, "/api/v1/petitions/:id", access.CampaignsManage, s.apiPetitionUpdate)
	s.handle(app, post, "/api/v1/petitions/:slug/signatures", access.Public, s.apiSign)
}
