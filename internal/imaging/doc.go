// Package imaging turns a photo as a phone or a browser sends it into what
// the shop stores: a JPEG no larger than a workshop's Wi-Fi carries
// comfortably, upright, with no metadata from the phone (no location, no
// device name), and its thumbnail.
//
// It refuses what it cannot safely take before spending memory on it: a
// body over the size limit is not read past the limit, and an image whose
// header announces more pixels than the limit (a decompression bomb: huge
// dimensions in a small file) is refused before any pixel buffer exists.
//
// It knows nothing of jobs or files: it takes bytes and gives bytes. It is
// the only package that imports golang.org/x/image.
package imaging
