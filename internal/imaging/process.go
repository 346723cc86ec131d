package imaging

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // PNG, registered with image.Decode
	"io"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // WebP (lossy and lossless), registered with image.Decode
)

// Errors a caller tells apart with errors.Is; each comes wrapped in a
// sentence that says what was wrong with this body.
var (
	ErrNotImage      = errors.New("not a JPEG, PNG or WebP image")
	ErrTooLarge      = errors.New("the photo's file is too large")
	ErrTooManyPixels = errors.New("the photo has too many pixels")
)

// Limits bound what Process takes and what it gives.
type Limits struct {
	MaxBytes    int64 // refuse a body larger than this
	MaxPixels   int   // refuse width*height above this, read from the header before decoding
	LongEdge    int   // the stored photo's longest side at most
	ThumbEdge   int   // the thumbnail's longest side
	TargetBytes int   // the stored JPEG at most this: the quality is lowered until it fits
}

// DefaultLimits are the shop's. A phone's camera file is 2–8 MB, so 20 MiB
// takes any of them with room while bounding what a request can make the
// server hold. 50 megapixels is above any phone's main camera (48–50 MP
// sensors bin to 12 MP by default), and caps a decoded image at 200 MB
// (8-bit RGBA; 400 MB for a 16-bit PNG). 2048 pixels on the long side show
// a worn pad or a scratch sharply on a tablet or laptop, and at that size a
// photo comes to 250–450 KB as a JPEG: within the 500 KiB a workshop's Wi-Fi
// carries to the customer's phone in a second or two. 320 pixels is a
// thumbnail on a job's list and on the printed settlement.
var DefaultLimits = Limits{
	MaxBytes:    20 << 20,
	MaxPixels:   50_000_000,
	LongEdge:    2048,
	ThumbEdge:   320,
	TargetBytes: 500 << 10,
}

// Parallel is how many photos the server should process at once; the
// upload route holds the rest waiting. Processing is CPU-bound (decode,
// scale, encode) and a shop's box has two to four cores, so more at once
// would not finish sooner, only hold more memory: each photo in flight
// holds its body and its decoded pixels (about 70 MB for a 12-megapixel
// phone JPEG, up to 20 MiB + 200 MB for one at the limits). Two at once
// keeps the peak within a few hundred megabytes whatever arrives (the
// figures are in docs/BENCHMARKS.md, "Photos") and leaves a core for the
// boards.
const Parallel = 2

// Photo is a processed photo: upright, without metadata, as JPEG, with its
// thumbnail. Width and Height are the stored JPEG's.
type Photo struct {
	JPEG, Thumb   []byte
	Width, Height int
}

// The qualities tried, best first, until the JPEG fits TargetBytes. 85 is
// hard to tell from the original at this size; below 50 blocks show on a
// flat painted panel, so a photo that still does not fit is made smaller
// instead (by shrink each round).
var qualities = []int{85, 75, 65, 55, 50}

const (
	shrinkNum, shrinkDen = 3, 4
	thumbQuality         = 75
)

