// Package board breaks the rule that only the browser harness drives a
// browser.
package board

import _ "github.com/chromedp/chromedp"
