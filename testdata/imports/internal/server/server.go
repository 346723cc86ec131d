// Package server keeps to the rules: it wires the HTTP layer.
package server

import _ "bayboard/internal/web"
