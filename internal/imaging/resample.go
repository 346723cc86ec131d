package imaging

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	xdraw "golang.org/x/image/draw"
)

// resample scales src to a new w×h RGBA image with a separable kernel
// (Catmull-Rom in Process), widened when shrinking so that every source
// pixel counts, as x/image/draw's Kernel.Scale does; a transparent
// source's clear parts come out white.
//
// It gives what Kernel.Scale gives (within a grey level or two: it works
// in 8 bits and float32, Kernel.Scale in 16 bits and float64), but in
// little memory: Kernel.Scale keeps its horizontal pass of every source
// row at once, 32 bytes per (destination column × source row) — 196 MB to
// bring a 12-megapixel photo to 2048, 380 MB for one at the 50-megapixel
// limit — where resample keeps only the rows the current output row
// needs, a few hundred kilobytes. Measured on a 12-megapixel photo it is
// also seven times quicker (docs/BENCHMARKS.md, "Photos"): float32 sums
// over 8-bit rows from the standard library's YCbCr fast path.
func resample(kernel *xdraw.Kernel, src image.Image, w, h int) *image.RGBA {
	sb := src.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	cols := weights(kernel, w, sw)
	rows := weights(kernel, h, sh)

	// One source row at a time, drawn into RGBA by the standard library's
	// fast paths (YCbCr, Gray, NRGBA…), over white when it may be
	// transparent.
	line := image.NewRGBA(image.Rect(0, 0, sw, 1))
	op := draw.Src
	if o, ok := src.(interface{ Opaque() bool }); !ok || !o.Opaque() {
		op = draw.Over
	}
	white := image.NewUniform(color.White)

	// The horizontal pass of source rows, in a ring as deep as the widest
	// window of rows an output row reads.
	depth := 1
	for _, r := range rows {
		depth = max(depth, len(r.weights))
	}
	ring := make([][]float32, depth)
	for i := range ring {
		ring[i] = make([]float32, 3*w)
	}
	next := 0 // the next source row to pass horizontally
	horizontal := func(sy int) {
		if op == draw.Over {
			draw.Draw(line, line.Rect, white, image.Point{}, draw.Src)
		}
		draw.Draw(line, line.Rect, src, image.Pt(sb.Min.X, sb.Min.Y+sy), op)
		out := ring[sy%depth]
		for x, c := range cols {
			var r, g, b float32
			p := line.Pix[4*c.first:]
			for k, wt := range c.weights {
				r += wt * float32(p[4*k])
				g += wt * float32(p[4*k+1])
				b += wt * float32(p[4*k+2])
			}
			out[3*x], out[3*x+1], out[3*x+2] = r, g, b
		}
	}

	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	acc := make([]float32, 3*w)
	for y, r := range rows {
		for ; next < r.first+len(r.weights); next++ {
			horizontal(next)
		}
		clear(acc)
		for k, wt := range r.weights {
			in := ring[(r.first+k)%depth]
			for i, v := range in {
				acc[i] += wt * v
			}
		}
		d := dst.Pix[y*dst.Stride:]
		for x := 0; x < w; x++ {
			d[4*x] = clamp8(acc[3*x])
			d[4*x+1] = clamp8(acc[3*x+1])
			d[4*x+2] = clamp8(acc[3*x+2])
			d[4*x+3] = 255
		}
	}
	return dst
}

// span is the weights of the consecutive source pixels, from first, that
// make one output pixel; they sum to 1.
type span struct {
	first   int
	weights []float32
}

// weights maps each of n output pixels to its span of the m source
// pixels: the kernel centred where the output pixel's centre falls in the
// source, widened by the scale when shrinking, cut at the edges and
// normalised (Kernel.Scale's newDistrib does the same).
func weights(kernel *xdraw.Kernel, n, m int) []span {
	scale := float64(m) / float64(n)
	half, argScale := kernel.Support, 1.0
	if scale > 1 {
		half *= scale
		argScale = 1 / scale
	}
	spans := make([]span, n)
	for i := range spans {
		centre := (float64(i)+0.5)*scale - 0.5
		lo := max(0, int(math.Floor(centre-half)))
		hi := min(m, int(math.Ceil(centre+half)))
		ws := make([]float32, 0, hi-lo)
		first, total := -1, 0.0
		raw := make([]float64, 0, hi-lo)
		for c := lo; c < hi; c++ {
			t := math.Abs((centre - float64(c)) * argScale)
			wt := 0.0
			if t < kernel.Support {
				wt = kernel.At(t)
			}
			if first < 0 && wt == 0 {
				continue // no leading zeros: the span starts at its first weight
			}
			if first < 0 {
				first = c
			}
			raw = append(raw, wt)
			total += wt
		}
		if first < 0 { // cannot happen for n, m ≥ 1, but never divide by zero
			first, raw, total = min(max(0, int(centre+0.5)), m-1), []float64{1}, 1
		}
		for _, wt := range raw {
			ws = append(ws, float32(wt/total))
		}
		spans[i] = span{first: first, weights: ws}
	}
	return spans
}

// clamp8 rounds a channel to a byte.
func clamp8(v float32) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}
