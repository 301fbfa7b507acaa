package chart

import (
	"encoding/xml"
	"html/template"
	"strings"
	"testing"
)

// node is an XML element with its children, as encoding/xml reads it.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// all lists the elements named name under n, n included.
func (n node) all(name string) []node {
	var out []node
	if n.XMLName.Local == name {
		out = append(out, n)
	}
	for _, c := range n.Nodes {
		out = append(out, c.all(name)...)
	}
	return out
}

// parse reads an SVG strictly and checks what every chart must have: the
// img role, a title naming it and a desc describing it.
func parse(t *testing.T, svg template.HTML) node {
	t.Helper()
	var root node
	dec := xml.NewDecoder(strings.NewReader(string(svg)))
	dec.Strict = true
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, svg)
	}
	id := root.attr("id")
	if root.XMLName.Local != "svg" || root.attr("role") != "img" || root.attr("aria-labelledby") != id+"-t" ||
		root.attr("aria-describedby") != id+"-d" {
		t.Fatalf("svg attributes %+v", root.Attrs)
	}
	if len(root.Nodes) < 2 || root.Nodes[0].XMLName.Local != "title" || root.Nodes[0].attr("id") != id+"-t" ||
		root.Nodes[1].XMLName.Local != "desc" || root.Nodes[1].attr("id") != id+"-d" {
		t.Fatalf("title and desc must come first: %s", svg)
	}
	return root
}

func TestBars(t *testing.T) {
	t.Parallel()
	c := Bars{ID: "trained", Title: "Participants trained", Lead: "By region:", Rows: []Row{
		{Label: "Zavkhan", Values: []int{40}, Texts: []string{"40"}},
		{Label: `<script>alert("x")</script> & co`, Values: []int{10}, Texts: []string{"10"}},
		{Label: "Nowhere", Values: []int{0}, Texts: []string{"0"}},
	}}
	root := parse(t, c.SVG())
	if got := root.Nodes[0].Text; got != "Participants trained" {
		t.Fatalf("title %q", got)
	}
	desc := root.Nodes[1].Text
	for _, want := range []string{"By region:", "Zavkhan: 40", `<script>alert("x")</script> & co: 10`, "Nowhere: 0"} {
		if !strings.Contains(desc, want) {
			t.Fatalf("desc %q lacks %q", desc, want)
		}
	}
	if strings.Contains(string(c.SVG()), "<script") {
		t.Fatal("a label was not escaped")
	}
	bars := root.all("rect")
	if len(bars) != 3 || bars[0].attr("width") != "270.0" || bars[1].attr("width") != "67.5" || bars[2].attr("width") != "0.0" {
		t.Fatalf("bars %+v", bars)
	}

	two := Bars{ID: "partnerships", Title: "Partnerships", Series: []string{"established", "strengthened"}, Rows: []Row{
		{Label: "2025", Values: []int{3, 1}, Texts: []string{"3", "1"}},
	}}
	root = parse(t, two.SVG())
	if !strings.Contains(root.Nodes[1].Text, "2025: established 3, strengthened 1") {
		t.Fatalf("desc %q", root.Nodes[1].Text)
	}
	var classes []string
	for _, r := range root.all("rect") {
		classes = append(classes, r.attr("class"))
	}
	if strings.Join(classes, ",") != "bar s1,bar s2,bar s1,bar s2" { // the legend, then the bars
		t.Fatalf("classes %v", classes)
	}

	empty := parse(t, Bars{ID: "none", Title: "Nothing", Lead: "Nothing yet."}.SVG())
	if empty.Nodes[1].Text != "Nothing yet." {
		t.Fatalf("empty desc %q", empty.Nodes[1].Text)
	}
}

func TestLine(t *testing.T) {
	t.Parallel()
	var pts []Point
	for i, v := range []int{0, 2, 4, 8} {
		pts = append(pts, Point{Label: []string{"janvier 2026", "février 2026", "mars 2026", "avril 2026"}[i], Value: v, Text: []string{"0", "2", "4", "8"}[i]})
	}
	root := parse(t, Line{ID: "people", Title: "Personnes", Lead: "En tout, fin de mois :", Points: pts}.SVG())
	if !strings.Contains(root.Nodes[1].Text, "janvier 2026: 0; février 2026: 2; mars 2026: 4; avril 2026: 8.") {
		t.Fatalf("desc %q", root.Nodes[1].Text)
	}
	paths := root.all("path")
	if len(paths) != 2 || paths[1].attr("d") != "M8.0,150.0 122.7,118.0 237.3,86.0 352.0,22.0" {
		t.Fatalf("paths %+v", paths)
	}
	var labels []string
	for _, tx := range root.all("text") {
		labels = append(labels, tx.Text)
	}
	if strings.Join(labels, "|") != "8|janvier 2026|février 2026|avril 2026" {
		t.Fatalf("labels %v", labels)
	}
	parse(t, Line{ID: "none", Title: "Nothing"}.SVG())
	parse(t, Line{ID: "one", Title: "One", Points: pts[:1]}.SVG())
}

func TestShares(t *testing.T) {
	t.Parallel()
	root := parse(t, Shares{ID: "shares", Title: "Shares", Rows: []ShareRow{
		{Label: "Youth", Part: 3, Whole: 4, Text: "75 %", Detail: "75 % (3 of 4)"},
		{Label: "Rural", Part: 0, Whole: 0, Text: "–"},
	}}.SVG())
	var widths []string
	for _, r := range root.all("rect") {
		if r.attr("class") == "bar s1" {
			widths = append(widths, r.attr("width"))
		}
	}
	if strings.Join(widths, ",") != "202.5,0.0" || !strings.Contains(root.Nodes[1].Text, "Youth: 75 % (3 of 4); Rural: –.") {
		t.Fatalf("widths %v, desc %q", widths, root.Nodes[1].Text)
	}
}
