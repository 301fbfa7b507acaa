package path

import (
	"context"
	"fmt"

	"github.com/gotong/gotong/app/activities"
	"gorm.io/gorm"
)

// The well-being change of the workshops, for the reports: each
// workshop's WHO-5 before and after and the change, and all of them
// together. The figures are Tally's, Compare's and Pool's: the rule of
// every survey's results.

// Workshop is an activity of kind wellbeing with both well-being surveys,
// and the responses to each.
type Workshop struct {
	Activity  *activities.Activity // with its translations
	Pre, Post []Given
}

// WellbeingResults are the results of the surveys before and after, and
// the change from one to the other.
type WellbeingResults struct {
	Pre, Post Results
	Change    Change
}

// WellbeingChange computes each workshop's results, in the order given,
// and those of all of them together, their responses pooled (Pool).
func WellbeingChange(ws []Workshop, minCell int) (each []WellbeingResults, all WellbeingResults) {
	each = make([]WellbeingResults, 0, len(ws))
	pres, posts := make([][]Given, len(ws)), make([][]Given, len(ws))
	for i, w := range ws {
		pre, post := Tally(SurveyWellbeingPre, w.Pre, minCell), Tally(SurveyWellbeingPost, w.Post, minCell)
		each = append(each, WellbeingResults{Pre: pre, Post: post, Change: Compare(pre, post)})
		pres[i], posts[i] = w.Pre, w.Post
	}
	all.Pre, all.Post = Pool(SurveyWellbeingPre, pres, minCell), Pool(SurveyWellbeingPost, posts, minCell)
	all.Change = Compare(all.Pre, all.Post)
	return each, all
}

// WellbeingWorkshops reads from db the workshops, by start: the
// activities of kind wellbeing, cancelled ones aside (they did not take
// place), that have both a wellbeing_pre and a wellbeing_post survey.
func WellbeingWorkshops(ctx context.Context, db *gorm.DB) ([]Workshop, error) {
	db = db.WithContext(ctx)
	var pairs []struct{ ActivityID, PreID, PostID int64 }
	err := db.Table("activities a").Select("a.id AS activity_id, pre.id AS pre_id, post.id AS post_id").
		Joins("JOIN surveys pre ON pre.activity_id = a.id AND pre.kind = ?", SurveyWellbeingPre).
		Joins("JOIN surveys post ON post.activity_id = a.id AND post.kind = ?", SurveyWellbeingPost).
		Where("a.kind = ? AND a.status <> ?", activities.KindWellbeing, activities.StatusCancelled).
		Order("a.starts_at, a.id").Scan(&pairs).Error
	if err != nil {
		return nil, fmt.Errorf("path: unable to read the well-being workshops: %w", err)
	}
	if len(pairs) == 0 {
		return []Workshop{}, nil
	}
	actIDs, surveyIDs := make([]int64, len(pairs)), make([]int64, 0, 2*len(pairs))
	for i, p := range pairs {
		actIDs[i] = p.ActivityID
		surveyIDs = append(surveyIDs, p.PreID, p.PostID)
	}
	var acts []activities.Activity
	if err := db.Preload("Translations").Where("id IN ?", actIDs).Find(&acts).Error; err != nil {
		return nil, fmt.Errorf("path: unable to read the well-being workshops: %w", err)
	}
	byID := make(map[int64]*activities.Activity, len(acts))
	for i := range acts {
		byID[acts[i].ID] = &acts[i]
	}
	given, err := readResponses(db, surveyIDs)
	if err != nil {
		return nil, err
	}
	out := make([]Workshop, 0, len(pairs))
	for _, p := range pairs { // an activity is never deleted
		out = append(out, Workshop{Activity: byID[p.ActivityID], Pre: given[p.PreID], Post: given[p.PostID]})
	}
	return out, nil
}
