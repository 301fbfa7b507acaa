package ui

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/petitions"
	"github.com/gotong/gotong/app/submissions"
)

// Template names of the pages of emailed links.
const (
	tplCheckEmail = "check_email"
	tplVerify     = "verify"
)

// checkEmailData is what the "check your email" page shows.
type checkEmailData struct {
	Hours int    // how long the link works
	Again string // the form, to send it again
	Sent  string // what the link does: the message id
}

// checkEmail renders the page every well-formed public form leads to. It
// holds nothing of the form, so that it reads the same whoever the address
// belongs to; again is the form's address, sent the message id that says
// what the link does.
func (s *Handlers) checkEmail(c *fiber.Ctx, again, sent string) error {
	page := s.Page(c, "check_email_title", checkEmailData{Hours: int(submissions.Lifetime.Hours()), Again: again, Sent: sent})
	return s.Render(c, fiber.StatusOK, tplCheckEmail, page)
}

// verifyData is what the page of an emailed link shows: what it confirms
// and its one button, or, once tapped, the result.
type verifyData struct {
	Heading string
	Lead    string
	Action  string // the form's address, while the tap is to come
	Button  string
	Done    string // the result, once tapped
	Back    string // where to go next
	BackTo  string // that link's label
}

// VerifyPage shows what the link of an email confirms, with one button that
// posts back to it: a GET confirms nothing, since mail scanners open links
// by themselves. An unknown or expired link is a 404 that says so. Like
// every private link's page it is neither stored nor indexed (the server's
// privateLinks).
func (s *Handlers) VerifyPage(c *fiber.Ctx) error {
	return byKind(c.Params("token"), func(token string) error { return s.registrationPending(c, token) },
		func(token string) error { return s.signaturePending(c, token) })
}

// VerifyConfirm is the tap on the button of VerifyPage.
func (s *Handlers) VerifyConfirm(c *fiber.Ctx) error {
	return byKind(c.Params("token"), func(token string) error { return s.registrationConfirm(c, token) },
		func(token string) error { return s.signatureConfirm(c, token) })
}

// byKind answers a link with the handler of its kind of submission. Each
// domain finds only its own kind, so the registration's, the rush path,
// goes first and reads the link once; a signature's link is read again.
func byKind(token string, registration, signature func(token string) error) error {
	if err := registration(token); !errors.Is(err, submissions.ErrLinkExpired) {
		return err
	}
	return signature(token)
}

// signaturePending asks for the tap that counts a signature, or says it
// counted when it was tapped before.
func (s *Handlers) signaturePending(c *fiber.Ctx, token string) error {
	p, err := s.Petitions.Pending(c.UserContext(), token)
	if err != nil {
		return err
	}
	if p.Used {
		return s.signatureDone(c, p.Petition, true)
	}
	page := s.Page(c, "verify_signature_title", nil)
	l := page.L
	page.Data = verifyData{
		Heading: l.T("verify_signature_heading", "Title", p.Petition.TextIn(l.Lang, s.Catalog.Default()).Title),
		Lead:    l.T("verify_signature_lead"),
		Action:  "/v/" + url.PathEscape(token),
		Button:  l.T("verify_signature_button"),
	}
	return s.Render(c, fiber.StatusOK, tplVerify, page)
}

// signatureConfirm counts the signature of the link, once.
func (s *Handlers) signatureConfirm(c *fiber.Ctx, token string) error {
	done, err := s.Petitions.Confirm(c.UserContext(), token)
	if err != nil {
		return err
	}
	return s.signatureDone(c, done.Petition, done.Again)
}

// signatureDone shows the count after a tap; again says that this tap
// counted nothing, since the signature counted before.
func (s *Handlers) signatureDone(c *fiber.Ctx, p *petitions.Petition, again bool) error {
	page := s.Page(c, "verify_signature_title", nil)
	l := page.L
	done := l.Plural("petition_thanks", p.Signatures)
	if again {
		done = l.Plural("verify_signature_again", p.Signatures)
	}
	page.Data = verifyData{
		Heading: l.T("verify_signature_done_heading", "Title", p.TextIn(l.Lang, s.Catalog.Default()).Title),
		Done:    done,
		Back:    petitionPath(p.Slug),
		BackTo:  l.T("verify_back_petition"),
	}
	return s.Render(c, fiber.StatusOK, tplVerify, page)
}
