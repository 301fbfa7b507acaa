package main

import (
	"github.com/gotong/gotong/app"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/partners"
)

// demoPartnerName names the organisation of the demo partner account.
const demoPartnerName = "Ulaanbaatar Youth Council"

// demoPartner finds or creates the demo partner account's organisation and
// returns its id: a partner account needs one that exists.
func (c *cli) demoPartner(a *app.App) (int64, error) {
	store := a.Partners
	staff := access.Viewer{Staff: true}
	list, err := store.List(c.ctx, staff, partners.Filter{Kind: partners.KindYouthCouncil})
	if err != nil {
		return 0, err
	}
	for _, p := range list {
		if p.Name == demoPartnerName {
			return p.ID, nil
		}
	}
	p, err := store.Create(c.ctx, staff, partners.Input{Name: ptr(demoPartnerName), Kind: ptr(partners.KindYouthCouncil),
		Region: ptr("MN-1"), Website: ptr("https://youth-council.example.org"),
		Description: map[string]string{
			"en": "The city's youth council: young people aged 14 to 30 who speak for their districts.",
			"mn": "Нийслэлийн залуучуудын зөвлөл: дүүргүүдээ төлөөлдөг 14-30 насны залуучууд.",
			"fr": "Le conseil de la jeunesse de la ville : des jeunes de 14 à 30 ans qui portent la voix de leurs quartiers.",
			"id": "Dewan pemuda kota: anak muda berusia 14 sampai 30 tahun yang menyuarakan distrik mereka.",
		}})
	if err != nil {
		return 0, err
	}
	return p.ID, nil
}
