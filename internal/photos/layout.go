// Package photos keeps the shop's photos beside its data file: one JPEG
// per photo (and its thumbnail), named by the hex SHA-256 of its bytes, in
// a directory named after the data file. bbolt holds only the job's record
// of each photo (shop.Photo); the bytes stay out of it, so the data file
// and its backups do not grow with every picture.
//
// The layout, which backups and restores carry as it is:
//
//	<data file>.photos/
//	  ab/
//	    ab12…(64 hex).jpg        the photo, upright, without metadata
//	    ab12…(64 hex).thumb.jpg  its thumbnail
package photos

import "path/filepath"

// Dir is the photo directory of a data file.
func Dir(dataPath string) string { return dataPath + ".photos" }

// ValidID reports whether id is a photo's name: 64 lower-case hex digits.
func ValidID(id string) bool {
	if len(id) != 64 {
		return false
	}
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Path is where a photo's file (or its thumbnail) lives under dir; id
// must be valid.
func Path(dir, id string, thumb bool) string {
	name := id + ".jpg"
	if thumb {
		name = id + ".thumb.jpg"
	}
	return filepath.Join(dir, id[:2], name)
}
