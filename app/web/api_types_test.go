package web

import "github.com/gotong/gotong/app/web/api"

// The API's types under the names the tests knew them by.
type (
	apiActivity        = api.Activity
	apiCampaign        = api.Campaign
	apiCampaignFigures = api.CampaignFigures
	apiChecklistItem   = api.ChecklistItem
	apiInvolvement     = api.Involvement
	apiLetter          = api.Letter
	apiLetterTotals    = api.LetterTotals
	apiNote            = api.Note
	apiPartner         = api.Partner
	apiPerson          = api.Person
	apiPersonFull      = api.PersonFull
	apiPetition        = api.Petition
	apiQuotaSummary    = api.QuotaSummary
	apiRegionCount     = api.RegionCount
	apiRegistration    = api.Registration
	apiSegment         = api.Segment
	apiShare           = api.Share
	apiStageCount      = api.StageCount
	apiSummary         = api.Summary
	segmentBody        = api.SegmentBody
)

var personPath = api.PersonPath
