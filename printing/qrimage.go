package printing

import (
	"fmt"
	"io"

	qrcode "github.com/skip2/go-qrcode"
)

// QRPNG writes a QR code of content as a PNG image size pixels square,
// with its quiet zone, for a page to show on screen (the settings page's
// test code a phone scans).
func QRPNG(w io.Writer, content string, size int) error {
	code, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("printing: QR code: %w", err)
	}
	png, err := code.PNG(size)
	if err != nil {
		return fmt.Errorf("printing: QR code: %w", err)
	}
	_, err = w.Write(png)
	return err
}
