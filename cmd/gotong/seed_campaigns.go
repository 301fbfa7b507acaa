package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/config"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/petitions"
	"gorm.io/gorm"
)

// demoPetitionSlug names the demo petition; when it exists, the demo
// campaign is there already.
const demoPetitionSlug = "free-to-speak"

// seedCampaigns creates the demo campaign, co-planned with the demo partner
// organisation at planning and monitoring, with a note, a checklist, letters
// and a petition.
func (c *cli) seedCampaigns(cfg config.Config, db *gorm.DB) error {
	sealer, err := people.NewSealer(cfg.Keys().Seal)
	if err != nil {
		return err
	}
	pets := petitions.NewStore(db, people.NewStore(db, sealer, clock.System), clock.System)
	if _, err := pets.GetBySlug(c.ctx, demoPetitionSlug); err == nil {
		fmt.Fprintf(c.stdout, "  %-12s %-30s %s\n", "campaign", demoPetitionSlug, "exists")
		return nil
	} else if !errors.Is(err, apperr.ErrNotFound) {
		return err
	}
	users := auth.NewStore(db, clock.System)
	lead, err := users.UserByEmail(c.ctx, "coordinator@demo.gotong.org")
	if err != nil {
		return err
	}
	partnerID, err := c.demoPartner(db)
	if err != nil {
		return err
	}
	staff := access.Viewer{UserID: lead.ID, Staff: true}
	store := campaigns.NewStore(db, users, clock.System)
	today := civil.Of(time.Now().UTC())
	camp, err := store.Create(c.ctx, staff, campaigns.Input{
		Title: map[string]string{"en": "Free to speak", "mn": "Үг хэлэх эрх чөлөө", "fr": "Libres de parler", "id": "Bebas bersuara"},
		Summary: map[string]string{"en": "For young people prosecuted for what they posted online.",
			"mn": "Цахимд бичсэнийхээ төлөө яллагдсан залуучуудын төлөө.",
			"fr": "Pour les jeunes poursuivis pour ce qu'ils ont publié en ligne.",
			"id": "Untuk anak muda yang dituntut karena unggahan mereka di internet."},
		Tags: &[]string{"freedom-of-expression", "privacy"}, StartsOn: &today, LeadID: &lead.ID,
		Partners: &[]campaigns.Involvement{{PartnerID: partnerID, Stages: []string{campaigns.StagePlanning, campaigns.StageMonitoring}}},
	})
	if err != nil {
		return err
	}
	if _, err := store.AddNote(c.ctx, staff, camp.ID, campaigns.StagePlanning,
		"First meeting with the youth council: they will run the school talks."); err != nil {
		return err
	}
	for _, item := range []string{"Choose three cases", "Book the hall for the launch"} {
		if _, err := store.AddItem(c.ctx, staff, camp.ID, campaigns.StagePlanning, item); err != nil {
			return err
		}
	}
	if _, err := store.AddLetter(c.ctx, staff, camp.ID, campaigns.LetterInput{Count: 120, DeliveredOn: today,
		Note: "Letters to the prosecutor's office"}); err != nil {
		return err
	}
	if _, err = pets.Create(c.ctx, lead.ID, petitions.Input{CampaignID: &camp.ID, Slug: ptr(demoPetitionSlug), Goal: ptr(1000),
		Title: map[string]string{"en": "Drop the charges", "mn": "Яллагаагаа цуцал", "fr": "Abandonnez les poursuites", "id": "Cabut tuntutannya"},
		Text: map[string]string{"en": "No young person should face prison for a post.", "mn": "Ямар ч залуу нийтлэлийнхээ төлөө шоронд орох ёсгүй.",
			"fr": "Aucun jeune ne devrait risquer la prison pour une publication.", "id": "Tidak ada anak muda yang pantas dipenjara karena sebuah unggahan."}}); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "  %-12s %-30s %s\n", "campaign", demoPetitionSlug, "created")
	return nil
}
