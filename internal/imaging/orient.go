package imaging

import "image"

// orient turns a stored image upright as its EXIF orientation says (the
// values are the TIFF specification's: which side of the picture the stored
// rows and columns begin at). 1 (or anything unknown) returns src as it is.
//
// Each destination pixel is read from its source pixel: dst(x, y) =
// src(sx, sy), on the scaled image, so the copy is small.
func orient(src *image.RGBA, orientation int) *image.RGBA {
	if orientation < 2 || orientation > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if orientation >= 5 { // the stored rows are the picture's columns
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch orientation {
			case 2: // mirrored left to right
				sx, sy = w-1-x, y
			case 3: // turned half round
				sx, sy = w-1-x, h-1-y
			case 4: // mirrored top to bottom
				sx, sy = x, h-1-y
			case 5: // mirrored across the top-left diagonal
				sx, sy = y, x
			case 6: // needs a quarter turn clockwise
				sx, sy = y, h-1-x
			case 7: // mirrored across the top-right diagonal
				sx, sy = w-1-y, h-1-x
			case 8: // needs a quarter turn anticlockwise
				sx, sy = w-1-y, x
			}
			s := src.PixOffset(sx+src.Rect.Min.X, sy+src.Rect.Min.Y)
			d := dst.PixOffset(x, y)
			copy(dst.Pix[d:d+4], src.Pix[s:s+4])
		}
	}
	return dst
}
