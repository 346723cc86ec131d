package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/image/draw"

	"bayboard/internal/imaging/imagingtest"
)

// Every orientation a phone writes, in either byte order, comes out
// upright, at its upright size, and without the phone's metadata; so does
// its thumbnail. The same picture read as stored (without the EXIF block's
// turn) is not upright but for orientation 1, so the check can fail.
func TestEachOrientationComesOutUpright(t *testing.T) {
	orders := []struct {
		name  string
		order binary.AppendByteOrder
	}{{"big-endian", binary.BigEndian}, {"little-endian", binary.LittleEndian}}
	for _, o := range orders {
		for orientation := 1; orientation <= 8; orientation++ {
			in := imagingtest.WithAPP1(imagingtest.StoredJPEG(400, 300, orientation), imagingtest.EXIF(o.order, orientation, true))
			if got := exifOrientation(in); got != orientation {
				t.Errorf("%s %d: read orientation %d", o.name, orientation, got)
			}
			if orientation != 1 {
				if err := imagingtest.UprightJPEG(in); err == nil {
					t.Errorf("%s %d: the stored picture is upright before processing", o.name, orientation)
				}
			}
			if leaks := imagingtest.Leaks(in); len(leaks) != 4 {
				t.Errorf("%s %d: the phone's JPEG carries %v, want all four", o.name, orientation, leaks)
			}
			p, err := Process(bytes.NewReader(in), DefaultLimits)
			if err != nil {
				t.Fatalf("%s %d: %v", o.name, orientation, err)
			}
			wantW, wantH := 400, 300
			if orientation >= 5 {
				wantW, wantH = 300, 400
			}
			if p.Width != wantW || p.Height != wantH {
				t.Errorf("%s %d: %d×%d, want %d×%d", o.name, orientation, p.Width, p.Height, wantW, wantH)
			}
			for name, b := range map[string][]byte{"photo": p.JPEG, "thumbnail": p.Thumb} {
				if err := imagingtest.UprightJPEG(b); err != nil {
					t.Errorf("%s %d: the %s: %v", o.name, orientation, name, err)
				}
				if leaks := imagingtest.Leaks(b); len(leaks) > 0 {
					t.Errorf("%s %d: the %s carries %v", o.name, orientation, name, leaks)
				}
			}
			if cfg, err := jpeg.DecodeConfig(bytes.NewReader(p.JPEG)); err != nil || cfg.Width != p.Width || cfg.Height != p.Height {
				t.Errorf("%s %d: the JPEG is %d×%d (%v), Photo says %d×%d", o.name, orientation, cfg.Width, cfg.Height, err, p.Width, p.Height)
			}
		}
	}
}

