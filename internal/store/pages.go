package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"os"
	"slices"
)

// checkPages walks the page tree of a bbolt file from a read-only map of
// its bytes, every offset checked against its length, before bbolt opens
// it: every page the tree reaches is within
// the file and the high-water mark, of the type its parent says, with
// elements, keys and values inside the page, reached once (no cycles),
// and the free list fits its pages. bbolt trusts these on a file it
// opens (it reads through its memory map, and its own check runs on a
// goroutine of its own), so a flipped length or page number would crash
// the process instead of failing a check; once this walk passes, every
// read bbolt makes falls inside the file.
//
// The layout is bbolt's file format (go.etcd.io/bbolt/internal/common),
// stable since its version 2; the numbers are in the machine's byte order,
// as bbolt writes them.
func checkPages(path string, full bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := sharedLock(f); err != nil {
		return err
	}
	data, unmap, err := mapFile(f)
	if err != nil {
		return err
	}
	defer unmap()
	w := &pageWalker{data: data}
	if !full {
		// The history is most of a year's file and a start does not read
		// it: a start walks the rest, a restore and a backup all of it.
		w.skip = [][]byte{bucketEvents, bucketJobEvents}
	}
	m, err := w.meta()
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrNotDataFile, path, err)
	}
	w.pageSize, w.hwm = uint64(m.pageSize), m.pgid
	if w.hwm*w.pageSize > uint64(len(data)) {
		return fmt.Errorf("%w: %s is cut short: %d bytes of the %d its pages take", ErrDamaged, path, len(data), w.hwm*w.pageSize)
	}
	w.seen = make([]uint64, w.hwm/64+1)
	w.mark(0)
	w.mark(1)
	if m.freelist != noFreelist {
		if err := w.freelist(m.freelist); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrDamaged, path, err)
		}
	}
	if err := w.tree(m.root, 0); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDamaged, path, err)
	}
	return nil
}

const (
	pageHeaderSize  = 16 // id u64, flags u16, count u16, overflow u32
	elementSize     = 16 // branch: pos, ksize u32, pgid u64; leaf: flags, pos, ksize, vsize u32
	bucketHeader    = 16 // root pgid u64, sequence u64
	branchPage      = 0x01
	leafPage        = 0x02
	freelistPage    = 0x10
	bucketLeafFlag  = 0x01
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	noFreelist      = ^uint64(0)
	maxBucketDepth  = 64 // far beyond bayboard's three levels
	metaChecksumEnd = 56
)

var native = binary.NativeEndian

type boltMeta struct {
	pageSize                   uint32
	root, freelist, pgid, txid uint64
}

// pageWalker walks a file's bytes (mapped read-only while a shared lock
// keeps a server from changing it; every offset is checked against the
// file's length before it is read, so the walk itself cannot fault).
type pageWalker struct {
	data     []byte
	pageSize uint64
	hwm      uint64
	seen     []uint64 // a bit per page
	skip     [][]byte // top-level buckets not walked
}

func (w *pageWalker) mark(id uint64) bool {
	word, bit := id/64, uint64(1)<<(id%64)
	was := w.seen[word]&bit != 0
	w.seen[word] |= bit
	return was
}

// meta reads the two meta pages and returns the valid one of the later
// transaction, as bbolt chooses.
func (w *pageWalker) meta() (boltMeta, error) {
	var best boltMeta
	found := false
	// The second meta page is one page on; its size is in the first, or,
	// when the first is damaged, one of the sizes bbolt writes.
	for _, off := range []int{0, 4096, 512, 1024, 2048, 8192, 16384, 32768, 65536} {
		if off+pageHeaderSize+64 > len(w.data) {
			continue
		}
		m := w.data[off+pageHeaderSize : off+pageHeaderSize+64]
		if native.Uint32(m[0:]) != boltMagic || native.Uint32(m[4:]) != boltVersion {
			continue
		}
		h := fnv.New64a()
		h.Write(m[:metaChecksumEnd])
		if h.Sum64() != native.Uint64(m[metaChecksumEnd:]) {
			continue
		}
		got := boltMeta{pageSize: native.Uint32(m[8:]), root: native.Uint64(m[16:]), freelist: native.Uint64(m[32:]),
			pgid: native.Uint64(m[40:]), txid: native.Uint64(m[48:])}
		if off != 0 && got.pageSize != uint32(off) {
			continue
		}
		if !found || got.txid > best.txid {
			best, found = got, true
		}
	}
	if !found {
		return best, fmt.Errorf("no valid bbolt meta page")
	}
	if best.pageSize < 512 || best.pageSize > 1<<16 || best.pageSize&(best.pageSize-1) != 0 {
		return best, fmt.Errorf("page size %d", best.pageSize)
	}
	if best.pgid < 3 || best.root < 2 || best.root >= best.pgid {
		return best, fmt.Errorf("meta page names pages outside the file")
	}
	return best, nil
}

