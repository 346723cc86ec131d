package shop_test

// A test may import a test tool, but not one kept for another package's
// tests.
import (
	_ "github.com/chromedp/chromedp"
	_ "github.com/emersion/go-smtp"
)
