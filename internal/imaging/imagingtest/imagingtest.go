// Package imagingtest makes the photos a phone sends, for tests: a JPEG
// with an EXIF block (orientation, a device name, GPS tags) written by
// hand, of a picture whose upright state can be checked after processing,
// and a check that a JPEG carries none of the phone's metadata.
//
// The picture, upright, is red over blue, with a green block at its top
// left: a picture turned, mirrored or upside down shows it (Upright). The
// stored pixels are laid out from the TIFF specification's table of what
// each orientation means, written here apart from imaging's own code, so a
// mistake in one does not hide the same mistake in the other.
package imagingtest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
)

// DeviceName is the camera's make and model the EXIF block carries, and
// GPSMarker the GPS map datum: bytes a processed photo must not contain.
const (
	DeviceName = "BayboardTestPhone X1"
	GPSMarker  = "BAYBOARD-GPS-WGS-84"
)

// PhoneJPEG is a JPEG as a phone stores it: w×h stored pixels, an APP1
// EXIF block (big-endian, as an iPhone writes it) with the orientation,
// the device's make and model, and, withGPS, a GPS IFD (latitude,
// longitude, GPSMarker). Shown upright the picture is w×h for
// orientations 1–4 and h×w for 5–8 (a phone held upright stores a
// landscape frame and orientation 6).
func PhoneJPEG(w, h, orientation int, withGPS bool) []byte {
	return WithAPP1(StoredJPEG(w, h, orientation), EXIF(binary.BigEndian, orientation, withGPS))
}

// StoredJPEG is the picture's w×h stored pixels for an orientation, as a
// JPEG without any EXIF block.
func StoredJPEG(w, h, orientation int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Stored(w, h, orientation), &jpeg.Options{Quality: 90}); err != nil {
		panic(err) // encoding an RGBA image into memory does not fail
	}
	return buf.Bytes()
}