// read returns page id with its overflow pages, marking them seen.
func (w *pageWalker) read(id uint64) ([]byte, error) {
	if id < 2 || id >= w.hwm {
		return nil, fmt.Errorf("page %d is outside the file's %d pages", id, w.hwm)
	}
	at := id * w.pageSize
	head := w.data[at : at+pageHeaderSize]
	if native.Uint64(head) != id {
		return nil, fmt.Errorf("page %d says it is page %d", id, native.Uint64(head))
	}
	overflow := uint64(native.Uint32(head[12:]))
	if overflow >= w.hwm-id {
		return nil, fmt.Errorf("page %d runs past the file's end", id)
	}
	for i := id; i <= id+overflow; i++ {
		if w.mark(i) {
			return nil, fmt.Errorf("page %d is reached twice", i)
		}
	}
	return w.data[at : at+(overflow+1)*w.pageSize], nil
}

func (w *pageWalker) freelist(id uint64) error {
	p, err := w.read(id)
	if err != nil {
		return fmt.Errorf("free list: %v", err)
	}
	if native.Uint16(p[8:])&freelistPage == 0 {
		return fmt.Errorf("free list: page %d is not a free list page", id)
	}
	count, start := uint64(native.Uint16(p[10:])), uint64(pageHeaderSize)
	if count == 0xFFFF {
		count, start = native.Uint64(p[pageHeaderSize:]), pageHeaderSize+8
	}
	if count > (uint64(len(p))-start)/8 {
		return fmt.Errorf("free list: %d pages do not fit its page", count)
	}
	for i := range count {
		if free := native.Uint64(p[start+i*8:]); free < 2 || free >= w.hwm {
			return fmt.Errorf("free list names page %d, outside the file", free)
		}
	}
	return nil
}

// tree checks a bucket's tree from its root page.
func (w *pageWalker) tree(root uint64, depth int) error {
	p, err := w.read(root)
	if err != nil {
		return err
	}
	return w.node(p, root, depth, false)
}

// node checks one page, or an inline bucket's page (always a leaf) kept in
// a value of page id, and what it reaches.
func (w *pageWalker) node(p []byte, id uint64, depth int, inline bool) error {
	if len(p) < pageHeaderSize {
		return fmt.Errorf("page %d is cut short", id)
	}
	flags, count := native.Uint16(p[8:]), uint64(native.Uint16(p[10:]))
	if inline && flags&leafPage == 0 {
		return fmt.Errorf("page %d: an inline bucket that is not a leaf", id)
	}
	size := uint64(len(p))
	if pageHeaderSize+count*elementSize > size {
		return fmt.Errorf("page %d: %d elements do not fit", id, count)
	}
	for i := range count {
		at := pageHeaderSize + i*elementSize
		e := p[at:]
		switch {
		case flags&branchPage != 0:
			pos, ksize, child := uint64(native.Uint32(e[0:])), uint64(native.Uint32(e[4:])), native.Uint64(e[8:])
			if at+pos+ksize > size {
				return fmt.Errorf("page %d: key %d runs past the page", id, i)
			}
			if err := w.tree(child, depth); err != nil {
				return err
			}
		case flags&leafPage != 0:
			eflags, pos := native.Uint32(e[0:]), uint64(native.Uint32(e[4:]))
			ksize, vsize := uint64(native.Uint32(e[8:])), uint64(native.Uint32(e[12:]))
			if at+pos+ksize+vsize > size {
				return fmt.Errorf("page %d: element %d runs past the page", id, i)
			}
			if eflags&bucketLeafFlag == 0 {
				continue
			}
			if depth >= maxBucketDepth {
				return fmt.Errorf("page %d: buckets nested too deep", id)
			}
			v := p[at+pos+ksize : at+pos+ksize+vsize]
			if len(v) < bucketHeader {
				return fmt.Errorf("page %d: bucket %d has no header", id, i)
			}
			if depth == 0 && slices.ContainsFunc(w.skip, func(name []byte) bool { return bytes.Equal(name, p[at+pos:at+pos+ksize]) }) {
				continue
			}
			if root := native.Uint64(v); root != 0 {
				if err := w.tree(root, depth+1); err != nil {
					return err
				}
			} else if err := w.node(v[bucketHeader:], id, depth+1, true); err != nil {
				return err
			}
		default:
			return fmt.Errorf("page %d is neither a branch nor a leaf (flags %#x)", id, flags)
		}
	}
	return nil
}
