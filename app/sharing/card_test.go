package sharing

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"golang.org/x/image/font"
)

// maxCard is what previews take: WhatsApp leaves out a larger picture.
const maxCard = 100 << 10

// decodeCard checks that b is a PNG card of the right size under maxCard.
func decodeCard(t *testing.T, b []byte) image.Image {
	t.Helper()
	if len(b) >= maxCard {
		t.Fatalf("the card takes %d bytes, want under %d", len(b), maxCard)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the card is not a PNG: %v", err)
	}
	if r := img.Bounds(); r.Dx() != CardWidth || r.Dy() != CardHeight {
		t.Fatalf("the card is %v, want %dx%d", r, CardWidth, CardHeight)
	}
	return img
}

// inked reports whether any pixel of r is other than the background.
func inked(img image.Image, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if cr, cg, cb, _ := img.At(x, y).RGBA(); cr>>8 != uint32(cardBackground.R) || cg>>8 != uint32(cardBackground.G) || cb>>8 != uint32(cardBackground.B) {
				return true
			}
		}
	}
	return false
}

func TestCard(t *testing.T) {
	t.Parallel()
	longMN := strings.Repeat("Хүний эрхийн залуучуудын Өвөрхангай аймгийн зуслан ", 12)
	// Where the title's first line is drawn, and below it what follows: the
	// smaller line under a title of one line, else the title's second line.
	titleBand := image.Rect(cardMargin, titleTop, CardWidth-cardMargin, titleTop+48)
	belowBand := image.Rect(cardMargin, titleTop+100, CardWidth-cardMargin, titleTop+150)
	for _, c := range []struct {
		name, title, line string
		titled, below     bool
	}{
		{"en", "Human rights summer camp", "12 July 2027, 09:00–17:00 (Ulaanbaatar time) · Arvaikheer", true, true},
		{"fr", "Camp d’été des jeunes défenseurs", "12 juillet 2027 · Lyon", true, true},
		{"id", "Pelatihan hak asasi untuk pemuda", "1.250 tanda tangan", true, true},
		{"mn", "Талын зуслан: хүний эрх", "2027 оны 7-р сарын 12 · Арвайхээр", true, true},
		{"mn, a very long title", longMN, "Өргөдөл", true, true},
		{"no line", "Талын зуслан", "", true, false},
		{"no title", "", "", false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := Card(c.title, c.line)
			if err != nil {
				t.Fatal(err)
			}
			img := decodeCard(t, b)
			if got := inked(img, titleBand); got != c.titled {
				t.Errorf("title drawn: %v, want %v", got, c.titled)
			}
			if got := inked(img, belowBand); got != c.below {
				t.Errorf("drawn under the title's first line: %v, want %v", got, c.below)
			}
			if !inked(img, image.Rect(cardMargin, brandBase-brandSize, cardMargin+200, brandBase)) {
				t.Error("no Gotong at the bottom")
			}
		})
	}
}

// TestCardLongLine: a long smaller line (a date and a place) takes a
// second line, and no more.
func TestCardLongLine(t *testing.T) {
	t.Parallel()
	secondLine := image.Rect(cardMargin, titleTop+165, CardWidth-cardMargin, titleTop+185)
	thirdLine := image.Rect(0, titleTop+200, CardWidth, brandBase-brandSize-10)
	long := "du 13 janvier 2027 à 09 h 00 au 17 janvier 2027 à 17 h 00 (heure d’Oulan-Bator) · Uliastai, Zavkhan"
	for _, c := range []struct {
		line   string
		second bool
	}{{"13 janvier 2027 · Uliastai", false}, {long, true}, {strings.Repeat(long+" ", 5), true}} {
		b, err := Card("Camp", c.line)
		if err != nil {
			t.Fatal(err)
		}
		img := decodeCard(t, b)
		if got := inked(img, secondLine); got != c.second {
			t.Errorf("%.30q: a second line %v, want %v", c.line, got, c.second)
		}
		if inked(img, thirdLine) {
			t.Errorf("%.30q: drawn on a third line", c.line)
		}
	}
}

// TestFitTitle: a title takes the largest size in which it fits in three
// lines of the card's width; one too long for the smallest ends in an
// ellipsis on the third line.
func TestFitTitle(t *testing.T) {
	t.Parallel()
	fonts, err := cardFonts()
	if err != nil {
		t.Fatal(err)
	}
	bold := fonts[1]
	sizeOf := func(fc font.Face) int {
		for i, size := range titleSizes {
			other, _ := newFace(bold, size)
			same := other.Metrics() == fc.Metrics()
			other.Close()
			if same {
				return i
			}
		}
		t.Fatal("the title's face is of no size of titleSizes")
		return 0
	}
	smallest := len(titleSizes) - 1
	for _, c := range []struct {
		title    string
		size     int // index in titleSizes; -1 for one smaller than the largest
		lines    int
		ellipsis bool
	}{
		{"Талын зуслан", 0, 1, false},
		{strings.Repeat("Өвөрхангай ", 6), 0, 3, false},
		{strings.Repeat("Өвөрхангай ", 7), -1, 3, false},
		{strings.Repeat("Өвөрхангай ", 40), smallest, 3, true},
		{strings.Repeat("Ө", 200), smallest, 3, true}, // one word, broken within
		{"", 0, 0, false},
	} {
		fc, lines, err := fitTitle(bold, c.title)
		if err != nil {
			t.Fatal(err)
		}
		size := sizeOf(fc)
		if (c.size >= 0 && size != c.size) || (c.size < 0 && size == 0) || len(lines) != c.lines {
			t.Errorf("%.20q: %d lines in size %d; want %d lines in size %d", c.title, len(lines), size, c.lines, c.size)
		}
		if size > 0 && !c.ellipsis { // the larger size would not do
			larger, _ := newFace(bold, titleSizes[size-1])
			if n := len(wrap(larger, c.title)); n <= titleLines {
				t.Errorf("%.20q: size %d chosen where %d fits it in %d lines", c.title, size, size-1, n)
			}
			larger.Close()
		}
		for _, l := range lines {
			if w := font.MeasureString(fc, l).Ceil(); w > cardText {
				t.Errorf("%.20q: line %q takes %d pixels, more than %d", c.title, l, w, cardText)
			}
		}
		if len(lines) > 0 && strings.HasSuffix(lines[len(lines)-1], ellipsis) != c.ellipsis {
			t.Errorf("%.20q: last line %q, want an ellipsis: %v", c.title, lines[len(lines)-1], c.ellipsis)
		}
		fc.Close()
	}
}

// BenchmarkCard draws the card of a long Mongolian title, which takes the
// smallest size and an ellipsis, with a date and a place on two lines.
func BenchmarkCard(b *testing.B) {
	title := strings.Repeat("Өвөрхангай аймгийн залуучуудын зуслан ", 10)
	line := "2027 оны 7-р сарын 12, 09:00–17:00 (Улаанбаатарын цагаар) · Арвайхээр, Өвөрхангай"
	for b.Loop() {
		if _, err := Card(title, line); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzCard: whatever a title or a line holds, a card is drawn, and it
// stays a PNG under 100 KB.
func FuzzCard(f *testing.F) {
	f.Add("Талын зуслан", "2027 оны 7-р сарын 12")
	f.Add(strings.Repeat("W", 500), strings.Repeat("Ж ", 300))
	f.Add("\x00\xff\n\t 🏕️ 中文", "\u202e")
	f.Fuzz(func(t *testing.T, title, line string) {
		b, err := Card(title, line)
		if err != nil {
			t.Fatal(err)
		}
		decodeCard(t, b)
	})
}