// Stored is the picture's w×h stored pixels for an orientation: each
// stored pixel is the upright picture's pixel that the orientation's row
// and column sides name (TIFF 6.0, tag 274):
//
//	1: row 0 is the top,    column 0 the left
//	2: row 0 is the top,    column 0 the right
//	3: row 0 is the bottom, column 0 the right
//	4: row 0 is the bottom, column 0 the left
//	5: row 0 is the left,   column 0 the top
//	6: row 0 is the right,  column 0 the top
//	7: row 0 is the right,  column 0 the bottom
//	8: row 0 is the left,   column 0 the bottom
func Stored(w, h, orientation int) *image.RGBA {
	uw, uh := w, h
	if orientation >= 5 {
		uw, uh = h, w
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for sy := 0; sy < h; sy++ {
		for sx := 0; sx < w; sx++ {
			var ux, uy int
			switch orientation {
			case 2:
				ux, uy = uw-1-sx, sy
			case 3:
				ux, uy = uw-1-sx, uh-1-sy
			case 4:
				ux, uy = sx, uh-1-sy
			case 5: // rows run down the left, columns from the top
				ux, uy = sy, sx
			case 6:
				ux, uy = uw-1-sy, sx
			case 7:
				ux, uy = uw-1-sy, uh-1-sx
			case 8:
				ux, uy = sy, uh-1-sx
			default:
				ux, uy = sx, sy
			}
			img.Set(sx, sy, uprightColour(ux, uy, uw, uh))
		}
	}
	return img
}

var (
	red   = color.RGBA{220, 30, 30, 255}
	green = color.RGBA{30, 200, 30, 255}
	blue  = color.RGBA{30, 30, 220, 255}
)

// uprightColour is the upright picture at (x, y): the top half red but a
// green block over its left quarter, the bottom half blue.
func uprightColour(x, y, w, h int) color.RGBA {
	switch {
	case y >= h/2:
		return blue
	case x < w/4:
		return green
	}
	return red
}

// Upright says why img is not the picture upright (nil when it is): green
// at the top left, red at the top right, blue along the bottom. Each spot
// is read as the mean of a small square, so JPEG's blur at the edges does
// not matter.
func Upright(img image.Image) error {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	spots := []struct {
		name   string
		fx, fy float64
		want   string
	}{
		{"top left", 0.125, 0.25, "green"},
		{"top right", 0.875, 0.25, "red"},
		{"top middle", 0.6, 0.1, "red"},
		{"bottom left", 0.125, 0.75, "blue"},
		{"bottom right", 0.875, 0.75, "blue"},
	}
	for _, s := range spots {
		x, y := b.Min.X+int(s.fx*float64(w)), b.Min.Y+int(s.fy*float64(h))
		if got := dominant(img, x, y, max(1, min(w, h)/20)); got != s.want {
			return fmt.Errorf("the %s of the %d×%d picture is %s, want %s", s.name, w, h, got, s.want)
		}
	}
	return nil
}

// UprightJPEG decodes a JPEG and says whether it is the picture upright.
func UprightJPEG(b []byte) error {
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return Upright(img)
}

// dominant names the strongest channel of the mean colour of the square of
// side 2r around (x, y), or "grey" when none stands out.
func dominant(img image.Image, x, y, r int) string {
	var sum [3]uint64
	var n uint64
	for yy := y - r; yy < y+r; yy++ {
		for xx := x - r; xx < x+r; xx++ {
			if !(image.Point{xx, yy}.In(img.Bounds())) {
				continue
			}
			cr, cg, cb, _ := img.At(xx, yy).RGBA()
			sum[0] += uint64(cr >> 8)
			sum[1] += uint64(cg >> 8)
			sum[2] += uint64(cb >> 8)
			n++
		}
	}
	if n == 0 {
		return "nothing"
	}
	rr, gg, bb := sum[0]/n, sum[1]/n, sum[2]/n
	switch {
	case rr > 2*gg && rr > 2*bb:
		return "red"
	case gg > 2*rr && gg > 2*bb:
		return "green"
	case bb > 2*rr && bb > 2*gg:
		return "blue"
	}
	return fmt.Sprintf("grey (%d,%d,%d)", rr, gg, bb)
}

// Leaks lists the phone's metadata a JPEG still carries: an APP1 segment
// (EXIF or XMP), an "Exif" header anywhere, the device's name, the GPS
// marker. A processed photo has none.
func Leaks(b []byte) []string {
	var found []string
	if hasSegment(b, 0xE1) {
		found = append(found, "an APP1 segment")
	}
	if bytes.Contains(b, []byte("Exif\x00")) {
		found = append(found, "an Exif header")
	}
	if bytes.Contains(b, []byte(DeviceName)) {
		found = append(found, "the device's name")
	}
	if bytes.Contains(b, []byte(GPSMarker)) {
		found = append(found, "the GPS tags")
	}
	return found
}

// hasSegment says whether a JPEG has a segment with this marker before its
// first scan.
func hasSegment(b []byte, marker byte) bool {
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; {
		m := b[i+1]
		if m == 0xDA || m == 0xD9 {
			return false
		}
		if m == marker {
			return true
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	return false
}

// WithAPP1 puts an APP1 segment's payload (EXIF(…), or any bytes a test
// wants to try) into a JPEG right after its start-of-image marker, as a
// camera writes it.
func WithAPP1(jpegBytes, payload []byte) []byte {
	out := make([]byte, 0, len(jpegBytes)+len(payload)+4)
	out = append(out, jpegBytes[:2]...)
	out = append(out, 0xFF, 0xE1)
	out = binary.BigEndian.AppendUint16(out, uint16(len(payload)+2))
	out = append(out, payload...)
	return append(out, jpegBytes[2:]...)
}

// EXIF is an APP1 payload: "Exif\0\0" and a TIFF block in the given byte
// order whose first IFD holds Make, Model, Orientation and, withGPS, a
// pointer to a GPS IFD (latitude 31°14'N, longitude 121°28'E, map datum
// GPSMarker).
func EXIF(order binary.AppendByteOrder, orientation int, withGPS bool) []byte {
	ifd0 := []entry{
		ascii(0x010F, "BayboardTestPhone"),
		ascii(0x0110, DeviceName),
		short(0x0112, uint16(orientation)),
	}
	gps := []entry{
		ascii(0x0001, "N"),
		rationals(0x0002, 31, 1, 14, 1, 2345, 100),
		ascii(0x0003, "E"),
		rationals(0x0004, 121, 1, 28, 1, 1234, 100),
		ascii(0x0012, GPSMarker),
	}
	const header = 8
	if withGPS {
		ifd0 = append(ifd0, entry{tag: 0x8825, typ: 4, count: 1}) // its offset is set below
		gpsAt := header + ifdSize(ifd0)
		ifd0[len(ifd0)-1].value = order.AppendUint32(nil, uint32(gpsAt))
	}
	tiff := []byte("MM\x00\x2A")
	if order == binary.LittleEndian {
		tiff = []byte("II\x2A\x00")
	}
	tiff = order.AppendUint32(tiff, header)
	tiff = appendIFD(tiff, order, ifd0)
	if withGPS {
		tiff = appendIFD(tiff, order, gps)
	}
	return append([]byte("Exif\x00\x00"), tiff...)
}

// entry is one IFD entry: its tag, TIFF type, count and value bytes
// (already in the block's byte order for numbers; see the constructors).
type entry struct {
	tag   uint16
	typ   uint16
	count uint32
	value []byte
	// order-dependent values are written by appendIFD from these
	shorts    []uint16
	rationals []uint32
}

func ascii(tag uint16, s string) entry {
	return entry{tag: tag, typ: 2, count: uint32(len(s) + 1), value: append([]byte(s), 0)}
}

func short(tag uint16, v uint16) entry {
	return entry{tag: tag, typ: 3, count: 1, shorts: []uint16{v}}
}

func rationals(tag uint16, v ...uint32) entry {
	return entry{tag: tag, typ: 5, count: uint32(len(v) / 2), rationals: v}
}

// bytesOf is an entry's value in order.
func (e entry) bytesOf(order binary.AppendByteOrder) []byte {
	switch {
	case e.shorts != nil:
		var b []byte
		for _, s := range e.shorts {
			b = order.AppendUint16(b, s)
		}
		return b
	case e.rationals != nil:
		var b []byte
		for _, r := range e.rationals {
			b = order.AppendUint32(b, r)
		}
		return b
	}
	return e.value
}

// ifdSize is the bytes an IFD takes with the values that do not fit in
// its entries (kept to even lengths, as TIFF asks).
func ifdSize(entries []entry) int {
	n := 2 + 12*len(entries) + 4
	for _, e := range entries {
		if l := valueLen(e); l > 4 {
			n += l + l%2
		}
	}
	return n
}

func valueLen(e entry) int {
	switch {
	case e.shorts != nil:
		return 2 * len(e.shorts)
	case e.rationals != nil:
		return 4 * len(e.rationals)
	}
	return len(e.value)
}

// appendIFD writes an IFD at the end of tiff (whose length is its offset),
// its long values right after it, and no next IFD.
func appendIFD(tiff []byte, order binary.AppendByteOrder, entries []entry) []byte {
	start := len(tiff)
	extra := start + 2 + 12*len(entries) + 4
	var values []byte
	tiff = order.AppendUint16(tiff, uint16(len(entries)))
	for _, e := range entries {
		v := e.bytesOf(order)
		tiff = order.AppendUint16(tiff, e.tag)
		tiff = order.AppendUint16(tiff, e.typ)
		tiff = order.AppendUint32(tiff, e.count)
		if len(v) <= 4 {
			tiff = append(tiff, v...)
			tiff = append(tiff, make([]byte, 4-len(v))...)
			continue
		}
		tiff = order.AppendUint32(tiff, uint32(extra+len(values)))
		values = append(values, v...)
		if len(v)%2 == 1 {
			values = append(values, 0)
		}
	}
	tiff = order.AppendUint32(tiff, 0)
	return append(tiff, values...)
}

// BombPNG is a PNG that says it is w×h and holds only its header and an
// empty image chunk: a decompression bomb's shape, a few dozen bytes.
func BombPNG(w, h uint32) []byte {
	out := []byte("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
		start := len(out)
		out = append(out, kind...)
		out = append(out, data...)
		out = binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return out
}
