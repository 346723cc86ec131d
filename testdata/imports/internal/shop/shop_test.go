package shop_test

// A test may import a test tool.
import _ "github.com/chromedp/chromedp"
