// Package ui holds the HTML pages' handlers and their forms, a file per
// area. The server's route table (package web) names each handler with its
// permission; the views engine (web) parses the pages listed in Pages.
package ui

import (
	"github.com/gotong/gotong/app/changes"
	"github.com/gotong/gotong/app/web/request"
)

// Handlers are the pages' handlers over the shared kit.
type Handlers struct {
	*request.Kit
	cards *changes.Cache[[]byte] // the link previews' pictures, see previews.go
}

// New returns the pages' handlers over k.
func New(k *request.Kit) *Handlers {
	// A card is kept by what it shows, which no write can make stale:
	// its generation never moves, and its lifetime only bounds the memory.
	return &Handlers{Kit: k, cards: changes.NewCache[[]byte](new(changes.Generation))}
}

// ErrorPage is the page that shows an error.
const ErrorPage = tplError

// Template names, one per file in views/pages.
const (
	tplHome       = "home"
	tplLogin      = "login"
	tplAccount    = "account"
	tplError      = "error"
	tplManage     = "manage"
	tplUsers      = "users"
	tplAuditLog   = "audit_log"
	tplActivities = "activities"
	tplActivity   = "activity"
	tplRegister   = "register"
	tplConfirm    = "confirm" // asks before a step that cannot be undone

	tplRegistration = "registration" // /r/{token}
	tplGuardian     = "guardian"     // /g/{token}

	tplVerifyCertificate = "verify_certificate" // /verify/{code}

	tplManageActivities = "manage_activities"
	tplManageActivity   = "manage_activity"
	tplActivityForm     = "manage_activity_form"
	tplApplications     = "manage_applications"

	tplManageCampaigns   = "manage_campaigns"
	tplCampaignForm      = "campaign_form"
	tplCampaign          = "campaign" // the staff's and the partner members' version
	tplInvolvementReport = "report_involvement"
	tplManagePartners    = "manage_partners"
	tplManagePartner     = "manage_partner"
	tplPartnerForm       = "manage_partner_form"
	tplPartnerHome       = "partner_home"
	tplReports           = "reports"

	tplSurvey         = "survey"          // /s/{token}
	tplPartnerSurveys = "partner_surveys" // a co-hosted activity's survey results
)

// Pages lists every page; Load fails when views/pages holds a file
// that is not listed here, or lacks one that is.
var Pages = []string{tplHome, tplLogin, tplAccount, tplError, tplManage, tplUsers, tplAuditLog,
	tplActivities, tplActivity, tplRegister, tplManageActivities, tplManageActivity, tplActivityForm,
	tplRosterPrint,
	tplPetition, tplManagePetitions, tplManagePetitionForm, tplCheckEmail, tplVerify,
	tplManagePeople, tplPersonForm, tplPerson,
	tplManageMailings, tplMailingForm, tplMailing,
	tplManageCampaigns, tplCampaignForm, tplCampaign, tplInvolvementReport,
	tplManagePartners, tplManagePartner, tplPartnerForm, tplPartnerHome, tplReports,
	tplImportUpload, tplImportMap, tplImportReport, tplMatch,
	tplUnsubscribe,
	tplRegistration, tplGuardian, tplConfirm, tplApplications,
	tplVerifyCertificate, tplSurvey, tplPartnerSurveys, tplPoster}
