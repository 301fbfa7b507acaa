package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/sharing"
	"github.com/gotong/gotong/app/web/request"
)

// Petition is a Petition as API.md shows it.
type Petition struct {
	ID         int64             `json:"id"`
	CampaignID int64             `json:"campaign_id"`
	Slug       string            `json:"slug"`
	Title      map[string]string `json:"title"`
	Text       map[string]string `json:"text"`
	Goal       int               `json:"goal"`
	Signatures int               `json:"signatures"`
}

func toAPIPetition(p *petitions.Petition) Petition {
	out := Petition{ID: p.ID, CampaignID: p.CampaignID, Slug: p.Slug, Goal: p.Goal, Signatures: p.Signatures,
		Title: map[string]string{}, Text: map[string]string{}}
	for _, t := range p.Translations {
		if t.Title != "" {
			out.Title[t.Locale] = t.Title
		}
		if t.Text != "" {
			out.Text[t.Locale] = t.Text
		}
	}
	return out
}

// petitionBody is a Petition as a client sends it; pointers tell a field
// left out (kept as it is) from one given. The id may only be repeated as
// it is, so that a body read from the API can be sent back.
type petitionBody struct {
	ID         *int64            `json:"id"`
	CampaignID *int64            `json:"campaign_id"`
	Slug       *string           `json:"slug"`
	Title      map[string]string `json:"title"`
	Text       map[string]string `json:"text"`
	Goal       *int              `json:"goal"`
	// Signatures is a count, not a setting: a body read back from the API
	// may carry it, and it changes nothing.
	Signatures *int `json:"signatures"`
}

func (b *petitionBody) input(id int64) (petitions.Input, error) {
	if b.ID != nil && *b.ID != id {
		return petitions.Input{}, apperr.Fields{"id": {ID: "error_read_only"}}.Err()
	}
	return petitions.Input{CampaignID: b.CampaignID, Slug: b.Slug, Goal: b.Goal, Title: b.Title, Text: b.Text}, nil
}

// ListPetitions lists the petitions the caller may see, with their counts.
func (s *Handlers) ListPetitions(c *fiber.Ctx) error {
	f := apperr.Fields{}
	f.RefuseUnknown(queryNames(c), "lang")
	if err := f.Err(); err != nil {
		return err
	}
	list, err := s.Petitions.List(c.UserContext(), request.Viewer(c))
	if err != nil {
		return err
	}
	return sendItems(c, list, toAPIPetition)
}

// PetitionCreate stores a new petition.
func (s *Handlers) PetitionCreate(c *fiber.Ctx) error {
	var body petitionBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	in, err := body.input(0)
	if err != nil {
		return err
	}
	p, err := s.Petitions.Create(c.UserContext(), request.ActorID(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIPetition(p))
}

// PetitionUpdate changes the fields given.
func (s *Handlers) PetitionUpdate(c *fiber.Ctx) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var body petitionBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	in, err := body.input(id)
	if err != nil {
		return err
	}
	p, err := s.Petitions.Update(c.UserContext(), request.ActorID(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(toAPIPetition(p))
}

// signatureBody is the signing form as JSON.
type signatureBody struct {
	GivenName  string `json:"given_name"`
	FamilyName string `json:"family_name"`
	Email      string `json:"email"`
	Region     string `json:"region"`
	Consent    bool   `json:"consent"`
	News       bool   `json:"news"` // consent to news, asked apart; false by default
}

// pendingVerification is the answer to every well-formed public form: the
// email decides what happens, so the answer says nothing of the address.
var pendingVerification = struct {
	Status string `json:"status"`
}{"pending_verification"}

// Sign signs a petition. Staff who manage petitions, with their token,
// sign at once: 201 with the new count, 409 for an address that signed.
// Anyone else signs as with the public form: 202 pending_verification for
// every well-formed body, and the signature counts once the link emailed to
// the address is tapped.
func (s *Handlers) Sign(c *fiber.Ctx) error {
	var body signatureBody
	if err := request.DecodeJSON(c, &body); err != nil {
		return err
	}
	in := petitions.Signer{GivenName: body.GivenName, FamilyName: body.FamilyName, Email: body.Email,
		Region: body.Region, Consent: body.Consent, News: body.News,
		// ?src= names the shared link the form came by; an invalid one is dropped.
		Source: sharing.Source(c.Query("src"))}
	if s.Can(c, access.CampaignsManage) {
		n, err := s.Petitions.Sign(c.UserContext(), c.Params("slug"), in, s.Localizer(c).Lang)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(fiber.Map{"signatures": n})
	}
	if err := s.Petitions.Submit(c.UserContext(), c.Params("slug"), in, s.Localizer(c).Lang); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(pendingVerification)
}
