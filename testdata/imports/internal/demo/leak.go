// Package demo breaks the rule that only the wiring imports the HTTP
// layer: it hashes its staff's passwords through it.
package demo

import _ "bayboard/internal/web"
