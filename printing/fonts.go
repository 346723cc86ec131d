package printing

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"unicode/utf16"
)

// Font files the Renderer loads from the file system it is given
// (assets.Fonts in the server).
const (
	fontLatin     = "fonts/DejaVuSans.ttf"
	fontLatinBold = "fonts/DejaVuSans-Bold.ttf"
	fontCJK       = "fonts/DroidSansFallbackFull.ttf"
)

// mergedUPEM is the units per em of the per-document font: DejaVu's, which
// is Droid Sans Fallback's 256 times eight, so both scale exactly.
const mergedUPEM = 2048

type weight int

const (
	regular weight = iota
	bold
)

// Indexes into fontBook.faces; 0 means "no font has this character".
const (
	srcNone = iota
	srcLatin
	srcLatinBold
	srcCJK
)

// slot says which font draws a character and how wide it is, in the
// thousandths of an em that gofpdf writes into the PDF's /W array (rounded
// the same way, so text we centre is centred in the viewer too).
type slot struct {
	src   uint8
	gid   uint16
	width uint16
}

// fontBook is the fonts parsed once, with a per-weight table from every BMP
// character to the font that draws it. gofpdf has no font fallback, and no
// single font here covers 京A·12345 or "Oil filter 机油滤清器": DejaVu has no
// ideographs and Droid Sans Fallback has only a few Latin letters. So the
// choice is made per character by glyph coverage (the fonts' cmaps): DejaVu
// for Latin, digits and symbols, Droid for CJK ideographs and punctuation.
//
// Rather than switch gofpdf fonts per run (each gofpdf UTF-8 font costs a
// few milliseconds and megabytes per document whatever its size), each
// document gets one small merged font per weight holding exactly the glyphs
// it prints, built from these tables. fontBook is immutable after load and
// safe for concurrent use.
type fontBook struct {
	faces  [4]*face
	lookup [2][]slot // per weight, indexed by rune (BMP)
}

func loadFontBook(fsys fs.FS) (*fontBook, error) {
	if fsys == nil {
		return nil, errors.New("printing: no font file system")
	}
	b := &fontBook{}
	for src, file := range map[int]string{srcLatin: fontLatin, srcLatinBold: fontLatinBold, srcCJK: fontCJK} {
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("printing: load font: %w", err)
		}
		f, err := parseFace(file, data)
		if err != nil {
			return nil, err
		}
		if mergedUPEM%f.upem != 0 {
			return nil, fmt.Errorf("printing: %s has %d units per em, which does not divide %d", file, f.upem, mergedUPEM)
		}
		f.scale = mergedUPEM / f.upem
		b.faces[src] = f
	}
	orders := [2][]int{
		regular: {srcLatin, srcCJK},
		bold:    {srcLatinBold, srcLatin, srcCJK},
	}
	for w, order := range orders {
		t := make([]slot, 0x10000)
		for r := range t {
			for _, src := range preference(rune(r), order) {
				f := b.faces[src]
				if gid, ok := f.cmap[rune(r)]; ok {
					adv := int(f.advance[gid]) * f.scale
					t[r] = slot{src: uint8(src), gid: gid, width: uint16(math.Round(float64(adv) * 1000 / mergedUPEM))}
					break
				}
			}
		}
		b.lookup[w] = t
	}
	return b, nil
}

// preference puts the CJK font first for characters of the CJK blocks, so
// that full-width punctuation and ideographs come from one design even where
// DejaVu also has a glyph.
func preference(r rune, order []int) []int {
	if !isCJK(r) {
		return order
	}
	return []int{srcCJK, order[0]}
}

func isCJK(r rune) bool {
	switch {
	case r >= 0x2E80 && r <= 0x9FFF: // radicals, CJK punctuation, kana, ideographs
		return true
	case r >= 0xAC00 && r <= 0xD7AF, r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFFEF:
		return true
	}
	return false
}

func (b *fontBook) slot(w weight, r rune) slot {
	if r < 0 || r > 0xFFFF {
		return slot{}
	}
	return b.lookup[w][r]
}

// has reports whether some font can print r.
func (b *fontBook) has(r rune) bool { return b.slot(regular, r).src != srcNone }

// runeSet is a bitset of BMP characters.
type runeSet [0x10000 / 64]uint64

func (s *runeSet) add(r rune) { s[r>>6] |= 1 << (uint(r) & 63) }

func (s *runeSet) runes() []rune {
	var out []rune
	for i, word := range s {
		for word != 0 {
			bit := 0
			for word&(1<<bit) == 0 {
				bit++
			}
			out = append(out, rune(i*64+bit))
			word &^= 1 << bit
		}
	}
	return out
}

