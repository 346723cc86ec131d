package printing

import (
	"encoding/binary"
	"errors"
)

// glyph is one outline converted for the merged font: coordinates scaled to
// the merged font's units and hinting instructions dropped (the merged font
// carries no fpgm/prep/cvt tables for them to call).
type glyph struct {
	data []byte
	// components locates the component glyph ids inside data for a
	// composite glyph; they are source-font ids, renumbered when the merged
	// font is assembled.
	components []component
	bbox       [4]int16
	empty      bool
}

type component struct {
	at  int // offset of the uint16 glyph id in data
	gid uint16
}

// Simple-glyph point flags and composite-glyph component flags from the
// TrueType 'glyf' specification.
const (
	flagOnCurve  = 0x01
	flagXShort   = 0x02
	flagYShort   = 0x04
	flagRepeat   = 0x08
	flagXSame    = 0x10 // or positive, when short
	flagYSame    = 0x20
	flagOverlap  = 0x40
	compWords    = 0x0001
	compXY       = 0x0002
	compScale    = 0x0008
	compMore     = 0x0020
	compXYScale  = 0x0040
	compTwoByTwo = 0x0080
	compInstr    = 0x0100
)

var errBadGlyph = errors.New("malformed glyph")

func i16(b []byte) int { return int(int16(binary.BigEndian.Uint16(b))) }

// convertGlyph scales a glyph's outline by an integer factor and drops its
// instructions. Scaling is exact (integer), so Droid Sans Fallback's 256
// units per em become DejaVu's 2048 without loss.
func convertGlyph(raw []byte, scale int) (*glyph, error) {
	if len(raw) == 0 {
		return &glyph{empty: true}, nil
	}
	if len(raw) < 10 {
		return nil, errBadGlyph
	}
	g := &glyph{}
	for i := range g.bbox {
		g.bbox[i] = int16(i16(raw[2+2*i:]) * scale)
	}
	head := make([]byte, 10, len(raw)+16)
	copy(head, raw[:2])
	for i, v := range g.bbox {
		binary.BigEndian.PutUint16(head[2+2*i:], uint16(v))
	}
	contours := i16(raw)
	var err error
	if contours >= 0 {
		g.data, err = convertSimple(head, raw, contours, scale)
	} else {
		g.data, g.components, err = convertComposite(head, raw, scale)
	}
	if err != nil {
		return nil, err
	}
	return g, nil
}

func convertSimple(out, raw []byte, contours, scale int) ([]byte, error) {
	p := 10 + 2*contours
	if len(raw) < p+2 {
		return nil, errBadGlyph
	}
	out = append(out, raw[10:p]...) // endPtsOfContours
	points := 0
	if contours > 0 {
		points = int(binary.BigEndian.Uint16(raw[p-2:])) + 1
	}
	p += 2 + int(binary.BigEndian.Uint16(raw[p:])) // skip instructions
	out = append(out, 0, 0)                        // instructionLength
	if points == 0 {
		return out, nil
	}
	flags := make([]byte, 0, points)
	for len(flags) < points {
		if p >= len(raw) {
			return nil, errBadGlyph
		}
		f := raw[p]
		p++
		flags = append(flags, f&^flagRepeat)
		if f&flagRepeat != 0 {
			if p >= len(raw) {
				return nil, errBadGlyph
			}
			for n := int(raw[p]); n > 0 && len(flags) < points; n-- {
				flags = append(flags, f&^flagRepeat)
			}
			p++
		}
	}
	xs := make([]int, points)
	ys := make([]int, points)
	for axis, coords := range [][]int{xs, ys} {
		short, same := byte(flagXShort), byte(flagXSame)
		if axis == 1 {
			short, same = flagYShort, flagYSame
		}
		for i, f := range flags {
			switch {
			case f&short != 0:
				if p >= len(raw) {
					return nil, errBadGlyph
				}
				d := int(raw[p])
				p++
				if f&same == 0 {
					d = -d
				}
				coords[i] = d
			case f&same != 0:
				coords[i] = 0
			default:
				if p+2 > len(raw) {
					return nil, errBadGlyph
				}
				coords[i] = i16(raw[p:])
				p += 2
			}
		}
	}

	// Re-encode the scaled deltas, choosing the shortest form for each.
	newFlags := make([]byte, points)
	for i, f := range flags {
		nf := f & (flagOnCurve | flagOverlap)
		xs[i] *= scale
		ys[i] *= scale
		nf |= deltaFlag(xs[i], flagXShort, flagXSame)
		nf |= deltaFlag(ys[i], flagYShort, flagYSame)
		newFlags[i] = nf
	}
	for i := 0; i < points; {
		j := i + 1
		for j < points && newFlags[j] == newFlags[i] && j-i < 256 {
			j++
		}
		if run := j - i; run > 1 {
			out = append(out, newFlags[i]|flagRepeat, byte(run-1))
		} else {
			out = append(out, newFlags[i])
		}
		i = j
	}
	for axis, coords := range [][]int{xs, ys} {
		short := byte(flagXShort)
		if axis == 1 {
			short = flagYShort
		}
		for i, d := range coords {
			switch {
			case newFlags[i]&short != 0:
				if d < 0 {
					d = -d
				}
				out = append(out, byte(d))
			case d == 0:
			default:
				if d < -32768 || d > 32767 {
					return nil, errBadGlyph
				}
				out = binary.BigEndian.AppendUint16(out, uint16(int16(d)))
			}
		}
	}
	return out, nil
}

