package printing

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"
)

// face is one TrueType font, parsed once when the Renderer is made. Its
// fields never change afterwards, so every document reads them without a
// lock; the only mutable part is glyphs, a cache of converted glyphs that is
// filled with atomic pointers and never overwritten with different data.
type face struct {
	name      string
	upem      int
	scale     int // multiplier from this font's units to the merged font's
	numGlyphs int
	loca      []uint32 // numGlyphs+1 offsets into glyf
	glyf      []byte
	advance   []uint16 // per glyph, font units
	lsb       []int16  // per glyph, font units
	cmap      map[rune]uint16
	ascender  int16
	descender int16
	lineGap   int16
	bbox      [4]int16 // xMin, yMin, xMax, yMax
	maxp      []byte
	head      []byte
	hhea      []byte
	os2       []byte
	post      []byte

	glyphs []atomic.Pointer[glyph]
}

var errBadFont = errors.New("printing: malformed TrueType font")

type ttfReader struct{ b []byte }

func (r ttfReader) u16(off int) (uint16, error) {
	if off < 0 || off+2 > len(r.b) {
		return 0, errBadFont
	}
	return binary.BigEndian.Uint16(r.b[off:]), nil
}

func (r ttfReader) u32(off int) (uint32, error) {
	if off < 0 || off+4 > len(r.b) {
		return 0, errBadFont
	}
	return binary.BigEndian.Uint32(r.b[off:]), nil
}

func (r ttfReader) slice(off, n int) ([]byte, error) {
	if off < 0 || n < 0 || off+n > len(r.b) {
		return nil, errBadFont
	}
	return r.b[off : off+n : off+n], nil
}

// parseFace reads the tables the printing package needs from a TrueType
// file: the character map (BMP, format 4), metrics, and the glyph outlines.
// The returned slices alias data, which must not change afterwards.
func parseFace(name string, data []byte) (*face, error) {
	r := ttfReader{data}
	version, err := r.u32(0)
	if err != nil {
		return nil, err
	}
	if version != 0x00010000 && version != 0x74727565 { // 1.0 or 'true'
		return nil, fmt.Errorf("printing: %s is not a TrueType font with glyf outlines", name)
	}
	numTables, err := r.u16(4)
	if err != nil {
		return nil, err
	}
	tables := make(map[string][]byte, numTables)
	for i := 0; i < int(numTables); i++ {
		rec := 12 + 16*i
		tag, err := r.slice(rec, 4)
		if err != nil {
			return nil, err
		}
		off, err := r.u32(rec + 8)
		if err != nil {
			return nil, err
		}
		n, err := r.u32(rec + 12)
		if err != nil {
			return nil, err
		}
		t, err := r.slice(int(off), int(n))
		if err != nil {
			return nil, fmt.Errorf("printing: %s: table %q out of range", name, tag)
		}
		tables[string(tag)] = t
	}
	for _, tag := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "OS/2", "post"} {
		if tables[tag] == nil {
			return nil, fmt.Errorf("printing: %s has no %q table", name, tag)
		}
	}
	f := &face{name: name, glyf: tables["glyf"], head: tables["head"], hhea: tables["hhea"],
		maxp: tables["maxp"], os2: tables["OS/2"], post: tables["post"]}

	head := ttfReader{f.head}
	upem, err := head.u16(18)
	if err != nil {
		return nil, err
	}
	f.upem = int(upem)
	for i := range f.bbox {
		v, err := head.u16(36 + 2*i)
		if err != nil {
			return nil, err
		}
		f.bbox[i] = int16(v)
	}
	locaFormat, err := head.u16(50)
	if err != nil {
		return nil, err
	}
	numGlyphs, err := ttfReader{f.maxp}.u16(4)
	if err != nil {
		return nil, err
	}
	f.numGlyphs = int(numGlyphs)

	hhea := ttfReader{f.hhea}
	asc, err1 := hhea.u16(4)
	desc, err2 := hhea.u16(6)
	gap, err3 := hhea.u16(8)
	numHMetrics, err4 := hhea.u16(34)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return nil, err
	}
	f.ascender, f.descender, f.lineGap = int16(asc), int16(desc), int16(gap)
	if numHMetrics == 0 || int(numHMetrics) > f.numGlyphs {
		return nil, fmt.Errorf("printing: %s: bad hhea.numberOfHMetrics", name)
	}

	// hmtx: numHMetrics (advance, lsb) pairs, then lsb only; the last
	// advance repeats for the remaining glyphs.
	hmtx := ttfReader{tables["hmtx"]}
	f.advance = make([]uint16, f.numGlyphs)
	f.lsb = make([]int16, f.numGlyphs)
	var adv uint16
	for g := 0; g < f.numGlyphs; g++ {
		var lsb uint16
		if g < int(numHMetrics) {
			adv, err1 = hmtx.u16(4 * g)
			lsb, err2 = hmtx.u16(4*g + 2)
		} else {
			lsb, err2 = hmtx.u16(4*int(numHMetrics) + 2*(g-int(numHMetrics)))
		}
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		f.advance[g], f.lsb[g] = adv, int16(lsb)
	}

	loca := ttfReader{tables["loca"]}
	f.loca = make([]uint32, f.numGlyphs+1)
	for g := range f.loca {
		if locaFormat == 0 {
			v, err := loca.u16(2 * g)
			if err != nil {
				return nil, err
			}
			f.loca[g] = 2 * uint32(v)
		} else {
			v, err := loca.u32(4 * g)
			if err != nil {
				return nil, err
			}
			f.loca[g] = v
		}
		if f.loca[g] > uint32(len(f.glyf)) || (g > 0 && f.loca[g] < f.loca[g-1]) {
			return nil, fmt.Errorf("printing: %s: bad loca entry for glyph %d", name, g)
		}
	}

	if f.cmap, err = parseCmap(tables["cmap"], f.numGlyphs); err != nil {
		return nil, fmt.Errorf("printing: %s: %w", name, err)
	}
	f.glyphs = make([]atomic.Pointer[glyph], f.numGlyphs)
	return f, nil
}

