package imaging

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/image/draw"

	"bayboard/internal/imaging/imagingtest"
)

// phone12MP is a 12-megapixel photo as a phone sends it (4000×3000 stored,
// EXIF orientation 6 and GPS tags, quality 92), built once.
var phone12MP = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, workshopScene(4000, 3000), &jpeg.Options{Quality: 92}); err != nil {
		panic(err)
	}
	return imagingtest.WithAPP1(buf.Bytes(), imagingtest.EXIF(binary.BigEndian, 6, true))
})

// workshopScene is a picture with what a phone's photo of a car has, so
// the encoder has as much work as with a real one: smooth gradients (a
// painted panel under a shop light), hard edges (panel gaps, a wheel
// arch), fine texture (a grille of 3-pixel bars, a tyre's tread) and
// sensor noise everywhere (±12 levels, the grain of an indoor shot).
// Encoded at quality 92 it comes to about 4 MB, as a phone's file does.
func workshopScene(w, h int) *image.RGBA {
	r := rand.New(rand.NewPCG(12, 3000))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			// a silver-blue panel lit from the top left
			c := [3]float64{140 + 80*(1-fx)*(1-fy), 150 + 70*(1-fy), 170 + 60*fx*(1-fy)}
			switch {
			case fy > 0.55 && fy < 0.75 && fx > 0.2 && fx < 0.8: // the grille: 3-pixel bars
				if (x/3)%2 == 0 {
					c = [3]float64{30, 30, 35}
				} else {
					c = [3]float64{180, 180, 185}
				}
			case math.Hypot(fx-0.25, (fy-0.85)*float64(h)/float64(w)) < 0.1: // a tyre with tread
				v := 25 + 20*math.Sin(float64(x+y)/2)
				c = [3]float64{v, v, v}
			case int(fx*40)%10 == 0 && fy < 0.5: // panel gaps
				c = [3]float64{20, 20, 25}
			}
			i := img.PixOffset(x, y)
			for k := 0; k < 3; k++ {
				img.Pix[i+k] = byte(max(0, min(255, c[k]+r.NormFloat64()*12)))
			}
			img.Pix[i+3] = 255
		}
	}
	return img
}

// peakHeap samples the heap's live bytes (runtime/metrics, without
// stopping the world) every millisecond until stop is closed, and says
// the most it saw.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// maxRSS is the process's largest resident set so far, in bytes.
func maxRSS(b *testing.B) uint64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return uint64(u.Maxrss) << 10 // kilobytes on Linux
}

// One 12-megapixel phone JPEG processed end to end: read, checked,
// decoded, scaled, turned, encoded within the target, thumbnailed. It
// reports the median and 95th percentile time per photo, the heap's
// peak while processing, what each photo allocates, and the process's
// largest resident set.
func BenchmarkProcess12MP(b *testing.B) {
	in := phone12MP()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	stop := make(chan struct{})
	peak := peakHeap(stop)
	var times []time.Duration
	var out int
	cpu := cpuTime(b)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		p, err := Process(bytes.NewReader(in), DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		out = len(p.JPEG)
	}
	b.StopTimer()
	spent := cpuTime(b) - cpu
	close(stop)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(times[(len(times)*95+99)/100-1].Milliseconds()), "p95-ms")
	b.ReportMetric(float64(spent.Milliseconds())/float64(len(times)), "cpu-ms/op")
	b.ReportMetric(float64(<-peak)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(len(times))/1e6, "alloc-MB/op")
	b.ReportMetric(float64(maxRSS(b))/1e6, "maxrss-MB")
	b.ReportMetric(float64(out)/1e3, "output-KB")
	b.ReportMetric(float64(len(in))/1e6, "input-MB")
}

