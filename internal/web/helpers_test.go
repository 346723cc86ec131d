package web

import (
	"net/url"
	"os"
)

type urlT = url.URL

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }
