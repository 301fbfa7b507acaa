// Package sharing is what helps people pass a page on: the picture a link
// preview shows, the share links, the poster's QR code, and the source a
// shared link carries. It knows nothing of HTTP.
package sharing

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"sync"
	"unicode/utf8"

	"codeberg.org/go-fonts/dejavu/dejavusans"
	"codeberg.org/go-fonts/dejavu/dejavusansbold"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// The size of a card: what WhatsApp, Telegram, Facebook and X show as a
// large preview (1.91:1).
const (
	CardWidth  = 1200
	CardHeight = 630
)

// The card's layout, in pixels.
const (
	cardMargin = 80                       // left, right and above the title
	cardText   = CardWidth - 2*cardMargin // the width the text may take
	titleTop   = cardMargin + 16          // the top of the title's first line
	titleLines = 3                        // at most; an ellipsis ends a longer title
	lineSize   = 34                       // the smaller line under the title
	lineLines  = 2                        // at most, for a date and a place
	lineGap    = 28                       // between the title and the smaller line
	brandSize  = 40                       // "Gotong"
	brandBase  = CardHeight - 70          // the baseline of "Gotong"
	bandHeight = 14                       // the light band along the bottom edge
)

// titleSizes are the title's sizes, largest first: a long title takes a
// smaller one so that it fits in titleLines lines. Three lines of the
// largest, two of the smaller line and "Gotong" fit in the card's height.
var titleSizes = []float64{72, 64, 56, 48}

// What a card shows is cut to this many characters before it is laid out:
// more can never be seen, and wrapping them would only cost time.
const (
	titleMaxRunes = 400
	lineMaxRunes  = 200
)

const (
	brand    = "Gotong" // the site's name, in every language
	ellipsis = "…"
)

// The site's colours (views/static/app.css, light scheme): the title and
// "Gotong" in --on over --pri, the smaller line and the band in --soft.
var (
	cardBackground = color.RGBA{0x0b, 0x5d, 0x62, 0xff} // --pri
	cardInk        = color.RGBA{0xff, 0xff, 0xff, 0xff} // --on
	cardSoft       = color.RGBA{0xea, 0xf3, 0xf3, 0xff} // --soft
)

// shades is the number of antialiasing steps from the background to an ink.
const shades = 16

// cardPalette is every colour a card has: the background and, for each
// ink, its shades over the background. A PNG of a few flat colours stays
// far under the 100 KB that previews take.
var cardPalette = func() color.Palette {
	p := color.Palette{cardBackground}
	for _, ink := range []color.RGBA{cardInk, cardSoft} {
		for i := 1; i <= shades; i++ {
			p = append(p, blend(cardBackground, ink, float64(i)/shades))
		}
	}
	return p
}()

func blend(a, b color.RGBA, t float64) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// cardFonts are DejaVu Sans and DejaVu Sans Bold, which have every letter
// of the four languages (Mongolian Өө Үү included), parsed once.
var cardFonts = sync.OnceValues(func() ([2]*opentype.Font, error) {
	var fs [2]*opentype.Font
	for i, ttf := range [][]byte{dejavusans.TTF, dejavusansbold.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			return fs, fmt.Errorf("sharing: unable to load a font: %w", err)
		}
		fs[i] = f
	}
	return fs, nil
})

