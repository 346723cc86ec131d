package imaging

import (
	"bytes"
	"encoding/binary"
)

// orientationTag is EXIF's Orientation, in the TIFF block's first IFD.
const orientationTag = 0x0112

// exifOrientation reads a JPEG's EXIF orientation (1 to 8) from its APP1
// "Exif" segment. A JPEG without one, or with one that is malformed in any
// way, is taken as it is stored (1): a damaged EXIF block costs the photo
// its rotation, never the upload.
//
// Only the segments before the first scan are read, and every offset in
// the TIFF block is checked against its length before it is followed.
func exifOrientation(jpeg []byte) int {
	if len(jpeg) < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(jpeg); {
		if jpeg[i] != 0xFF {
			return 1
		}
		marker := jpeg[i+1]
		switch {
		case marker == 0xFF: // fill byte before a marker
			i++
			continue
		case marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			i += 2 // markers without a length
			continue
		case marker == 0xDA || marker == 0xD9: // start of scan, end of image: no EXIF before it
			return 1
		}
		length := int(binary.BigEndian.Uint16(jpeg[i+2:]))
		if length < 2 || i+2+length > len(jpeg) {
			return 1
		}
		segment := jpeg[i+4 : i+2+length]
		if marker == 0xE1 && bytes.HasPrefix(segment, []byte("Exif\x00\x00")) {
			return tiffOrientation(segment[6:])
		}
		i += 2 + length
	}
	return 1
}

// tiffOrientation reads the Orientation tag from a TIFF block's first IFD,
// in either byte order; 1 when it is absent, out of range or malformed.
func tiffOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(tiff[2:]) != 42 {
		return 1
	}
	ifd := uint64(order.Uint32(tiff[4:]))
	if ifd+2 > uint64(len(tiff)) {
		return 1
	}
	count := uint64(order.Uint16(tiff[ifd:]))
	entries := ifd + 2
	if entries+12*count > uint64(len(tiff)) { // an IFD that claims more than the block holds
		return 1
	}
	for n := uint64(0); n < count; n++ {
		entry := entries + 12*n
		if order.Uint16(tiff[entry:]) != orientationTag {
			continue
		}
		// SHORT (type 3), one value, held in the entry's first two value bytes.
		if order.Uint16(tiff[entry+2:]) != 3 || order.Uint32(tiff[entry+4:]) != 1 {
			return 1
		}
		if v := int(order.Uint16(tiff[entry+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}