func deltaFlag(d int, short, same byte) byte {
	switch {
	case d == 0:
		return same
	case d > 0 && d <= 255:
		return short | same
	case d < 0 && d >= -255:
		return short
	}
	return 0
}

func convertComposite(out, raw []byte, scale int) ([]byte, []component, error) {
	var comps []component
	p := 10
	for {
		if p+4 > len(raw) {
			return nil, nil, errBadGlyph
		}
		flags := binary.BigEndian.Uint16(raw[p:])
		gid := binary.BigEndian.Uint16(raw[p+2:])
		p += 4
		var a1, a2 int
		switch {
		case flags&compWords != 0:
			if p+4 > len(raw) {
				return nil, nil, errBadGlyph
			}
			if flags&compXY != 0 {
				a1, a2 = i16(raw[p:]), i16(raw[p+2:])
			} else {
				a1, a2 = int(binary.BigEndian.Uint16(raw[p:])), int(binary.BigEndian.Uint16(raw[p+2:]))
			}
			p += 4
		default:
			if p+2 > len(raw) {
				return nil, nil, errBadGlyph
			}
			if flags&compXY != 0 {
				a1, a2 = int(int8(raw[p])), int(int8(raw[p+1]))
			} else {
				a1, a2 = int(raw[p]), int(raw[p+1])
			}
			p += 2
		}
		transform := 0
		switch {
		case flags&compScale != 0:
			transform = 2
		case flags&compXYScale != 0:
			transform = 4
		case flags&compTwoByTwo != 0:
			transform = 8
		}
		if p+transform > len(raw) {
			return nil, nil, errBadGlyph
		}
		nf := flags &^ compInstr
		if flags&compXY != 0 {
			// Offsets are in font units: scale them, and always store
			// them as words since a scaled byte may no longer fit.
			a1 *= scale
			a2 *= scale
			nf |= compWords
		}
		out = binary.BigEndian.AppendUint16(out, nf)
		comps = append(comps, component{at: len(out), gid: gid})
		out = binary.BigEndian.AppendUint16(out, gid)
		if nf&compWords != 0 {
			out = binary.BigEndian.AppendUint16(out, uint16(int16(a1)))
			out = binary.BigEndian.AppendUint16(out, uint16(int16(a2)))
		} else {
			out = append(out, byte(a1), byte(a2))
		}
		out = append(out, raw[p:p+transform]...)
		p += transform
		if flags&compMore == 0 {
			break
		}
	}
	return out, comps, nil
}
