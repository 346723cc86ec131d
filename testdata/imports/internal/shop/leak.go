// Package shop breaks the rule that the domain imports nothing of ours.
package shop

import (
	"fmt"

	"bayboard/internal/store"
)

var _ = fmt.Sprint(store.Open)
