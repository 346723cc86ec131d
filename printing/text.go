package printing

import (
	"strings"
	"unicode/utf8"
)

// replacement stands in for a character no font has, such as an emoji in a
// customer's note: the document still prints, and the gap is visible.
const replacement = '?'

// ptToMM converts a font size in points to millimetres.
const ptToMM = 25.4 / 72

// ignorable reports characters that draw nothing on their own and are
// dropped rather than replaced: joiners and variation selectors that glue
// emoji sequences together, skin-tone modifiers, tag characters.
func ignorable(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r == 0x2060, r == 0xFEFF,
		r >= 0xFE00 && r <= 0xFE0F, r >= 0x1F3FB && r <= 0x1F3FF,
		r >= 0xE0000 && r <= 0xE007F, r >= 0xE0100 && r <= 0xE01EF:
		return true
	}
	return false
}

// clean makes s printable: tabs become spaces, other control characters
// except newlines are dropped, characters no font covers become
// replacement. It returns s itself when nothing needs changing.
func (b *fontBook) clean(s string) string {
	ok := true
	for _, r := range s {
		if r == '\n' {
			continue
		}
		if r < 0x20 || (r >= 0x7F && r < 0xA0) || r == utf8.RuneError || ignorable(r) || !b.has(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			sb.WriteRune(r)
		case r == '\t':
			sb.WriteByte(' ')
		case r < 0x20 || (r >= 0x7F && r < 0xA0) || ignorable(r):
		case r == utf8.RuneError || !b.has(r):
			sb.WriteRune(replacement)
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// oneLine joins the lines of s with spaces, for fields printed on one line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)), " ")
}

// width returns the width in millimetres of clean text s at size pt.
func (b *fontBook) width(s string, w weight, size float64) float64 {
	units := 0
	for _, r := range s {
		units += int(b.slot(w, r).width)
	}
	return float64(units) * size / 1000 * ptToMM
}

// noLineStart lists punctuation that must not begin a line (Chinese
// typesetting's 避头 rule, and its Latin equivalents).
const noLineStart = "，。、；：！？）》」』】〕…,.;:!?)]}%·"

// breakable reports whether a line may break between a and b: after a
// space, or next to an ideograph, but never before closing punctuation.
func breakable(a, b rune) bool {
	if strings.ContainsRune(noLineStart, b) {
		return false
	}
	return a == ' ' || isCJK(a) || isCJK(b)
}

// wrap breaks clean text into lines no wider than width millimetres,
// honouring newlines. A word longer than a line (a VIN, a part number) is
// broken anywhere.
func (b *fontBook) wrap(s string, w weight, size, width float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		lines = append(lines, b.wrapParagraph(strings.TrimRight(para, " "), w, size, width)...)
	}
	return lines
}

func (b *fontBook) wrapParagraph(s string, w weight, size, width float64) []string {
	limit := int(width / (size / 1000 * ptToMM)) // in thousandths of an em
	runes := []rune(s)
	var lines []string
	for len(runes) > 0 {
		used, lastBreak := 0, -1
		i := 0
		for ; i < len(runes); i++ {
			wd := int(b.slot(w, runes[i]).width)
			if used+wd > limit && i > 0 {
				break
			}
			used += wd
			if i+1 < len(runes) && breakable(runes[i], runes[i+1]) {
				lastBreak = i + 1
			}
		}
		if i == len(runes) {
			lines = append(lines, string(runes))
			break
		}
		cut := i
		if lastBreak > 0 {
			cut = lastBreak
		}
		lines = append(lines, strings.TrimRight(string(runes[:cut]), " "))
		runes = runes[cut:]
		for len(runes) > 0 && runes[0] == ' ' {
			runes = runes[1:]
		}
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines
}

// fit shortens clean single-line text to width millimetres, ending it with
// an ellipsis when anything was cut.
func (b *fontBook) fit(s string, w weight, size, width float64) string {
	if b.width(s, w, size) <= width {
		return s
	}
	limit := int(width/(size/1000*ptToMM)) - int(b.slot(w, '…').width)
	used := 0
	for i, r := range s {
		used += int(b.slot(w, r).width)
		if used > limit {
			return strings.TrimRight(s[:i], " ") + "…"
		}
	}
	return s
}
