package testdisk

import "syscall"

// free is the room left on the file system at path for an unprivileged
// writer, 0 when it cannot be read.
func free(path string) uint64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0
	}
	return st.Bavail * uint64(st.Bsize)
}
