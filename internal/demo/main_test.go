package demo

import (
	"os"
	"testing"

	"bayboard/internal/testdisk"
)

// The tests' data files are kept in memory: see testdisk.
func TestMain(m *testing.M) { os.Exit(testdisk.Run(m)) }