// Process reads a JPEG, PNG or WebP image from r and makes the photo the
// shop stores: turned upright as the JPEG's EXIF orientation says, scaled
// so its long side is at most lim.LongEdge (never enlarged), encoded as a
// JPEG of at most lim.TargetBytes without any metadata (image/jpeg writes
// none), and a thumbnail of lim.ThumbEdge.
//
// It reads at most lim.MaxBytes+1 bytes, and reads the image's dimensions
// from its header before decoding, so neither an endless body nor a
// decompression bomb costs more memory than the limits allow.
func Process(r io.Reader, lim Limits) (Photo, error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return Photo{}, fmt.Errorf("reading the photo: %w", err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return Photo{}, fmt.Errorf("%w: it is over %s, the most a photo may be", ErrTooLarge, size(lim.MaxBytes))
	}
	config, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Photo{}, fmt.Errorf("%w: its header could not be read (%v)", ErrNotImage, err)
	}
	if format != "jpeg" && format != "png" && format != "webp" {
		return Photo{}, fmt.Errorf("%w: it is a %s image", ErrNotImage, format)
	}
	if config.Width <= 0 || config.Height <= 0 {
		return Photo{}, fmt.Errorf("%w: its header says %d×%d pixels", ErrNotImage, config.Width, config.Height)
	}
	if int64(config.Width)*int64(config.Height) > int64(lim.MaxPixels) {
		return Photo{}, fmt.Errorf("%w: %d×%d is over the %d megapixels a photo may have",
			ErrTooManyPixels, config.Width, config.Height, lim.MaxPixels/1_000_000)
	}
	orientation := 1
	if format == "jpeg" {
		orientation = exifOrientation(data)
	}
	decoded, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Photo{}, fmt.Errorf("%w: the %s is damaged or cut short (%v)", ErrNotImage, format, err)
	}
	if b := decoded.Bounds(); b.Dx() != config.Width || b.Dy() != config.Height {
		return Photo{}, fmt.Errorf("%w: its header says %d×%d but it holds %d×%d",
			ErrNotImage, config.Width, config.Height, b.Dx(), b.Dy())
	}

	// Scaled first, then turned: turning the smaller image copies less. The
	// body and the decoded image are not used past here, so a collection
	// during encoding may take them (Go's liveness needs no nil).
	upright := orient(scale(decoded, lim.LongEdge), orientation)
	stored, err := encodeWithin(upright, lim.TargetBytes, lim.ThumbEdge)
	if err != nil {
		return Photo{}, err
	}
	thumb, err := encode(scale(stored.image, lim.ThumbEdge), thumbQuality)
	if err != nil {
		return Photo{}, err
	}
	b := stored.image.Bounds()
	return Photo{JPEG: stored.jpeg, Thumb: thumb, Width: b.Dx(), Height: b.Dy()}, nil
}

// scale draws src into a new RGBA image whose long side is at most
// longEdge, keeping its proportions and never enlarging it. A transparent
// PNG's see-through parts come out white, as a page would show them.
//
// The filter is Catmull-Rom: x/image/draw widens its kernel with the
// scale, so a 4000-pixel photo brought to 2048 or 320 averages every
// source pixel and keeps a fine grille or a tyre's tread free of moiré.
// ApproxBiLinear samples only the four nearest source pixels whatever the
// scale, so at 320 it drops most of them and aliases. Catmull-Rom costs
// more (docs/BENCHMARKS.md, "Photos", measures both on a 12-megapixel
// photo) but the whole processing stays well under a second.
func scale(src image.Image, longEdge int) *image.RGBA {
	sb := src.Bounds()
	w, h := sb.Dx(), sb.Dy()
	if long := max(w, h); long > longEdge {
		w = max(1, (w*longEdge+long/2)/long)
		h = max(1, (h*longEdge+long/2)/long)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	op := draw.Src
	if o, ok := src.(interface{ Opaque() bool }); !ok || !o.Opaque() {
		draw.Draw(dst, dst.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
		op = draw.Over
	}
	filter.Scale(dst, dst.Rect, src, sb, op, nil)
	return dst
}

// filter is the scaler Process uses (see scale).
var filter draw.Scaler = draw.CatmullRom

// encoded is an image and its JPEG.
type encoded struct {
	image *image.RGBA
	jpeg  []byte
}

// encodeWithin encodes img at the best quality whose JPEG is at most
// target bytes; when even the lowest does not fit, it makes the image
// smaller and tries again, down to the thumbnail's size.
func encodeWithin(img *image.RGBA, target, floorEdge int) (encoded, error) {
	for {
		var out []byte
		for _, q := range qualities {
			b, err := encode(img, q)
			if err != nil {
				return encoded{}, err
			}
			out = b
			if len(b) <= target {
				return encoded{img, b}, nil
			}
		}
		long := max(img.Rect.Dx(), img.Rect.Dy())
		if long <= floorEdge {
			// As small as a thumbnail and still over: only a target far below
			// any real one gets here; the smallest JPEG is the answer.
			return encoded{img, out}, nil
		}
		img = scale(img, max(floorEdge, long*shrinkNum/shrinkDen))
	}
}

// encode writes img as a baseline JPEG; image/jpeg writes no metadata.
func encode(img image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("encoding the photo: %w", err)
	}
	return buf.Bytes(), nil
}

// size says a byte count in whole MiB or KiB.
func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", (n+1023)>>10)
}
