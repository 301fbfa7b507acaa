package sharing

import (
	"fmt"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// Bounds of a QR code PNG's width in pixels: large enough for a poster
// printed at A3, small enough that a request cannot make the server draw
// something huge.
const (
	QRMinSize     = 128
	QRMaxSize     = 2048
	QRDefaultSize = 1024
)

// QR is a QR code of a page's address, with medium error correction
// (15 % of the code may be torn or smudged on a printed poster) and the
// standard quiet zone of four modules around it.
type QR struct{ code *qrcode.QRCode }

// NewQR encodes text.
func NewQR(text string) (QR, error) {
	code, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return QR{}, fmt.Errorf("sharing: qr: %w", err)
	}
	return QR{code: code}, nil
}

// PNG draws the code size pixels wide and high (within QRMinSize and
// QRMaxSize), black on white.
func (q QR) PNG(size int) ([]byte, error) {
	size = min(max(size, QRMinSize), QRMaxSize)
	b, err := q.code.PNG(size)
	if err != nil {
		return nil, fmt.Errorf("sharing: qr png: %w", err)
	}
	return b, nil
}

// SVG draws the code as a square of one unit per module, quiet zone
// included: a white background and one path of the dark modules, a run of
// dark modules in a row being one rectangle. crispEdges keeps a scaled
// code's modules sharp, so it prints at any size.
func (q QR) SVG() string {
	bits := q.code.Bitmap()
	n := len(bits)
	var d strings.Builder
	for y, row := range bits {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			run := 1
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&d, "M%d %dh%dv1h-%dz", x, y, run, run)
			x += run
		}
	}
	ns := strconv.Itoa(n)
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + ns + ` ` + ns + `" shape-rendering="crispEdges">` +
		`<rect width="` + ns + `" height="` + ns + `" fill="#fff"/>` +
		`<path fill="#000" d="` + d.String() + `"/></svg>`
}
