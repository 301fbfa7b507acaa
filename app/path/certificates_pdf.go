package path

import (
	"fmt"
	"io"

	"codeberg.org/go-fonts/dejavu/dejavusans"
	"codeberg.org/go-fonts/dejavu/dejavusansbold"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/i18n"
	"github.com/signintech/gopdf"
)

// Sheet is the text of a certificate, in its reader's language.
type Sheet struct {
	Heading  string // "Certificate of attendance"
	Lead     string // the words before the name
	Name     string
	TookPart string // the words between the name and the activity
	Activity string // its title, or the neutral name (Title)
	Dates    string // in the activity's zone
	Hours    string
	Code     string // "Verification code: …"
	Check    string // where to check it
	Issued   string
}

// NewSheet is the certificate of offer o, issued, for a reader of l (def:
// the portal's language; baseURL: GOTONG_BASE_URL).
func NewSheet(l *i18n.Localizer, def, baseURL string, o *Offer) Sheet {
	a, c := o.Activity, o.Certificate
	dates := a.Day(l, a.StartsAt)
	if end := a.Day(l, a.EndsAt); end != dates {
		dates = l.T("certificate_dates", "From", dates, "To", end)
	}
	return Sheet{
		Heading:  l.T("certificate_heading"),
		Lead:     l.T("certificate_lead"),
		Name:     o.Name,
		TookPart: l.T("certificate_took_part"),
		Activity: Title(a, c.FullTitle, l.Lang, def, l.T("certificate_neutral_title")),
		Dates:    dates,
		Hours:    l.T("certificate_hours", "Hours", l.Number(activities.Hours(activities.CreditMinutes(a)))),
		Code:     l.T("certificate_code", "Code", FormatCode(c.Code)),
		Check:    l.T("certificate_check_at", "URL", VerifyURL(baseURL, c.Code)),
		Issued:   l.T("certificate_issued", "Date", a.Day(l, c.IssuedAt)),
	}
}

// VerifyURL is the page that checks code.
func VerifyURL(baseURL, code string) string { return baseURL + "/verify/" + FormatCode(code) }

// Filename is an ASCII name for the certificate's file.
func Filename(code string) string { return "gotong-certificate-" + FormatCode(code) + ".pdf" }

// The page: A4 landscape, in points.
const (
	pageW, pageH = 841.89, 595.28
	textW        = pageW - 2*110 // the width text wraps at
)

// WritePDF writes the certificate s as a one-page PDF. Its fonts (DejaVu
// Sans, which has every letter of the four languages, Mongolian Өө Үү
// included) come with the binary and are embedded as subsets; each glyph
// is mapped back to its character (ToUnicode), so the text can be copied,
// searched and read aloud.
func WritePDF(w io.Writer, s Sheet) error {
	g := &gopdf.GoPdf{}
	g.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}})
	g.SetInfo(gopdf.PdfInfo{Title: s.Heading, Creator: "Gotong"})
	if err := g.AddTTFFontData("sans", dejavusans.TTF); err != nil {
		return fmt.Errorf("path: unable to load a font: %w", err)
	}
	if err := g.AddTTFFontDataWithOption("sans", dejavusansbold.TTF, gopdf.TtfOption{Style: gopdf.Bold}); err != nil {
		return fmt.Errorf("path: unable to load a font: %w", err)
	}
	g.AddPage()

	// A double frame.
	g.SetStrokeColor(0x1f, 0x5f, 0x5b)
	g.SetLineWidth(2.5)
	g.RectFromUpperLeftWithStyle(28, 28, pageW-56, pageH-56, "D")
	g.SetLineWidth(0.8)
	g.RectFromUpperLeftWithStyle(36, 36, pageW-72, pageH-72, "D")

	p := &page{g: g, y: 70}
	steps := []struct {
		text        string
		bold        bool
		size, after float64
		grey        bool
	}{
		{"GOTONG", true, 11, 22, true},
		{s.Heading, true, 30, 30, false},
		{s.Lead, false, 14, 12, true},
		{s.Name, true, 28, 14, false},
		{s.TookPart, false, 14, 12, true},
		{s.Activity, true, 20, 14, false},
		{s.Dates, false, 13, 6, false},
		{s.Hours, false, 13, 0, false},
	}
	for _, st := range steps {
		if err := p.centred(st.text, st.bold, st.size, st.grey); err != nil {
			return err
		}
		p.y += st.after
	}
	// The code and where to check it, at the foot of the page.
	p.y = pageH - 120
	for _, line := range []string{s.Code, s.Check, s.Issued} {
		if err := p.centred(line, false, 10, true); err != nil {
			return err
		}
		p.y += 3
	}
	if _, err := g.WriteTo(w); err != nil {
		return fmt.Errorf("path: unable to write a certificate: %w", err)
	}
	return nil
}

// page writes lines down a page from y.
type page struct {
	g *gopdf.GoPdf
	y float64
}

// centred writes text centred across the page, wrapped at textW, and moves
// below it.
func (p *page) centred(text string, bold bool, size float64, grey bool) error {
	if text == "" {
		return nil
	}
	style := ""
	if bold {
		style = "B"
	}
	if err := p.g.SetFont("sans", style, size); err != nil {
		return fmt.Errorf("path: unable to set a font: %w", err)
	}
	if grey {
		p.g.SetTextColor(0x55, 0x55, 0x55)
	} else {
		p.g.SetTextColor(0x11, 0x11, 0x11)
	}
	lines, err := p.g.SplitTextWithWordWrap(text, textW)
	if err != nil {
		return fmt.Errorf("path: unable to wrap a line: %w", err)
	}
	h := size * 1.3
	for _, line := range lines {
		p.g.SetXY(0, p.y)
		if err := p.g.CellWithOption(&gopdf.Rect{W: pageW, H: h}, line, gopdf.CellOption{Align: gopdf.Center}); err != nil {
			return fmt.Errorf("path: unable to write a line: %w", err)
		}
		p.y += h
	}
	return nil
}
