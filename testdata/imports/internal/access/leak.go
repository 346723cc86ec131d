// Package access breaks the rule that it stays below the store: it
// reaches for the data file itself.
package access

import (
	_ "bayboard/internal/shop"
	_ "bayboard/internal/store"
)
