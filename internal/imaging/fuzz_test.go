package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image/jpeg"
	"image/png"
	"os"
	"testing"

	"bayboard/internal/imaging/imagingtest"
)

// Whatever the body, Process either refuses it with one of its three
// errors or gives a JPEG and a thumbnail that decode, within the limits,
// at the size it says, without the phone's metadata. It never panics.
//
// The limits are small, so an exec stays quick and a mutation that claims
// huge dimensions meets the pixel limit, as a bomb would.
func FuzzProcess(f *testing.F) {
	phone := imagingtest.PhoneJPEG(64, 48, 6, true)
	f.Add(phone)
	f.Add(imagingtest.WithAPP1(imagingtest.StoredJPEG(40, 30, 3), imagingtest.EXIF(binary.LittleEndian, 3, false)))
	f.Add(imagingtest.WithAPP1(imagingtest.StoredJPEG(30, 40, 8), imagingtest.EXIF(binary.BigEndian, 8, true)[:40]))
	f.Add(phone[:len(phone)*2/3])
	f.Add([]byte("brake pads worn to 2 mm, replace both\n"))
	f.Add(imagingtest.BombPNG(60000, 60000))
	f.Add(jpegClaiming(f, 60000, 60000))
	f.Add(imagingtest.BombPNG(2000, 1000))
	var small bytes.Buffer
	if err := png.Encode(&small, imagingtest.Stored(20, 10, 1)); err != nil {
		f.Fatal(err)
	}
	f.Add(small.Bytes())
	if webp, err := os.ReadFile("testdata/blue-purple-pink.lossy.webp"); err == nil {
		f.Add(webp)
	}
	lim := Limits{MaxBytes: 256 << 10, MaxPixels: 1_000_000, LongEdge: 96, ThumbEdge: 32, TargetBytes: 12 << 10}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := Process(bytes.NewReader(body), lim)
		if err != nil {
			if !errors.Is(err, ErrNotImage) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrTooManyPixels) {
				t.Fatalf("an error of no kind: %v", err)
			}
			return
		}
		if p.Width < 1 || p.Height < 1 || max(p.Width, p.Height) > lim.LongEdge {
			t.Fatalf("%d×%d, long edge limit %d", p.Width, p.Height, lim.LongEdge)
		}
		if len(p.JPEG) > lim.TargetBytes {
			t.Fatalf("%d bytes, target %d", len(p.JPEG), lim.TargetBytes)
		}
		for name, b := range map[string][]byte{"photo": p.JPEG, "thumbnail": p.Thumb} {
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("the %s does not decode: %v", name, err)
			}
			if name == "photo" && (cfg.Width != p.Width || cfg.Height != p.Height) {
				t.Fatalf("the photo is %d×%d, Photo says %d×%d", cfg.Width, cfg.Height, p.Width, p.Height)
			}
			if name == "thumbnail" && max(cfg.Width, cfg.Height) > lim.ThumbEdge {
				t.Fatalf("the thumbnail is %d×%d", cfg.Width, cfg.Height)
			}
			if leaks := imagingtest.Leaks(b); len(leaks) > 0 {
				t.Fatalf("the %s carries %v", name, leaks)
			}
		}
	})
}

// Whatever an APP1 segment holds, reading the orientation gives 1 to 8 and
// never panics or reads outside the segment. Seeded with both byte
// orders' blocks, with and without GPS, and their broken forms.
func FuzzEXIF(f *testing.F) {
	for _, gps := range []bool{false, true} {
		big := imagingtest.EXIF(binary.BigEndian, 6, gps)
		little := imagingtest.EXIF(binary.LittleEndian, 8, gps)
		f.Add(big)
		f.Add(little)
		f.Add(big[:len(big)/2])
		f.Add(little[:20])
	}
	f.Add([]byte("Exif\x00\x00"))
	stored := imagingtest.StoredJPEG(8, 8, 1)
	f.Fuzz(func(t *testing.T, payload []byte) {
		if len(payload) > 0xFFFF-2 {
			return // more than a segment holds
		}
		jpegBytes := imagingtest.WithAPP1(stored, payload)
		// The segment alone, so that the parser cannot lean on the image after it.
		segmentOnly := jpegBytes[:2+4+len(payload)]
		for _, b := range [][]byte{jpegBytes, segmentOnly} {
			if got := exifOrientation(b); got < 1 || got > 8 {
				t.Fatalf("orientation %d", got)
			}
		}
	})
}
