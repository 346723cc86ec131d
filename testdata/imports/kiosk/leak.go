// Package kiosk breaks the rules of two libraries.
package kiosk

import (
	_ "bayboard/internal/shop"
	_ "github.com/gofiber/fiber/v2/middleware/cors"
	_ "go.etcd.io/bbolt"
)
