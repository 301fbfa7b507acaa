package main

import (
	"errors"
	"fmt"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/auth"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
)

// DemoPassword is the password of every demo account. Demo data is for a
// laptop, never for a server that real people use.
const DemoPassword = "gotong-demo-2026"

// demoUsers has one account per role, in each of the four languages.
var demoUsers = []auth.NewUser{
	{Email: "admin@demo.gotong.org", DisplayName: "Nomin Admin", Role: access.Admin, Locale: "en"},
	{Email: "coordinator@demo.gotong.org", DisplayName: "Sari Koordinator", Role: access.Coordinator, Locale: "id"},
	{Email: "facilitator@demo.gotong.org", DisplayName: "Camille Animatrice", Role: access.Facilitator, Locale: "fr"},
	{Email: "partner@demo.gotong.org", DisplayName: "Болд Түнш", Role: access.Partner, Locale: "mn"},
	{Email: "participant@demo.gotong.org", DisplayName: "Saraa Bold", Role: access.Participant, Locale: "mn"},
}

// seedDemo creates what is missing of the demo data; running it again
// changes nothing.
func (c *cli) seedDemo(args []string) error {
	if err := parse(flags("seed demo"), args); err != nil {
		return err
	}
	cfg, db, err := c.open(true)
	if err != nil {
		return err
	}
	defer database.Close(db)
	users := auth.NewStore(db, clock.System)
	fmt.Fprintf(c.stdout, "demo accounts (password %q):\n", DemoPassword)
	for _, n := range demoUsers {
		state := "exists"
		if _, err := users.UserByEmail(c.ctx, n.Email); errors.Is(err, apperr.ErrNotFound) {
			n.Password = DemoPassword
			if n.Role == access.Partner {
				if n.PartnerID, err = c.demoPartner(db); err != nil {
					return err
				}
			}
			if _, err := users.CreateUser(c.ctx, 0, n); err != nil {
				return err
			}
			state = "created"
		} else if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "  %-12s %-30s %s\n", n.Role, n.Email, state)
	}
	if err := c.seedActivities(db); err != nil {
		return err
	}
	if err := c.seedDemoPeople(cfg, db); err != nil {
		return err
	}
	return c.seedCampaigns(cfg, db)
}
