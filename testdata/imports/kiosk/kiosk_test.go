package kiosk_test

// A test may import a library as a test tool.
import _ "golang.org/x/text/encoding/simplifiedchinese"