// Twenty 12-megapixel photos arrive at once and are processed through a
// bound of n at a time, as the upload route holds them to Parallel. It
// reports the time for all twenty, the heap's peak, and the process's
// largest resident set (run each bound in its own process for that: the
// figure only grows). Twenty bodies are held throughout (80 MB), as
// twenty uploads' requests would be.
func BenchmarkProcess20AtOnce(b *testing.B) {
	for _, bound := range []int{1, Parallel, 20} {
		b.Run("bound="+itoa(bound), func(b *testing.B) {
			bodies := make([][]byte, 20)
			for i := range bodies {
				bodies[i] = bytes.Clone(phone12MP())
			}
			runtime.GC()
			stop := make(chan struct{})
			peak := peakHeap(stop)
			b.ResetTimer()
			for b.Loop() {
				slots := make(chan struct{}, bound)
				var wg sync.WaitGroup
				for _, body := range bodies {
					wg.Go(func() {
						slots <- struct{}{}
						defer func() { <-slots }()
						if _, err := Process(bytes.NewReader(body), DefaultLimits); err != nil {
							b.Error(err)
						}
					})
				}
				wg.Wait()
			}
			b.StopTimer()
			close(stop)
			b.ReportMetric(float64(<-peak)/1e6, "peak-heap-MB")
			b.ReportMetric(float64(maxRSS(b))/1e6, "maxrss-MB")
		})
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// scaleWith draws src into a new w×h RGBA image with one of x/image/draw's
// scalers, as x/image does it, to compare with resample.
func scaleWith(scaler draw.Scaler, src image.Image, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	op := draw.Src
	if o, ok := src.(interface{ Opaque() bool }); !ok || !o.Opaque() {
		draw.Draw(dst, dst.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
		op = draw.Over
	}
	scaler.Scale(dst, dst.Rect, src, src.Bounds(), op, nil)
	return dst
}

// cpuTime is the process's user and system CPU time so far: on a shared
// machine the wall time per photo says as much about the neighbours as
// about the code, the CPU time does not.
func cpuTime(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// resample's Catmull-Rom and three of x/image/draw's scalers, bringing
// the decoded 12-megapixel photo to 2048: their time and allocation, and
// how far a fine grating (1-pixel black and white
// bars, a grille seen from afar) brought to a seventh of its width strays
// from the flat grey (127.5) an ideal filter gives: the root mean square
// error, in grey levels.
func BenchmarkScaleFilter(b *testing.B) {
	decoded, err := jpeg.Decode(bytes.NewReader(phone12MP()))
	if err != nil {
		b.Fatal(err)
	}
	grating := image.NewGray(image.Rect(0, 0, 1400, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 1400; x++ {
			grating.SetGray(x, y, color.Gray{Y: uint8(255 * (x % 2))})
		}
	}
	for _, f := range []struct {
		name  string
		scale func(image.Image, int, int) *image.RGBA
	}{
		{"resample-CatmullRom", func(src image.Image, w, h int) *image.RGBA { return resample(draw.CatmullRom, src, w, h) }},
		{"x-image-CatmullRom", func(src image.Image, w, h int) *image.RGBA { return scaleWith(draw.CatmullRom, src, w, h) }},
		{"x-image-BiLinear", func(src image.Image, w, h int) *image.RGBA { return scaleWith(draw.BiLinear, src, w, h) }},
		{"x-image-ApproxBiLinear", func(src image.Image, w, h int) *image.RGBA { return scaleWith(draw.ApproxBiLinear, src, w, h) }},
	} {
		b.Run(f.name, func(b *testing.B) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			cpu := cpuTime(b)
			n := 0
			for b.Loop() {
				f.scale(decoded, 2048, 1536)
				n++
			}
			b.ReportMetric(float64((cpuTime(b)-cpu).Milliseconds())/float64(n), "cpu-ms/op")
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n)/1e6, "alloc-MB/op")
			small := f.scale(grating, 200, 28)
			var sumSq float64
			for i := 0; i < len(small.Pix); i += 4 {
				d := float64(small.Pix[i]) - 127.5
				sumSq += d * d
			}
			b.ReportMetric(math.Sqrt(sumSq/float64(len(small.Pix)/4)), "alias-rms")
		})
	}
}
