package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/web/api"
	"github.com/gotong/gotong/app/web/ui"
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
	apiH, uiH := api.New(s.Kit), ui.New(s.Kit)

	s.handle(app, get, "/static/*", access.Public, s.static)
	s.handle(app, get, "/favicon.ico", access.Public, s.favicon)
	s.handle(app, get, "/healthz", access.Public, s.healthz)
	s.handle(app, get, "/readyz", access.Public, s.readyz)

	app.Use(privateLinks, s.identify, s.csrfProtect(), s.refuseUnstorableText)

	// Pages.
	s.handle(app, get, "/", access.Public, uiH.Home)
	s.handle(app, get, "/login", access.Public, uiH.LoginForm)
	s.handle(app, post, "/login", access.Public, append(s.loginLimits(), uiH.Login)...)
	s.handle(app, post, "/logout", access.Public, uiH.Logout)
	s.handle(app, get, "/account", access.AccountRead, uiH.Account)
	s.handle(app, post, "/account", access.AccountWrite, uiH.AccountSave)
	s.handle(app, get, "/account/registrations/:id/cancel", access.AccountWrite, uiH.MyRegistrationCancelConfirm)
	s.handle(app, post, "/account/registrations/:id/cancel", access.AccountWrite, uiH.CancelMyRegistration)
	s.handle(app, get, "/manage", access.ManageRead, uiH.Manage)
	s.handle(app, get, "/manage/users", access.UsersRead, uiH.UsersList)
	s.handle(app, get, "/manage/audit", access.AuditRead, uiH.AuditList)
	s.handle(app, get, "/manage/activities", access.ActivitiesRead, uiH.ManageActivities)
	s.handle(app, get, "/manage/activities/new", access.ActivitiesWrite, uiH.ActivityNew) // before :id
	s.handle(app, post, "/manage/activities", access.ActivitiesWrite, uiH.ActivityCreate)
	s.handle(app, get, "/manage/activities/:id", access.ActivitiesRead, uiH.ManageActivity)
	s.handle(app, get, "/manage/activities/:id/edit", access.ActivitiesWrite, uiH.ActivityEdit)
	s.handle(app, post, "/manage/activities/:id", access.ActivitiesWrite, uiH.ActivitySave)
	s.handle(app, post, "/manage/activities/:id/status", access.ActivitiesWrite, uiH.ActivitySetStatus)
	s.handle(app, get, "/manage/activities/:id/cancel", access.ActivitiesWrite, uiH.ActivityCancelConfirm)
	s.handle(app, post, "/manage/activities/:id/facilitators", access.ActivitiesWrite, uiH.ActivitySetFacilitators)
	s.handle(app, get, "/manage/activities/:id/registrations.csv", access.RegistrationsRead, uiH.RegistrationsCSV)
	s.handle(app, get, "/manage/activities/:id/applications", access.RegistrationsWrite, uiH.Applications)
	s.handle(app, post, "/manage/activities/:id/applications", access.RegistrationsWrite, uiH.ApplicationsDecide)
	s.handle(app, post, "/manage/registrations/:id/attendance", access.AttendanceWrite, uiH.RegistrationAttendance)
	s.handle(app, get, "/manage/activities/:id/roster", access.RegistrationsRead, uiH.RosterPrint)
	s.handle(app, post, "/manage/activities/:id/attendance", access.AttendanceWrite, uiH.RosterMarks)
	s.handle(app, get, "/manage/registrations/:id/cancel", access.RegistrationsWrite, uiH.RegistrationCancelConfirm)
	s.handle(app, post, "/manage/registrations/:id/cancel", access.RegistrationsWrite, uiH.RegistrationCancel)
	s.handle(app, get, "/activities", access.Public, s.cachedPage(uiH.ActivitiesList))
	s.handle(app, get, "/activities/:slug", access.Public, s.cachedPage(uiH.ActivityPage)) // also :slug.ics
	s.handle(app, get, "/activities/:slug/register", access.Public, s.cachedPage(uiH.RegisterForm))
	s.handle(app, get, "/activities/:slug/card.png", access.Public, uiH.ActivityCard) // kept by what it shows
	s.handle(app, post, "/activities/:slug/register", access.Public, uiH.RegisterSubmit)
	s.handle(app, get, "/activities/:slug/check-email", access.Public, uiH.CheckEmail)
	s.handle(app, get, "/activities/:slug/poster", access.Public, uiH.ActivityPoster)
	s.handle(app, get, "/activities/:slug/qr.png", access.Public, uiH.ActivityQRPNG)
	s.handle(app, get, "/activities/:slug/qr.svg", access.Public, uiH.ActivityQRSVG)

	// Private links of registrations: the registration's own page, its
	// guardian's answer (a form's confirmation is /v/:token, below).
	s.handle(app, get, "/r/:token.ics", access.Public, uiH.MyCalendar) // before /r/:token
	s.handle(app, get, "/r/:token", access.Public, uiH.MyRegistration)
	s.handle(app, post, "/r/:token/cancel", access.Public, uiH.CancelMyPlace)
	s.handle(app, get, "/r/:token/certificate.pdf", access.Public, uiH.LinkCertificate)
	s.handle(app, post, "/r/:token/certificate", access.Public, uiH.LinkCertificateChoice)
	s.handle(app, get, "/g/:token", access.Public, uiH.GuardianForm)
	s.handle(app, post, "/g/:token", access.Public, uiH.GuardianAnswer)

	// Partner organisations: staff pages.
	s.handle(app, get, "/manage/partners", access.PartnersManage, uiH.ManagePartners)
	s.handle(app, get, "/manage/partners/new", access.PartnersManage, uiH.PartnerNew) // before :id
	s.handle(app, post, "/manage/partners", access.PartnersManage, uiH.PartnerCreate)
	s.handle(app, get, "/manage/partners/:id", access.PartnersManage, uiH.ManagePartner)
	s.handle(app, get, "/manage/partners/:id/edit", access.PartnersManage, uiH.PartnerEdit)
	s.handle(app, post, "/manage/partners/:id", access.PartnersManage, uiH.PartnerSave)
	s.handle(app, post, "/manage/partners/:id/partnership", access.PartnersManage, uiH.PartnershipSave)
	s.handle(app, post, "/manage/activities/:id/partners", access.ActivitiesWrite, uiH.ActivitySetPartners)

	// -

	// Campaigns: staff pages and reports.
	s.handle(app, get, "/manage/reports", access.ReportsRead, uiH.ReportsPage)
	s.handle(app, get, "/manage/campaigns", access.CampaignsManage, uiH.ManageCampaigns)
	s.handle(app, get, "/manage/campaigns/new", access.CampaignsManage, uiH.CampaignNew) // before :id
	s.handle(app, post, "/manage/campaigns", access.CampaignsManage, uiH.CampaignCreate)
	s.handle(app, get, "/manage/campaigns/:id", access.CampaignsManage, uiH.ManageCampaign)
	s.handle(app, get, "/manage/campaigns/:id/edit", access.CampaignsManage, uiH.CampaignEdit)
	s.handle(app, post, "/manage/campaigns/:id", access.CampaignsManage, uiH.CampaignSave)
	s.handle(app, post, "/manage/campaigns/:id/advance", access.CampaignsManage, uiH.CampaignAdvance)
	s.handle(app, post, "/manage/campaigns/:id/partners", access.CampaignsManage, uiH.CampaignInvolve)
	s.handle(app, post, "/manage/campaigns/:id/notes", access.CampaignsManage, uiH.CampaignNote(true))
	s.handle(app, post, "/manage/campaigns/:id/checklist", access.CampaignsManage, uiH.CampaignItemAdd)
	s.handle(app, post, "/manage/campaigns/:id/checklist/:item_id", access.CampaignsManage, uiH.CampaignTick(true))
	s.handle(app, post, "/manage/campaigns/:id/letters", access.CampaignsManage, uiH.CampaignLetterAdd)
	s.handle(app, get, "/manage/reports/involvement", access.ReportsRead, uiH.InvolvementReport)
	// A partner member's version of the campaign page, in its own space.
	s.handle(app, get, "/partner/campaigns/:id", access.PartnerSpace, uiH.PartnerCampaign)
	s.handle(app, post, "/partner/campaigns/:id/notes", access.CampaignsContribute, uiH.CampaignNote(false))
	s.handle(app, post, "/partner/campaigns/:id/checklist/:item_id", access.CampaignsContribute, uiH.CampaignTick(false))

	// -

	// The page of every emailed link of a public form: GET shows what it
	// confirms, the POST of its one button confirms it.
	s.handle(app, get, "/v/:token", access.Public, uiH.VerifyPage)
	s.handle(app, post, "/v/:token", access.Public, uiH.VerifyConfirm)

	// Petitions: public pages.
	s.handle(app, get, "/p/:slug", access.Public, uiH.PetitionPage)
	s.handle(app, post, "/p/:slug", access.Public, uiH.PetitionSign)
	s.handle(app, get, "/p/:slug/check-email", access.Public, uiH.PetitionCheckEmail)
	s.handle(app, get, "/p/:slug/poster", access.Public, uiH.PetitionPoster)
	s.handle(app, get, "/p/:slug/qr.png", access.Public, uiH.PetitionQRPNG)
	s.handle(app, get, "/p/:slug/qr.svg", access.Public, uiH.PetitionQRSVG)
	s.handle(app, get, "/p/:slug/card.png", access.Public, uiH.PetitionCard)
	s.handle(app, get, "/manage/petitions", access.CampaignsManage, uiH.ManagePetitions)
	s.handle(app, get, "/manage/petitions/new", access.CampaignsManage, uiH.PetitionNew) // before :id
	s.handle(app, post, "/manage/petitions", access.CampaignsManage, uiH.PetitionCreate)
	s.handle(app, get, "/manage/petitions/:id/edit", access.CampaignsManage, uiH.PetitionEdit)
	s.handle(app, post, "/manage/petitions/:id", access.CampaignsManage, uiH.PetitionSave)

	// -

	// Partner space.
	s.handle(app, get, ui.PartnerHomePath, access.PartnerSpace, uiH.PartnerHome)
	s.handle(app, get, ui.PartnerProfilePath, access.PartnerSpace, uiH.PartnerProfileForm)
	s.handle(app, post, ui.PartnerProfilePath, access.PartnersWrite, uiH.PartnerProfileSave)

	// -

	// People: staff pages, saved segments. Person ids are numbers, so that
	// the import and match pages below are not taken for people.
	s.handle(app, get, ui.ManagePeoplePath, access.PeopleRead, uiH.ManagePeople)
	s.handle(app, get, "/manage/people/export", access.PeopleRead, apiH.PeopleExport) // the page's download is the API's export
	s.handle(app, get, ui.ManageSensitiveExportPath, access.PeopleAdmin, uiH.SensitiveExportConfirm)
	s.handle(app, get, "/manage/people/new", access.PeopleWrite, uiH.PersonNew)
	s.handle(app, post, ui.ManagePeoplePath, access.PeopleWrite, uiH.PersonCreate)
	s.handle(app, get, "/manage/people/:id<int>", access.PeopleRead, uiH.PersonPage)
	s.handle(app, get, "/manage/people/:id<int>/edit", access.PeopleWrite, uiH.PersonEdit)
	s.handle(app, post, "/manage/people/:id<int>", access.PeopleWrite, uiH.PersonSave)
	s.handle(app, post, "/manage/people/:id<int>/consent", access.PeopleWrite, uiH.PersonConsent)
	s.handle(app, post, "/manage/people/:id<int>/sensitive", access.PeopleRead, uiH.PersonSensitive)
	s.handle(app, post, "/manage/segments", access.PeopleWrite, uiH.SegmentSave)
	s.handle(app, get, "/manage/segments/:id<int>/delete", access.PeopleWrite, uiH.SegmentDeleteConfirm)
	s.handle(app, post, "/manage/segments/:id<int>/delete", access.PeopleWrite, uiH.SegmentDelete)

	// -

	// Mailings: staff pages. Mailing ids are numbers, so that "new" is not
	// taken for one.
	s.handle(app, get, ui.ManageMailingsPath, access.MailingsRead, uiH.ManageMailings)
	s.handle(app, get, ui.ManageMailingsPath+"/new", access.MailingsWrite, uiH.MailingNew)
	s.handle(app, post, ui.ManageMailingsPath, access.MailingsWrite, uiH.MailingCreate)
	s.handle(app, get, ui.ManageMailingsPath+"/:id<int>", access.MailingsRead, uiH.MailingPage)
	s.handle(app, get, ui.ManageMailingsPath+"/:id<int>/edit", access.MailingsWrite, uiH.MailingEdit)
	s.handle(app, post, ui.ManageMailingsPath+"/:id<int>", access.MailingsWrite, uiH.MailingSave)
	s.handle(app, post, ui.ManageMailingsPath+"/:id<int>/test", access.MailingsWrite, uiH.MailingTest)
	s.handle(app, get, ui.ManageMailingsPath+"/:id<int>/send", access.MailingsWrite, uiH.MailingSendConfirm)
	s.handle(app, post, ui.ManageMailingsPath+"/:id<int>/send", access.MailingsWrite, uiH.MailingSend)
	s.handle(app, post, ui.ManageMailingsPath+"/:id<int>/schedule", access.MailingsWrite, uiH.MailingSchedule)
	s.handle(app, post, ui.ManageMailingsPath+"/:id<int>/cancel", access.MailingsWrite, uiH.MailingCancel)
	s.handle(app, get, ui.ManageMailingsPath+"/:id<int>/delete", access.MailingsWrite, uiH.MailingDeleteConfirm)
	s.handle(app, post, ui.ManageMailingsPath+"/:id<int>/delete", access.MailingsWrite, uiH.MailingDelete)

	// -

	// People: import and list matching pages.
	s.handle(app, get, ui.ManageImportPath, access.PeopleWrite, uiH.ImportPage)
	s.handle(app, post, ui.ManageImportPath, access.PeopleWrite, uiH.ImportUpload)
	s.handle(app, get, ui.ManageImportPath+"/:id", access.PeopleWrite, uiH.ImportMapping)
	s.handle(app, post, ui.ManageImportPath+"/:id", access.PeopleWrite, uiH.ImportRun)
	s.handle(app, get, ui.ManageMatchPath, access.PeopleRead, uiH.MatchPage)
	s.handle(app, post, ui.ManageMatchPath, access.PeopleRead, uiH.MatchList)

	// -

	// Reports: the dashboard and its CSV downloads.
	s.handle(app, get, "/manage/reports/people.csv", access.ReportsRead, uiH.ReportCSV("people", ui.PeopleCSV))
	s.handle(app, get, "/manage/reports/shares.csv", access.ReportsRead, uiH.ReportCSV("shares", ui.SharesCSV))
	s.handle(app, get, "/manage/reports/trained.csv", access.ReportsRead, uiH.ReportCSV("trained", ui.TrainedCSV))
	s.handle(app, get, "/manage/reports/quotas.csv", access.ReportsRead, uiH.ReportCSV("quotas", ui.QuotasCSV))
	s.handle(app, get, "/manage/reports/partnerships.csv", access.ReportsRead, uiH.ReportCSV("partnerships", ui.PartnershipsCSV))
	s.handle(app, get, "/manage/reports/campaigns.csv", access.ReportsRead, uiH.ReportCSV("campaigns", ui.CampaignsCSV))
	s.handle(app, get, "/manage/reports/hours.csv", access.ReportsRead, uiH.ReportCSV("hours", ui.HoursCSV))
	s.handle(app, get, "/manage/reports/trained-years.csv", access.ReportsRead, uiH.ReportCSV("trained-years", ui.TrainedYearsCSV))
	s.handle(app, get, "/manage/reports/wellbeing.csv", access.ReportsRead, uiH.ReportCSV("wellbeing", ui.WellbeingCSV))
	s.handle(app, get, "/manage/reports/sources.csv", access.ReportsRead, uiH.ReportCSV("sources", ui.SourcesCSV))

	// -

	// A person's rights: own data, erasure, the audit log.
	s.handle(app, get, "/account/data.json", access.AccountRead, uiH.MyData)
	s.handle(app, post, "/account/erase", access.AccountWrite, uiH.EraseMe)
	s.handle(app, get, "/manage/people/:id<int>/data.json", access.PeopleAdmin, uiH.PersonData)
	s.handle(app, post, "/manage/people/:id<int>/erase", access.PeopleAdmin, uiH.PersonErase)

	// -

	// Mailings: public links. A recipient's unsubscribe page and its
	// one-click POST (RFC 8058, without _csrf: see csrfProtect); a counted
	// link, which names no recipient.
	s.handle(app, get, "/u/:token", access.Public, uiH.UnsubscribePage)
	s.handle(app, post, "/u/:token", access.Public, uiH.Unsubscribe)
	s.handle(app, get, "/c/:token", access.Public, uiH.FollowLink)

	// -

	// Certificates of attendance: the holder's own downloads (the private
	// link's are above), and the public check of a code.
	s.handle(app, get, "/account/registrations/:id/certificate.pdf", access.AccountRead, uiH.AccountCertificate)
	s.handle(app, post, "/account/registrations/:id/certificate", access.AccountWrite, uiH.AccountCertificateChoice)
	s.handle(app, get, "/verify/:code", access.Public, uiH.VerifyCertificate)
	s.handle(app, get, "/api/v1/certificates/:code", access.Public, apiH.Certificate)

	// -

	// JSON API.
	s.handle(app, get, "/api/v1/openapi.json", access.Public, apiH.OpenAPI) // docs/openapi.yaml
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
	s.handle(app, post, "/api/v1/activities/:id/attendance", access.AttendanceWrite, apiH.ActivityAttendance)
	s.handle(app, post, "/api/v1/registrations/:id/cancel", access.RegistrationsWrite, apiH.RegistrationCancel)
	s.handle(app, post, "/api/v1/registrations/:id/attendance", access.AttendanceWrite, apiH.RegistrationAttendance)
	s.handle(app, post, "/api/v1/registrations/:id/guardian", access.RegistrationsWrite, apiH.RegistrationGuardian)
	s.handle(app, post, "/api/v1/registrations/:id/accept", access.RegistrationsWrite, apiH.RegistrationDecision(true))
	s.handle(app, post, "/api/v1/registrations/:id/decline", access.RegistrationsWrite, apiH.RegistrationDecision(false))
	s.handle(app, post, "/api/v1/activities/:id/accept", access.RegistrationsWrite, apiH.ActivityDecision(true))
	s.handle(app, post, "/api/v1/activities/:id/decline", access.RegistrationsWrite, apiH.ActivityDecision(false))

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
	s.handle(app, get, "/api/v1/reports/training", access.ReportsRead, apiH.ReportTraining)
	s.handle(app, get, "/api/v1/reports/wellbeing", access.ReportsRead, apiH.ReportWellbeing)
	s.handle(app, get, "/api/v1/reports/sources", access.ReportsRead, apiH.ReportSources)

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

	// -

	// JSON API: mailings to segments.
	s.handle(app, get, "/api/v1/mailings", access.MailingsRead, apiH.ListMailings)
	s.handle(app, post, "/api/v1/mailings", access.MailingsWrite, apiH.MailingCreate)
	s.handle(app, get, "/api/v1/mailings/:id<int>", access.MailingsRead, apiH.Mailing)
	s.handle(app, patch, "/api/v1/mailings/:id<int>", access.MailingsWrite, apiH.MailingUpdate)
	s.handle(app, fiber.MethodDelete, "/api/v1/mailings/:id<int>", access.MailingsWrite, apiH.MailingDelete)
	s.handle(app, post, "/api/v1/mailings/:id<int>/test", access.MailingsWrite, apiH.MailingTest)
	s.handle(app, post, "/api/v1/mailings/:id<int>/send", access.MailingsWrite, apiH.MailingSend)
	s.handle(app, post, "/api/v1/mailings/:id<int>/cancel", access.MailingsWrite, apiH.MailingCancel)

	// -

	// JSON API: the youth path. A person's, for staff who read people (a
	// partner member gets 404); one's own, for any account.
	s.handle(app, get, "/api/v1/people/:id<int>/path", access.PeopleRead, apiH.PersonPathGet)
	s.handle(app, get, "/api/v1/me/path", access.AccountRead, apiH.MyPath)
	// Surveys (the youth path): an invitation's private link, whose GET
	// shows the questions and whose POST answers them once; the staff add
	// surveys on the activity's page; partner members read the results of
	// what their organisation co-hosts.
	s.handle(app, get, "/s/:token", access.Public, uiH.SurveyForm)
	s.handle(app, post, "/s/:token", access.Public, uiH.SurveyAnswer)
	s.handle(app, post, "/manage/activities/:id/surveys", access.SurveysWrite, uiH.SurveyAdd)
	s.handle(app, get, "/partner/activities/:id/surveys", access.SurveysRead, uiH.PartnerSurveys)
	s.handle(app, get, "/api/v1/activities/:id/surveys", access.SurveysRead, apiH.ActivitySurveys)
	s.handle(app, post, "/api/v1/activities/:id/surveys", access.SurveysWrite, apiH.SurveyCreate)
	s.handle(app, get, "/api/v1/surveys/:id/results", access.SurveysRead, apiH.SurveyResults)
}