// Card draws the picture of a link preview, a PNG of CardWidth by
// CardHeight: title in large letters (on up to three lines, smaller when
// it is long, cut with an ellipsis past that), line in smaller ones under
// it (on up to two), and "Gotong" at the bottom, over the site's colours.
// Either text may be empty. The caller gives both in the page's language;
// the drawing is the same in every language, as the fonts hold them all.
func Card(title, line string) ([]byte, error) {
	fonts, err := cardFonts()
	if err != nil {
		return nil, err
	}
	regular, bold := fonts[0], fonts[1]
	img := image.NewPaletted(image.Rect(0, 0, CardWidth, CardHeight), cardPalette) // all background
	draw.Draw(img, image.Rect(0, CardHeight-bandHeight, CardWidth, CardHeight), image.NewUniform(cardSoft), image.Point{}, draw.Src)

	brandFace, err := newFace(bold, brandSize)
	if err != nil {
		return nil, err
	}
	defer brandFace.Close()
	write(img, brandFace, cardInk, brandBase, brand)

	y := titleTop
	titleFace, lines, err := fitTitle(bold, clip(title, titleMaxRunes))
	if err != nil {
		return nil, err
	}
	defer titleFace.Close()
	for _, l := range lines {
		write(img, titleFace, cardInk, y+titleFace.Metrics().Ascent.Ceil(), l)
		y += titleFace.Metrics().Height.Ceil()
	}
	lineFace, err := newFace(regular, lineSize)
	if err != nil {
		return nil, err
	}
	defer lineFace.Close()
	if len(lines) > 0 {
		y += lineGap
	}
	for _, l := range atMost(lineFace, wrap(lineFace, clip(line, lineMaxRunes)), lineLines) {
		write(img, lineFace, cardSoft, y+lineFace.Metrics().Ascent.Ceil(), l)
		y += lineFace.Metrics().Height.Ceil()
	}

	// The default compression: the best would save a tenth of the bytes,
	// for five times the time.
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("sharing: unable to encode a card: %w", err)
	}
	return b.Bytes(), nil
}

// newFace is f at size pixels. A face draws one text at a time: each card
// makes its own, and closes it.
func newFace(f *opentype.Font, size float64) (font.Face, error) {
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("sharing: unable to size a font: %w", err)
	}
	return fc, nil
}

// write draws s in ink from the left margin on baseline y.
func write(img draw.Image, fc font.Face, ink color.Color, y int, s string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(ink), Face: fc, Dot: fixed.P(cardMargin, y)}
	d.DrawString(s)
}

// fitTitle is the largest face of titleSizes in which title takes at most
// titleLines lines, with those lines. A title too long for the smallest
// keeps what fits in titleLines lines, the last ending in an ellipsis.
func fitTitle(f *opentype.Font, title string) (font.Face, []string, error) {
	for i, size := range titleSizes {
		fc, err := newFace(f, size)
		if err != nil {
			return nil, nil, err
		}
		if lines := wrap(fc, title); len(lines) <= titleLines || i == len(titleSizes)-1 {
			return fc, atMost(fc, lines, titleLines), nil
		}
		fc.Close()
	}
	panic("sharing: no title size") // titleSizes is not empty
}

// atMost is lines, as wrap made them, cut to n: the rest does not fit on
// the last (wrap would have put it there), so shorten ends it with an
// ellipsis.
func atMost(fc font.Face, lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	lines[n-1] = shorten(fc, strings.Join(lines[n-1:], " "))
	return lines[:n]
}

// wrap breaks s into lines of at most cardText pixels, between words, and
// within a word longer than a line.
func wrap(fc font.Face, s string) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		if cur != "" {
			if next := cur + " " + w; font.MeasureString(fc, next).Ceil() <= cardText {
				cur = next
				continue
			}
			lines = append(lines, cur)
		}
		for font.MeasureString(fc, w).Ceil() > cardText {
			n := fits(fc, w, cardText)
			lines = append(lines, w[:n])
			w = w[n:]
		}
		cur = w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// shorten is s when it fits on a line, else as much of it as fits with an
// ellipsis.
func shorten(fc font.Face, s string) string {
	if font.MeasureString(fc, s).Ceil() <= cardText {
		return s
	}
	room := cardText - font.MeasureString(fc, ellipsis).Ceil()
	return strings.TrimRight(s[:fits(fc, s, room)], " ") + ellipsis
}

// fits is the length in bytes of the longest start of s, one character at
// least, that takes at most width pixels.
func fits(fc font.Face, s string, width int) int {
	limit := fixed.I(width)
	var x fixed.Int26_6
	prev := rune(-1)
	for i, r := range s {
		if prev >= 0 {
			x += fc.Kern(prev, r)
		}
		a, _ := fc.GlyphAdvance(r)
		if x += a; x > limit {
			if i == 0 {
				_, size := utf8.DecodeRuneInString(s)
				return size
			}
			return i
		}
		prev = r
	}
	return len(s)
}

// clip is s cut to at most n characters.
func clip(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
