// Package backup writes and reads the shop's backup: one tar archive
// holding the data file and then every photo beside it, so that the
// records and the pictures they refer to are saved and restored
// together. It is its own package, not part of internal/store, because an
// archive joins two stores (bbolt's data file, which only internal/store
// opens, and the photo directory of internal/photos) and the web layer
// writes it too; the archive's format lives here once, its writing and
// its reading side by side.
//
// The archive is a plain tar stream, not compressed: the photos are
// JPEGs, which do not compress, and the data file is a small share. Its
// entries, in order:
//
//	bayboard.db                   the data file, a consistent copy
//	photos/ab/ab12…(64 hex).jpg       each photo, named by its SHA-256
//	photos/ab/ab12…(64 hex).thumb.jpg and its thumbnail
//	bayboard.end                  how many photos and thumbnails came before
//
// The end entry makes an archive cut short between two entries (a
// dropped download) tell as incomplete. Writing and reading both stream:
// memory does not grow with the number of photos.
//
// Restore tells an archive from an older backup (the plain data file) by
// its first bytes and restores both.
package backup
