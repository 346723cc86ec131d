// Package web keeps to the rules: fiber is its own, and it may import
// ours.
package web

import (
	_ "bayboard/internal/shop"
	_ "github.com/gofiber/fiber/v2"
)