// A phone's 12-megapixel photo comes out 2048 on its long side, turned, as
// a JPEG within the target, with a 320-pixel thumbnail; a small one is not
// enlarged.
func TestAPhotoIsScaledToTheLongEdge(t *testing.T) {
	p, err := Process(bytes.NewReader(imagingtest.PhoneJPEG(4000, 3000, 6, true)), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 1536 || p.Height != 2048 {
		t.Errorf("%d×%d, want 1536×2048", p.Width, p.Height)
	}
	if len(p.JPEG) > DefaultLimits.TargetBytes {
		t.Errorf("%d bytes, over the target %d", len(p.JPEG), DefaultLimits.TargetBytes)
	}
	if err := imagingtest.UprightJPEG(p.JPEG); err != nil {
		t.Error(err)
	}
	thumb, err := jpeg.DecodeConfig(bytes.NewReader(p.Thumb))
	if err != nil || thumb.Width != 240 || thumb.Height != 320 {
		t.Errorf("thumbnail %d×%d (%v), want 240×320", thumb.Width, thumb.Height, err)
	}

	small, err := Process(bytes.NewReader(imagingtest.PhoneJPEG(200, 100, 1, false)), DefaultLimits)
	if err != nil || small.Width != 200 || small.Height != 100 {
		t.Errorf("a 200×100 photo came out %d×%d (%v)", small.Width, small.Height, err)
	}
}

// noise is a w×h picture of random pixels: the hardest a JPEG encoder gets.
func noise(w, h int, seed uint64) *image.RGBA {
	r := rand.New(rand.NewPCG(seed, seed))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(r.UintN(256))
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image, quality int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A photo that does not fit the target at quality 85 is encoded at a lower
// quality, and one that fits at none is made smaller, until it fits.
func TestThePhotoFitsTheTargetBytes(t *testing.T) {
	in := encodeJPEG(t, noise(600, 400, 1), 95)
	at85 := len(encodeJPEG(t, noise(600, 400, 1), 85))
	at50 := len(encodeJPEG(t, noise(600, 400, 1), 50))
	for _, target := range []int{at85, (at85 + at50) / 2, at50 / 2} {
		lim := DefaultLimits
		lim.TargetBytes = target
		p, err := Process(bytes.NewReader(in), lim)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.JPEG) > target {
			t.Errorf("target %d: %d bytes", target, len(p.JPEG))
		}
		shrunk := p.Width < 600
		if want := target < at50; shrunk != want {
			t.Errorf("target %d: %d×%d, made smaller %v, want %v", target, p.Width, p.Height, shrunk, want)
		}
	}

	// A target no JPEG can meet ends at the smallest the thumbnail's edge
	// allows (or a single pixel), not in an endless loop.
	for _, edge := range []int{32, 0} {
		lim := DefaultLimits
		lim.TargetBytes, lim.ThumbEdge = 1, edge
		p, err := Process(bytes.NewReader(in), lim)
		if err != nil || max(p.Width, p.Height) > max(edge, 1) {
			t.Errorf("an impossible target, thumbnail edge %d: %d×%d, %v", edge, p.Width, p.Height, err)
		}
	}
}

// PNG and WebP are taken as JPEG is; a transparent PNG's clear parts come
// out white.
func TestPNGAndWebPAreTaken(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			if x >= 32 {
				img.Set(x, y, color.NRGBA{200, 0, 0, 255})
			} // the left half stays transparent
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p, err := Process(&buf, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(bytes.NewReader(p.JPEG))
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b, _ := out.At(8, 24).RGBA(); r>>8 < 240 || g>>8 < 240 || b>>8 < 240 {
		t.Errorf("the transparent half is (%d,%d,%d), want white", r>>8, g>>8, b>>8)
	}

	webp, err := os.ReadFile("testdata/blue-purple-pink.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	p, err = Process(bytes.NewReader(webp), DefaultLimits)
	if err != nil || p.Width != 150 || p.Height != 100 {
		t.Errorf("the WebP came out %d×%d (%v), want 150×100", p.Width, p.Height, err)
	}
}

// jpegClaiming is a small JPEG whose frame header is rewritten to say it
// is w×h.
func jpegClaiming(t testing.TB, w, h uint16) []byte {
	b := imagingtest.StoredJPEG(16, 16, 1)
	for i := 2; i+9 < len(b); {
		if b[i+1] == 0xC0 { // baseline frame: length, precision, height, width
			binary.BigEndian.PutUint16(b[i+5:], h)
			binary.BigEndian.PutUint16(b[i+7:], w)
			return b
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	t.Fatal("no frame header in the JPEG")
	return nil
}

// endless is a body that never ends, counting what was read of it.
type endless struct{ read int64 }

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	e.read += int64(len(p))
	return len(p), nil
}

// What is not a photo the shop can take is refused with the error that
// says why, and a bomb is refused before its pixels are allocated.
func TestBadBodiesAreRefused(t *testing.T) {
	phone := imagingtest.PhoneJPEG(400, 300, 6, true)
	cases := []struct {
		name string
		body []byte
		lim  func(*Limits)
		want error
		says string
	}{
		{"a text file", []byte("brake pads worn to 2 mm, replace both\n"), nil, ErrNotImage, "header"},
		{"nothing", nil, nil, ErrNotImage, "header"},
		{"a truncated JPEG", phone[:len(phone)*2/3], nil, ErrNotImage, "cut short"},
		{"a JPEG cut inside its header", phone[:300], nil, ErrNotImage, "header"},
		{"a 60000×60000 PNG in a tiny file", imagingtest.BombPNG(60000, 60000), nil, ErrTooManyPixels, "60000×60000"},
		{"a 60000×60000 JPEG in a tiny file", jpegClaiming(t, 60000, 60000), nil, ErrTooManyPixels, "60000×60000"},
		{"one pixel over the limit", imagingtest.StoredJPEG(101, 100, 1), func(l *Limits) { l.MaxPixels = 100 * 100 }, ErrTooManyPixels, "101×100"},
		{"one byte over the size", phone, func(l *Limits) { l.MaxBytes = int64(len(phone)) - 1 }, ErrTooLarge, "over"},
	}
	for _, c := range cases {
		lim := DefaultLimits
		if c.lim != nil {
			c.lim(&lim)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Process(bytes.NewReader(c.body), lim)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want %v saying %q", c.name, err, c.want, c.says)
		}
		// Refusing costs the body and a little: never the pixels the header claims.
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
			t.Errorf("%s: refusing it allocated %d MB", c.name, grew>>20)
		}
	}

	// A body the size of the limit is taken; an endless one is read to the
	// limit and one byte, no further.
	lim := DefaultLimits
	lim.MaxBytes = int64(len(phone))
	if _, err := Process(bytes.NewReader(phone), lim); err != nil {
		t.Errorf("a body at the limit: %v", err)
	}
	body := &endless{}
	lim.MaxBytes = 1 << 20
	if _, err := Process(body, lim); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "1 MiB") {
		t.Errorf("an endless body: %v", err)
	}
	if body.read > lim.MaxBytes+64<<10 {
		t.Errorf("read %d bytes of an endless body, limit %d", body.read, lim.MaxBytes)
	}
	if _, err := Process(io.MultiReader(), DefaultLimits); !errors.Is(err, ErrNotImage) {
		t.Errorf("an empty body: %v", err)
	}
}

// A malformed EXIF block is ignored: the photo is taken as stored.
func TestAMalformedEXIFIsIgnored(t *testing.T) {
	good := imagingtest.EXIF(binary.BigEndian, 6, true)
	tiff := good[6:]
	withOrientation := func(v uint16) []byte { // the orientation entry is IFD0's third
		b := bytes.Clone(good)
		binary.BigEndian.PutUint16(b[6+8+2+2*12+8:], v)
		return b
	}
	withType := func(typ uint16) []byte {
		b := bytes.Clone(good)
		binary.BigEndian.PutUint16(b[6+8+2+2*12+2:], typ)
		return b
	}
	withIFDAt := func(off uint32) []byte {
		b := bytes.Clone(good)
		binary.BigEndian.PutUint32(b[6+4:], off)
		return b
	}
	withCount := func(n uint16) []byte {
		b := bytes.Clone(good)
		binary.BigEndian.PutUint16(b[6+8:], n)
		return b
	}
	payloads := map[string][]byte{
		"empty":                    {},
		"only the Exif header":     []byte("Exif\x00\x00"),
		"a cut TIFF header":        append([]byte("Exif\x00\x00"), tiff[:5]...),
		"an unknown byte order":    append([]byte("Exif\x00\x00XX"), tiff[2:]...),
		"not 42":                   append([]byte("Exif\x00\x00MM\x00\x2B"), tiff[4:]...),
		"an IFD beyond the end":    withIFDAt(1 << 30),
		"an IFD at the last byte":  withIFDAt(uint32(len(tiff) - 1)),
		"more entries than bytes":  withCount(0xFFFF),
		"orientation 0":            withOrientation(0),
		"orientation 9":            withOrientation(9),
		"orientation as a LONG":    withType(4),
		"cut inside the first IFD": good[:6+8+2+12+5],
		"XMP, not EXIF":            []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>"),
	}
	for name, payload := range payloads {
		in := imagingtest.WithAPP1(imagingtest.StoredJPEG(120, 90, 1), payload)
		if got := exifOrientation(in); got != 1 {
			t.Errorf("%s: orientation %d, want 1", name, got)
		}
		p, err := Process(bytes.NewReader(in), DefaultLimits)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if err := imagingtest.UprightJPEG(p.JPEG); err != nil || p.Width != 120 {
			t.Errorf("%s: %d×%d, %v", name, p.Width, p.Height, err)
		}
	}
	// An APP1 segment whose length runs past the file, and a file that is
	// all markers, are read without a crash.
	for _, b := range [][]byte{{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 'E'}, {0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xD0, 0xFF}, {0xFF, 0xD8}} {
		if got := exifOrientation(b); got != 1 {
			t.Errorf("% x: orientation %d", b, got)
		}
	}
}

// resample gives what x/image/draw's Catmull-Rom gives, shrinking a lot
// or a little, enlarging, to a single row or column, and for a
// transparent source laid on white, within two grey levels.
func TestResampleMatchesKernelScale(t *testing.T) {
	scene := imagingtest.Stored(97, 61, 1)
	grain := noise(97, 61, 7)
	// A logo on a clear background, its edge half see-through.
	clear := image.NewNRGBA(image.Rect(0, 0, 97, 61))
	for y := 0; y < 61; y++ {
		for x := 0; x < 97; x++ {
			switch {
			case x > 30 && x < 70 && y > 15 && y < 45:
				clear.Set(x, y, color.NRGBA{uint8(3 * x), 40, uint8(4 * y), 255})
			case x > 28 && x < 72 && y > 13 && y < 47:
				clear.Set(x, y, color.NRGBA{200, 40, 40, 128})
			}
		}
	}
	for name, src := range map[string]image.Image{"scene": scene, "noise": grain, "transparent": clear} {
		for _, size := range [][2]int{{26, 17}, {75, 47}, {97, 61}, {150, 100}, {40, 1}, {1, 30}} {
			// x/image's scale of the source laid on white, as resample lays it.
			onWhite := image.NewRGBA(src.Bounds())
			draw.Draw(onWhite, onWhite.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
			draw.Draw(onWhite, onWhite.Rect, src, image.Point{}, draw.Over)
			want := image.NewRGBA(image.Rect(0, 0, size[0], size[1]))
			draw.CatmullRom.Scale(want, want.Rect, onWhite, onWhite.Rect, draw.Src, nil)
			got := resample(draw.CatmullRom, src, size[0], size[1])
			worst := 0
			for i := range want.Pix {
				worst = max(worst, absDiff(got.Pix[i], want.Pix[i]))
			}
			if worst > 2 {
				t.Errorf("%s to %d×%d: off by up to %d levels", name, size[0], size[1], worst)
			}
		}
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