// buildFont assembles a TrueType font holding the glyphs of runes at weight
// w, taken from whichever font covers each one, scaled to one em and
// without hinting. The result is fresh bytes owned by one document, which
// gofpdf may then parse and subset as it likes.
func (b *fontBook) buildFont(w weight, runes []rune) ([]byte, error) {
	type key struct {
		src int
		gid uint16
	}
	ids := map[key]uint16{}
	var order []key
	add := func(k key) uint16 {
		if id, ok := ids[k]; ok {
			return id
		}
		id := uint16(len(order))
		ids[k] = id
		order = append(order, k)
		return id
	}
	first := srcLatin
	if w == bold {
		first = srcLatinBold
	}
	add(key{first, 0}) // .notdef
	type mapping struct {
		r  rune
		id uint16
	}
	var cmap []mapping
	for _, r := range runes {
		s := b.slot(w, r)
		if s.src == srcNone {
			continue
		}
		cmap = append(cmap, mapping{r, add(key{int(s.src), s.gid})})
	}

	var glyf, loca, hmtx []byte
	var bbox [4]int16
	bboxSet := false
	advMax := 0
	for i := 0; i < len(order); i++ { // order grows as composites add components
		k := order[i]
		f := b.faces[k.src]
		g, err := f.glyph(k.gid)
		if err != nil {
			return nil, err
		}
		loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
		start := len(glyf)
		glyf = append(glyf, g.data...)
		for _, c := range g.components {
			binary.BigEndian.PutUint16(glyf[start+c.at:], add(key{k.src, c.gid}))
		}
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		if !g.empty {
			if !bboxSet {
				bbox, bboxSet = g.bbox, true
			}
			bbox[0], bbox[1] = min(bbox[0], g.bbox[0]), min(bbox[1], g.bbox[1])
			bbox[2], bbox[3] = max(bbox[2], g.bbox[2]), max(bbox[3], g.bbox[3])
		}
		adv := int(f.advance[k.gid]) * f.scale
		advMax = max(advMax, adv)
		hmtx = binary.BigEndian.AppendUint16(hmtx, uint16(adv))
		hmtx = binary.BigEndian.AppendUint16(hmtx, uint16(int16(int(f.lsb[k.gid])*f.scale)))
	}
	loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
	if len(order) > 0xFFFF {
		return nil, errors.New("printing: too many glyphs for one font")
	}
	numGlyphs := uint16(len(order))

	base := b.faces[first]
	var asc, desc int
	var fsType uint16
	for _, f := range b.faces[1:] {
		asc = max(asc, int(f.ascender)*f.scale)
		desc = min(desc, int(f.descender)*f.scale)
		fsType |= binary.BigEndian.Uint16(f.os2[8:])
	}

	head := append([]byte(nil), base.head[:54]...)
	binary.BigEndian.PutUint32(head[8:], 0) // checkSumAdjustment, set below
	binary.BigEndian.PutUint16(head[18:], mergedUPEM)
	for i, v := range bbox {
		binary.BigEndian.PutUint16(head[36+2*i:], uint16(v))
	}
	binary.BigEndian.PutUint16(head[50:], 1) // long loca offsets

	hhea := append([]byte(nil), base.hhea[:36]...)
	binary.BigEndian.PutUint16(hhea[4:], uint16(int16(asc)))
	binary.BigEndian.PutUint16(hhea[6:], uint16(int16(desc)))
	binary.BigEndian.PutUint16(hhea[10:], uint16(advMax))
	binary.BigEndian.PutUint16(hhea[34:], numGlyphs)

	maxp := append([]byte(nil), base.maxp...)
	binary.BigEndian.PutUint16(maxp[4:], numGlyphs)
	if len(maxp) >= 32 {
		for _, off := range []int{6, 8, 10, 12, 28, 30} { // point, contour and component limits
			v := uint16(0)
			for _, f := range b.faces[1:] {
				if len(f.maxp) >= 32 {
					v = max(v, binary.BigEndian.Uint16(f.maxp[off:]))
				}
			}
			binary.BigEndian.PutUint16(maxp[off:], v)
		}
		binary.BigEndian.PutUint16(maxp[26:], 0) // maxSizeOfInstructions
	}

	os2 := append([]byte(nil), base.os2...)
	binary.BigEndian.PutUint16(os2[8:], fsType)

	post := make([]byte, 32)
	binary.BigEndian.PutUint32(post, 0x00030000) // no glyph names
	copy(post[4:16], base.post[4:16])

	style := "Regular"
	if w == bold {
		style = "Bold"
	}
	tables := map[string][]byte{
		"OS/2": os2,
		"cmap": buildCmap(len(cmap), func(i int) (rune, uint16) { return cmap[i].r, cmap[i].id }),
		"glyf": glyf,
		"head": head,
		"hhea": hhea,
		"hmtx": hmtx,
		"loca": loca,
		"maxp": maxp,
		"name": buildName(style),
		"post": post,
	}
	return assembleFont(tables), nil
}

