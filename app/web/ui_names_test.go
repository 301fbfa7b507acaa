package web

import "github.com/gotong/gotong/app/web/ui"

// The pages' names under the names the tests knew them by.
const (
	manageImportPath = ui.ManageImportPath
	manageMatchPath  = ui.ManageMatchPath
	managePeoplePath = ui.ManagePeoplePath
	formTime         = ui.FormTime
	peoplePageSize   = ui.PeoplePageSize
	defaultNext      = ui.DefaultNext
)

var activityFormOf = ui.ActivityFormOf
var parseFormTime = ui.ParseFormTime
var managePartnerPath = ui.ManagePartnerPath
var manageActivityPath = ui.ManageActivityPath
var managePersonPath = ui.ManagePersonPath
var petitionFormOf = ui.PetitionFormOf
