package printing

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"
)

// TestCoverageDecidesTheFont checks the premise of the font merging: Droid
// Sans Fallback has no Latin letters or digits (only the space), DejaVu
// has no ideographs, so each character is drawn from the font that has it.
func TestCoverageDecidesTheFont(t *testing.T) {
	b := testRenderer(t).book
	droid := b.faces[srcCJK]
	for c := rune('!'); c <= '~'; c++ {
		if _, ok := droid.cmap[c]; ok {
			t.Errorf("Droid Sans Fallback has %q; the split by coverage assumes it has no ASCII glyphs", c)
		}
	}
	for _, tc := range []struct {
		r    rune
		w    weight
		want int
	}{
		{'A', regular, srcLatin}, {'1', regular, srcLatin}, {'·', regular, srcLatin}, {'¥', regular, srcLatin},
		{'×', regular, srcLatin}, {'A', bold, srcLatinBold}, {'京', regular, srcCJK}, {'京', bold, srcCJK},
		{'：', regular, srcCJK}, {'，', regular, srcCJK}, {'😀', regular, srcNone}, {0x0378, regular, srcNone},
	} {
		if got := b.slot(tc.w, tc.r).src; got != uint8(tc.want) {
			t.Errorf("%q weight %d from font %d, want %d", tc.r, tc.w, got, tc.want)
		}
	}
}

// outline is a simple glyph decoded independently of convertGlyph.
type outline struct {
	ends   []int
	on     []bool
	xs, ys []int // absolute
}

func decodeOutline(t *testing.T, g []byte) outline {
	t.Helper()
	n := int(int16(binary.BigEndian.Uint16(g)))
	if n < 0 {
		t.Fatal("composite glyph")
	}
	var o outline
	p := 10
	for i := 0; i < n; i++ {
		o.ends = append(o.ends, int(binary.BigEndian.Uint16(g[p:])))
		p += 2
	}
	points := 0
	if n > 0 {
		points = o.ends[n-1] + 1
	}
	p += 2 + int(binary.BigEndian.Uint16(g[p:]))
	var flags []byte
	for len(flags) < points {
		f := g[p]
		p++
		flags = append(flags, f)
		if f&flagRepeat != 0 {
			for k := int(g[p]); k > 0; k-- {
				flags = append(flags, f)
			}
			p++
		}
	}
	read := func(short, same byte) []int {
		var out []int
		v := 0
		for _, f := range flags {
			switch {
			case f&short != 0:
				d := int(g[p])
				p++
				if f&same == 0 {
					d = -d
				}
				v += d
			case f&same == 0:
				v += int(int16(binary.BigEndian.Uint16(g[p:])))
				p += 2
			}
			out = append(out, v)
		}
		return out
	}
	o.xs = read(flagXShort, flagXSame)
	o.ys = read(flagYShort, flagYSame)
	for _, f := range flags {
		o.on = append(o.on, f&flagOnCurve != 0)
	}
	return o
}

// TestGlyphConversionIsExact: Droid's 256-unit outlines become 2048-unit
// ones with every point exactly eight times as far, and DejaVu's keep
// theirs; hinting instructions are gone.
func TestGlyphConversionIsExact(t *testing.T) {
	b := testRenderer(t).book
	for _, r := range "京机油滤清器张先生座椅AgQ@1¥" {
		s := b.slot(regular, r)
		f := b.faces[s.src]
		raw := f.raw(s.gid)
		if int16(binary.BigEndian.Uint16(raw)) < 0 {
			continue // composite; see TestCompositeConversion
		}
		g, err := convertGlyph(raw, f.scale)
		if err != nil {
			t.Fatalf("%q: %v", r, err)
		}
		before, after := decodeOutline(t, raw), decodeOutline(t, g.data)
		if !slices.Equal(before.ends, after.ends) || !slices.Equal(before.on, after.on) {
			t.Errorf("%q: contours or on-curve flags changed", r)
		}
		for i := range before.xs {
			if after.xs[i] != before.xs[i]*f.scale || after.ys[i] != before.ys[i]*f.scale {
				t.Fatalf("%q point %d: (%d,%d) became (%d,%d) at scale %d", r, i, before.xs[i], before.ys[i], after.xs[i], after.ys[i], f.scale)
			}
		}
		n := int(int16(binary.BigEndian.Uint16(g.data)))
		if il := binary.BigEndian.Uint16(g.data[10+2*n:]); il != 0 {
			t.Errorf("%q keeps %d bytes of instructions", r, il)
		}
	}
}