// parseCmap reads the Unicode BMP subtable (format 4). Documents only ever
// hold BMP characters: gofpdf writes text as UTF-16 code units under
// Identity-H, which cannot carry surrogate pairs, so anything beyond the BMP
// (emoji) is replaced before it reaches a font.
func parseCmap(t []byte, numGlyphs int) (map[rune]uint16, error) {
	r := ttfReader{t}
	n, err := r.u16(2)
	if err != nil {
		return nil, err
	}
	sub := -1
	for i := 0; i < int(n); i++ {
		platform, err1 := r.u16(4 + 8*i)
		encoding, err2 := r.u16(4 + 8*i + 2)
		off, err3 := r.u32(4 + 8*i + 4)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, err
		}
		format, err := r.u16(int(off))
		if err != nil {
			return nil, err
		}
		if format == 4 && ((platform == 3 && encoding == 1) || platform == 0) {
			sub = int(off)
			if platform == 3 {
				break
			}
		}
	}
	if sub < 0 {
		return nil, errors.New("no Unicode BMP (format 4) character map")
	}
	segX2, err := r.u16(sub + 6)
	if err != nil {
		return nil, err
	}
	segs := int(segX2) / 2
	ends := sub + 14
	starts := ends + 2*segs + 2
	deltas := starts + 2*segs
	rangeOffs := deltas + 2*segs
	m := make(map[rune]uint16, 1024)
	for s := 0; s < segs; s++ {
		end, err1 := r.u16(ends + 2*s)
		start, err2 := r.u16(starts + 2*s)
		delta, err3 := r.u16(deltas + 2*s)
		ro, err4 := r.u16(rangeOffs + 2*s)
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return nil, err
		}
		for c := int(start); c <= int(end) && c != 0xFFFF; c++ {
			var g uint16
			if ro == 0 {
				g = uint16(c + int(delta))
			} else {
				at := rangeOffs + 2*s + int(ro) + 2*(c-int(start))
				v, err := r.u16(at)
				if err != nil {
					return nil, err
				}
				if v == 0 {
					continue
				}
				g = v + delta
			}
			if g != 0 && int(g) < numGlyphs {
				m[rune(c)] = g
			}
		}
	}
	return m, nil
}

// raw returns a glyph's outline bytes as stored in the font.
func (f *face) raw(gid uint16) []byte {
	a, b := f.loca[gid], f.loca[int(gid)+1]
	return f.glyf[a:b:b]
}

// glyph returns gid converted for the merged font (scaled, no hinting
// instructions), converting it on first use. Concurrent first uses may both
// convert; they produce equal results and either may win, which is safe.
func (f *face) glyph(gid uint16) (*glyph, error) {
	if g := f.glyphs[gid].Load(); g != nil {
		return g, nil
	}
	g, err := convertGlyph(f.raw(gid), f.scale)
	if err != nil {
		return nil, fmt.Errorf("printing: %s glyph %d: %w", f.name, gid, err)
	}
	f.glyphs[gid].CompareAndSwap(nil, g)
	return f.glyphs[gid].Load(), nil
}
