// Package chart draws small SVG charts on the server, for pages without
// JavaScript or outside assets: horizontal bars, a line over months, and
// share bars. Each chart is an <svg role="img"> named by its <title> and
// described by its <desc>, a text alternative that states every figure;
// the page shows the figures in a table as well. All text is escaped, so
// the result is safe to put in an html/template page as it is.
//
// Colours come from the page's stylesheet through classes (chart, bar, s1,
// s2, track, line, area, lbl, val, axis), so a print stylesheet can turn
// them black and white: the second series of bars is drawn as an outline.
package chart

import (
	"fmt"
	"html/template"
	"strings"
	"unicode/utf8"
)

// Width of every chart in SVG units; the page scales it to its column.
const Width = 360

// Layout of a row of bars.
const (
	labelHeight = 16  // a label line above its bars
	barHeight   = 12  // one bar
	barGap      = 2   // between the bars of one row
	rowGap      = 8   // between rows
	barSpan     = 270 // the longest bar; the rest of the width holds its value
	maxLabel    = 56  // runes of a label before it is cut with "…"
)

// Row is one label with a value per series, and the values as the page
// shows them (in its language).
type Row struct {
	Label  string
	Values []int
	Texts  []string
}

// Bars is a horizontal bar chart: a label above one bar per series.
type Bars struct {
	ID     string   // unique in the page; the title and desc ids derive from it
	Title  string   // the accessible name
	Lead   string   // the description's first sentence
	Series []string // the series' names, in a legend when more than one
	Rows   []Row
}

// Point is one step of a line: its label, value and value as shown.
type Point struct {
	Label string
	Value int
	Text  string
}

// Line is a line over steps (months), its area shaded.
type Line struct {
	ID     string
	Title  string
	Lead   string
	Points []Point
}

// ShareRow is Part out of Whole, how the bar's label says it ("57 %"),
// and how the description says it when Detail is set ("57 % (4 of 7)").
type ShareRow struct {
	Label       string
	Part, Whole int
	Text        string
	Detail      string
}

// Shares draws each share as a bar along a track of the whole.
type Shares struct {
	ID    string
	Title string
	Lead  string
	Rows  []ShareRow
}

var esc = template.HTMLEscapeString

// open starts an svg element of height h with its title and desc.
func open(b *strings.Builder, id, title, desc string, h int) {
	id = esc(id)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t" aria-describedby="%s-d">`,
		id, Width, h, id, id)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
}

// describe is the text alternative: the lead, then each label with its
// figures.
func describe(lead string, items []string) string {
	if len(items) == 0 {
		return lead
	}
	return strings.TrimSpace(lead + " " + strings.Join(items, "; ") + ".")
}

// cut shortens a label to maxLabel runes.
func cut(s string) string {
	if utf8.RuneCountInString(s) <= maxLabel {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:maxLabel-1])) + "…"
}

func num(f float64) string { return fmt.Sprintf("%.1f", f) }

