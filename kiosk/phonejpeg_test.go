package kiosk_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// phoneJPEG is a stand-in until the imaging part's imagingtest lands.
func phoneJPEG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 1200, 1600))
	for y := 0; y < 1600; y++ {
		for x := 0; x < 1200; x++ {
			c := color.RGBA{128, 128, 128, 255}
			if y < 400 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, nil)
	return b.Bytes()
}