func TestCompositeConversion(t *testing.T) {
	// Two components: byte offsets (3, -2) with instructions to follow,
	// then word offsets (200, 0) with a scale.
	raw := []byte{0xFF, 0xFF, 0, 0, 0, 0, 0, 10, 0, 10}
	raw = binary.BigEndian.AppendUint16(raw, compXY|compMore|compInstr)
	raw = binary.BigEndian.AppendUint16(raw, 7)
	raw = append(raw, 3, 0xFE)
	raw = binary.BigEndian.AppendUint16(raw, compXY|compWords|compScale)
	raw = binary.BigEndian.AppendUint16(raw, 9)
	raw = binary.BigEndian.AppendUint16(raw, 200)
	raw = binary.BigEndian.AppendUint16(raw, 0)
	raw = append(raw, 0x40, 0x00)       // scale 1.0 in F2Dot14
	raw = append(raw, 0, 2, 0xB0, 0x01) // instructions, to be dropped
	g, err := convertGlyph(raw, 8)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.components) != 2 || g.components[0].gid != 7 || g.components[1].gid != 9 {
		t.Fatalf("components %+v", g.components)
	}
	d := g.data
	f1 := binary.BigEndian.Uint16(d[10:])
	if f1&compInstr != 0 || f1&compWords == 0 {
		t.Errorf("first flags %#x: want words, no instructions", f1)
	}
	if x, y := int16(binary.BigEndian.Uint16(d[14:])), int16(binary.BigEndian.Uint16(d[16:])); x != 24 || y != -16 {
		t.Errorf("first offset (%d,%d), want (24,-16)", x, y)
	}
	if x := int16(binary.BigEndian.Uint16(d[22:])); x != 1600 {
		t.Errorf("second offset x %d, want 1600", x)
	}
	if len(d) != 28 {
		t.Errorf("converted glyph is %d bytes, want 28 (instructions dropped)", len(d))
	}
	if g.bbox[2] != 80 || g.bbox[3] != 80 {
		t.Errorf("bbox %v not scaled", g.bbox)
	}
}

// TestMergedFontReadsBack builds a document font and parses it like any
// other TrueType file: every character maps to a glyph with its source
// advance, scaled.
func TestMergedFontReadsBack(t *testing.T) {
	b := testRenderer(t).book
	text := "京A·12345 张先生 Oil filter 机油滤清器 ×1 ¥128.00"
	var set runeSet
	for _, r := range text {
		set.add(r)
	}
	font, err := b.buildFont(regular, set.runes())
	if err != nil {
		t.Fatal(err)
	}
	merged, err := parseFace("merged", font)
	if err != nil {
		t.Fatal(err)
	}
	if merged.upem != mergedUPEM {
		t.Errorf("units per em %d", merged.upem)
	}
	if len(font) > 40_000 {
		t.Errorf("a %d-character font takes %d bytes", len(set.runes()), len(font))
	}
	for _, r := range set.runes() {
		gid, ok := merged.cmap[r]
		if !ok {
			t.Errorf("%q missing from the merged font", r)
			continue
		}
		s := b.slot(regular, r)
		src := b.faces[s.src]
		if got, want := int(merged.advance[gid]), int(src.advance[s.gid])*src.scale; got != want {
			t.Errorf("%q advance %d, want %d", r, got, want)
		}
		if r != ' ' && len(merged.raw(gid)) == 0 {
			t.Errorf("%q has no outline", r)
		}
	}
	if checksum(font) != 0xB1B0AFBA {
		t.Errorf("font checksum adjustment is wrong")
	}
}

func TestClean(t *testing.T) {
	b := testRenderer(t).book
	for in, want := range map[string]string{
		"京A·12345":            "京A·12345",
		"张先生😀":                "张先生?",
		"👍🏽 ok":               "? ok",
		"👨‍👩‍👧":               "???",
		"a\tb\x00c\u200bd\r":  "a bcd",
		"line1\nline2":        "line1\nline2",
		"Oil filter 机油滤清器 ×1": "Oil filter 机油滤清器 ×1",
		"\xff":                "?",
	} {
		if got := b.clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWrapAndFit(t *testing.T) {
	b := testRenderer(t).book
	lines := b.wrap("做一万公里保养；早上冷车启动时右前轮附近有异响，过减速带更明显。", regular, 10, 40)
	if len(lines) < 2 {
		t.Fatalf("no wrap: %q", lines)
	}
	for _, l := range lines {
		if w := b.width(l, regular, 10); w > 40.01 {
			t.Errorf("line %q is %.1f mm wide", l, w)
		}
		if strings.ContainsAny(string([]rune(l)[0]), "，。；") {
			t.Errorf("line starts with punctuation: %q", l)
		}
	}
	if got := strings.Join(lines, ""); got != "做一万公里保养；早上冷车启动时右前轮附近有异响，过减速带更明显。" {
		t.Errorf("wrapping lost text: %q", got)
	}
	words := b.wrap("Front suspension noise check", regular, 10, 30)
	for _, l := range words {
		if strings.HasPrefix(l, " ") || strings.HasSuffix(l, " ") {
			t.Errorf("line %q keeps a space", l)
		}
	}
	if strings.Join(words, " ") != "Front suspension noise check" {
		t.Errorf("words wrapped as %q", words)
	}
	vin := b.wrap("LBEHDAFB5KY123456LBEHDAFB5KY123456", regular, 10, 20)
	if len(vin) < 2 || strings.Join(vin, "") != "LBEHDAFB5KY123456LBEHDAFB5KY123456" {
		t.Errorf("long word wrapped as %q", vin)
	}
	fit := b.fit("Alexander Konstantinopoulos 亚历山大", bold, 12, 30)
	if !strings.HasSuffix(fit, "…") || b.width(fit, bold, 12) > 30 {
		t.Errorf("fit gave %q (%.1f mm)", fit, b.width(fit, bold, 12))
	}
	if got := b.fit("短", regular, 12, 30); got != "短" {
		t.Errorf("fit shortened text that fits: %q", got)
	}
}
