package sharing

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// decodeQR reads the QR code in img, as a phone's camera would.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		t.Fatalf("the code does not decode: %v", err)
	}
	return res.GetText()
}

// TestQRPNG: the PNG decodes to the address it was made of, at the size
// asked, and a size out of bounds is brought within them.
func TestQRPNG(t *testing.T) {
	const text = "https://gotong.example/activities/zavkhan-camp?src=poster"
	q, err := NewQR(text)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ asked, want int }{
		{QRDefaultSize, QRDefaultSize}, {300, 300}, {1, QRMinSize}, {-5, QRMinSize}, {1 << 20, QRMaxSize},
	} {
		b, err := q.PNG(tt.asked)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("size %d: not a PNG: %v", tt.asked, err)
		}
		if r := img.Bounds(); r.Dx() != tt.want || r.Dy() != tt.want {
			t.Errorf("size %d: %v, want %d square", tt.asked, r, tt.want)
		}
		if got := decodeQR(t, img); got != text {
			t.Errorf("size %d decodes to %q, want %q", tt.asked, got, text)
		}
	}
}

var svgRun = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)

// TestQRSVG: the SVG is well-formed XML, a square viewBox with the quiet
// zone, and its path, drawn module by module, is a code that decodes to
// the address.
func TestQRSVG(t *testing.T) {
	for _, text := range []string{"https://gotong.example/p/free-them?src=poster",
		"https://gotong.example/activities/" + "лагерь-завхан?src=poster"} {
		q, err := NewQR(text)
		if err != nil {
			t.Fatal(err)
		}
		svg := q.SVG()
		var doc struct {
			XMLName xml.Name
			ViewBox string `xml:"viewBox,attr"`
			Shape   string `xml:"shape-rendering,attr"`
			Paths   []struct {
				D string `xml:"d,attr"`
			} `xml:"path"`
		}
		if err := xml.Unmarshal([]byte(svg), &doc); err != nil {
			t.Fatalf("not XML: %v\n%s", err, svg)
		}
		if doc.XMLName.Local != "svg" || doc.XMLName.Space != "http://www.w3.org/2000/svg" || doc.Shape != "crispEdges" || len(doc.Paths) != 1 {
			t.Fatalf("svg element %v, shape-rendering %q, %d paths", doc.XMLName, doc.Shape, len(doc.Paths))
		}
		var n int
		if m := regexp.MustCompile(`^0 0 (\d+) (\d+)$`).FindStringSubmatch(doc.ViewBox); m == nil || m[1] != m[2] {
			t.Fatalf("viewBox %q", doc.ViewBox)
		} else {
			n, _ = strconv.Atoi(m[1])
		}
		// Draw the modules, 8 pixels each.
		const px = 8
		img := image.NewGray(image.Rect(0, 0, n*px, n*px))
		for i := range img.Pix {
			img.Pix[i] = 0xff
		}
		dark := make([][]bool, n)
		for i := range dark {
			dark[i] = make([]bool, n)
		}
		for _, m := range svgRun.FindAllStringSubmatch(doc.Paths[0].D, -1) {
			x, _ := strconv.Atoi(m[1])
			y, _ := strconv.Atoi(m[2])
			w, _ := strconv.Atoi(m[3])
			for i := x; i < x+w; i++ {
				dark[y][i] = true
				for dy := range px {
					for dx := range px {
						img.SetGray(i*px+dx, y*px+dy, color.Gray{})
					}
				}
			}
		}
		// The quiet zone: four light modules on every side.
		for i := range n {
			for j := range 4 {
				if dark[j][i] || dark[n-1-j][i] || dark[i][j] || dark[i][n-1-j] {
					t.Fatalf("a dark module in the quiet zone at row/column %d/%d", i, j)
				}
			}
		}
		if got := decodeQR(t, img); got != text {
			t.Errorf("the SVG decodes to %q, want %q", got, text)
		}
	}
}