// buildCmap writes a (3,1) format 4 character map for n sorted mappings,
// one segment per run of consecutive characters with consecutive glyphs.
func buildCmap(n int, at func(int) (rune, uint16)) []byte {
	type seg struct{ start, end, delta uint16 }
	var segs []seg
	for i := 0; i < n; i++ {
		r, id := at(i)
		if len(segs) > 0 {
			last := &segs[len(segs)-1]
			if uint16(r) == last.end+1 && id == uint16(r)+last.delta {
				last.end = uint16(r)
				continue
			}
		}
		segs = append(segs, seg{uint16(r), uint16(r), id - uint16(r)})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})
	count := len(segs)
	searchRange, selector := 1, 0
	for searchRange*2 <= count {
		searchRange *= 2
		selector++
	}
	searchRange *= 2
	sub := make([]byte, 0, 16+8*count)
	for _, v := range []int{4, 16 + 8*count, 0, 2 * count, searchRange, selector, 2*count - searchRange} {
		sub = binary.BigEndian.AppendUint16(sub, uint16(v))
	}
	for _, s := range segs {
		sub = binary.BigEndian.AppendUint16(sub, s.end)
	}
	sub = append(sub, 0, 0)
	for _, s := range segs {
		sub = binary.BigEndian.AppendUint16(sub, s.start)
	}
	for _, s := range segs {
		sub = binary.BigEndian.AppendUint16(sub, s.delta)
	}
	for range segs {
		sub = append(sub, 0, 0) // idRangeOffset
	}
	t := []byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}
	return append(t, sub...)
}

// buildName names the merged font "BayboardSans": the Bitstream Vera
// licence asks that modified fonts not carry the Vera or Bitstream names.
func buildName(style string) []byte {
	records := []struct {
		id   uint16
		text string
	}{
		{0, "Glyphs from DejaVu Sans (Copyright (c) 2003 by Bitstream, Inc.; DejaVu changes are in the public domain) and Droid Sans Fallback (Copyright (c) 2006-2010 Google Corp., Apache License 2.0)"},
		{1, "BayboardSans"},
		{2, style},
		{3, "BayboardSans-" + style + " subset"},
		{4, "BayboardSans " + style},
		{5, "Version 1.0"},
		{6, "BayboardSans-" + style},
	}
	var strs []byte
	t := binary.BigEndian.AppendUint16(nil, 0)
	t = binary.BigEndian.AppendUint16(t, uint16(len(records)))
	t = binary.BigEndian.AppendUint16(t, uint16(6+12*len(records)))
	for _, rec := range records {
		var enc []byte
		for _, u := range utf16.Encode([]rune(rec.text)) {
			enc = binary.BigEndian.AppendUint16(enc, u)
		}
		for _, v := range []uint16{3, 1, 0x409, rec.id, uint16(len(enc)), uint16(len(strs))} {
			t = binary.BigEndian.AppendUint16(t, v)
		}
		strs = append(strs, enc...)
	}
	return append(t, strs...)
}

func assembleFont(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for tag := range tables {
		tags = append(tags, tag)
	}
	sort.Strings(tags)
	n := len(tags)
	searchRange, selector := 1, 0
	for searchRange*2 <= n {
		searchRange *= 2
		selector++
	}
	searchRange *= 16
	size := 12 + 16*n
	for _, tag := range tags {
		size += (len(tables[tag]) + 3) &^ 3
	}
	out := make([]byte, 0, size)
	out = binary.BigEndian.AppendUint32(out, 0x00010000)
	for _, v := range []int{n, searchRange, selector, n*16 - searchRange} {
		out = binary.BigEndian.AppendUint16(out, uint16(v))
	}
	offset := 12 + 16*n
	headAt := 0
	for _, tag := range tags {
		t := tables[tag]
		if tag == "head" {
			headAt = offset
		}
		out = append(out, tag...)
		out = binary.BigEndian.AppendUint32(out, checksum(t))
		out = binary.BigEndian.AppendUint32(out, uint32(offset))
		out = binary.BigEndian.AppendUint32(out, uint32(len(t)))
		offset += (len(t) + 3) &^ 3
	}
	for _, tag := range tags {
		out = append(out, tables[tag]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var word [4]byte
		copy(word[:], b[i:])
		sum += binary.BigEndian.Uint32(word[:])
	}
	return sum
}