// SVG draws the bars.
func (c Bars) SVG() template.HTML {
	series := max(len(c.Series), 1)
	top := 0
	if len(c.Series) > 1 {
		top = 20
	}
	rowH := labelHeight + series*(barHeight+barGap) + rowGap
	h := top + len(c.Rows)*rowH + 4
	biggest := 0
	var items []string
	for _, r := range c.Rows {
		var parts []string
		for k, v := range r.Values {
			biggest = max(biggest, v)
			if k < len(r.Texts) {
				if len(c.Series) > 1 {
					parts = append(parts, c.Series[k]+" "+r.Texts[k])
				} else {
					parts = append(parts, r.Texts[k])
				}
			}
		}
		items = append(items, r.Label+": "+strings.Join(parts, ", "))
	}
	var b strings.Builder
	open(&b, c.ID, c.Title, describe(c.Lead, items), h)
	if len(c.Series) > 1 {
		x := 0
		for k, name := range c.Series {
			fmt.Fprintf(&b, `<rect class="bar s%d" x="%d" y="4" width="10" height="10"/><text class="lbl" x="%d" y="13">%s</text>`,
				k+1, x, x+14, esc(name))
			x += 24 + 7*utf8.RuneCountInString(name)
		}
	}
	for i, r := range c.Rows {
		y := top + i*rowH
		fmt.Fprintf(&b, `<text class="lbl" x="0" y="%d">%s</text>`, y+12, esc(cut(r.Label)))
		for k, v := range r.Values {
			by := y + labelHeight + k*(barHeight+barGap)
			w := 0.0
			if biggest > 0 {
				w = float64(max(v, 0)) * barSpan / float64(biggest)
			}
			fmt.Fprintf(&b, `<rect class="bar s%d" x="0" y="%d" width="%s" height="%d"/>`, k%2+1, by, num(w), barHeight)
			if k < len(r.Texts) {
				fmt.Fprintf(&b, `<text class="val" x="%s" y="%d">%s</text>`, num(w+4), by+barHeight-2, esc(r.Texts[k]))
			}
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Layout of a line chart.
const (
	lineHeight = 180
	plotLeft   = 8
	plotRight  = Width - 8
	plotTop    = 22
	plotBottom = 150
)

// SVG draws the line.
func (c Line) SVG() template.HTML {
	var items []string
	biggest, at := 0, -1
	for i, p := range c.Points {
		items = append(items, p.Label+": "+p.Text)
		if at < 0 || p.Value > biggest {
			biggest, at = p.Value, i
		}
	}
	var b strings.Builder
	open(&b, c.ID, c.Title, describe(c.Lead, items), lineHeight)
	fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, plotLeft, plotBottom, plotRight, plotBottom)
	n := len(c.Points)
	if n == 0 {
		b.WriteString(`</svg>`)
		return template.HTML(b.String())
	}
	x := func(i int) float64 {
		if n == 1 {
			return float64(plotRight)
		}
		return plotLeft + float64(i)*float64(plotRight-plotLeft)/float64(n-1)
	}
	y := func(v int) float64 {
		if biggest <= 0 {
			return plotBottom
		}
		return plotBottom - float64(max(v, 0))*float64(plotBottom-plotTop)/float64(biggest)
	}
	var line strings.Builder
	for i, p := range c.Points {
		if i > 0 {
			line.WriteByte(' ')
		}
		fmt.Fprintf(&line, "%s,%s", num(x(i)), num(y(p.Value)))
	}
	fmt.Fprintf(&b, `<path class="area" d="M%s,%d L%s L%s,%d Z"/>`, num(x(0)), plotBottom, line.String(), num(x(n-1)), plotBottom)
	fmt.Fprintf(&b, `<path class="line" d="M%s"/>`, line.String())
	// The largest value, marked where it stands; the first, middle and
	// last labels along the axis.
	anchor := "middle"
	switch {
	case x(at) < 60:
		anchor = "start"
	case x(at) > Width-60:
		anchor = "end"
	}
	fmt.Fprintf(&b, `<text class="val" x="%s" y="%s" text-anchor="%s">%s</text>`, num(x(at)), num(y(biggest)-6), anchor, esc(c.Points[at].Text))
	marks := []int{0}
	if n > 2 {
		marks = append(marks, (n-1)/2)
	}
	if n > 1 {
		marks = append(marks, n-1)
	}
	for k, i := range marks {
		anchor := "middle"
		switch {
		case k == 0:
			anchor = "start"
		case i == n-1:
			anchor = "end"
		}
		fmt.Fprintf(&b, `<line class="axis" x1="%s" y1="%d" x2="%s" y2="%d"/><text class="axis" x="%s" y="%d" text-anchor="%s">%s</text>`,
			num(x(i)), plotBottom, num(x(i)), plotBottom+4, num(x(i)), plotBottom+18, anchor, esc(cut(c.Points[i].Label)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// SVG draws the shares.
func (c Shares) SVG() template.HTML {
	rowH := labelHeight + barHeight + rowGap
	h := len(c.Rows)*rowH + 4
	var items []string
	for _, r := range c.Rows {
		if r.Detail != "" {
			items = append(items, r.Label+": "+r.Detail)
		} else {
			items = append(items, r.Label+": "+r.Text)
		}
	}
	var b strings.Builder
	open(&b, c.ID, c.Title, describe(c.Lead, items), h)
	for i, r := range c.Rows {
		y := i * rowH
		w := 0.0
		if r.Whole > 0 {
			w = float64(min(max(r.Part, 0), r.Whole)) * barSpan / float64(r.Whole)
		}
		fmt.Fprintf(&b, `<text class="lbl" x="0" y="%d">%s</text>`, y+12, esc(cut(r.Label)))
		fmt.Fprintf(&b, `<rect class="track" x="0.5" y="%d.5" width="%d" height="%d"/>`, y+labelHeight, barSpan-1, barHeight-1)
		fmt.Fprintf(&b, `<rect class="bar s1" x="0" y="%d" width="%s" height="%d"/>`, y+labelHeight, num(w), barHeight)
		fmt.Fprintf(&b, `<text class="val" x="%d" y="%d">%s</text>`, barSpan+4, y+labelHeight+barHeight-2, esc(r.Text))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
