package shop

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Chinese plates begin with the province's one-character abbreviation.
const plateProvinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"

// plateSuffixes end special plates: driving school, police, trailer, Hong
// Kong and Macau crossings.
const plateSuffixes = "学警挂港澳领试超"

// ParsePlate checks a licence plate and returns it in the shop's written
// form. Chinese plates are written 京A·12345 (京AD12345 for new-energy cars,
// 京A·1234学 for special plates); separators and case in the input do not
// matter. Plates of other countries are 2 to 10 letters and digits with at
// least one digit, with single spaces or hyphens between groups.
func ParsePlate(in string) (string, bool) {
	s := strings.TrimSpace(in)
	// The whole input as typed, spaces and all, is held to the line's
	// length every command's strings are (checkString): the parser never
	// takes what a command refuses.
	if s == "" || len(s) > 40 || utf8.RuneCountInString(in) > maxLine || strings.ContainsFunc(in, typedByNoOne) {
		return "", false
	}
	first, _ := utf8.DecodeRuneInString(s)
	if strings.ContainsRune(plateProvinces, first) {
		return parseChinesePlate(s)
	}
	return parseLatinPlate(s)
}

// plateSeparators are what people write between a plate's groups, or
// leave out: the written form's dot and its look-alikes, dots, hyphens
// and spaces.
const plateSeparators = "·•・.- \u00a0\u3000"

// PlateKey is the one key plates are searched and compared by: the plate
// without separators, in capitals, so that 京A·12345, 京a 12345 and
// 京A12345 are one plate, and a search for "a123" finds it.
func PlateKey(plate string) string {
	var b strings.Builder
	for _, r := range plate {
		if !strings.ContainsRune(plateSeparators, r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

func parseChinesePlate(s string) (string, bool) {
	rs := []rune(PlateKey(s))
	if len(rs) < 7 || len(rs) > 8 {
		return "", false
	}
	if !strings.ContainsRune(plateProvinces, rs[0]) {
		return "", false
	}
	if rs[1] < 'A' || rs[1] > 'Z' {
		return "", false
	}
	tail := rs[2:]
	last := tail[len(tail)-1]
	suffix := strings.ContainsRune(plateSuffixes, last)
	body := tail
	if suffix {
		body = tail[:len(tail)-1]
		if len(body) != 4 {
			return "", false
		}
	} else if len(body) != 5 && len(body) != 6 {
		return "", false
	}
	for _, r := range body {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') || r == 'I' || r == 'O' {
			return "", false
		}
	}
	if len(body) == 6 {
		// New-energy plates: no separator dot.
		return string(rs), true
	}
	return string(rs[:2]) + "·" + string(tail), true
}

func parseLatinPlate(s string) (string, bool) {
	var b strings.Builder
	n, digits := 0, 0
	lastSep := true
	for _, r := range strings.ToUpper(s) {
		switch {
		case r >= 'A' && r <= 'Z':
			n++
		case r >= '0' && r <= '9':
			n++
			digits++
		case r == ' ' || r == '-':
			if lastSep {
				return "", false
			}
			lastSep = true
			b.WriteRune(r)
			continue
		default:
			return "", false
		}
		lastSep = false
		b.WriteRune(r)
	}
	if lastSep || n < 2 || n > 10 || digits == 0 {
		return "", false
	}
	return b.String(), true
}

// MaskPlate hides a plate for screens the public can see: of a Chinese
// plate it keeps the region (province and city letter) and the last two
// characters, 京A·12345 → 京A·***45; of a foreign plate, which names no
// region the shop knows, only the last two. A plate too short to hide
// more than it shows keeps fewer: always fewer shown than hidden. The
// separators stay, so the masked plate reads like a plate.
func MaskPlate(plate string) string {
	rs := []rune(plate)
	head := 0
	if len(rs) > 2 && strings.ContainsRune(plateProvinces, rs[0]) {
		head = 2
	}
	separator := func(r rune) bool { return strings.ContainsRune(plateSeparators, r) }
	serial := 0
	for _, r := range rs[head:] {
		if !separator(r) {
			serial++
		}
	}
	show := min(2, (serial-1)/2)
	out := make([]rune, len(rs))
	for i := len(rs) - 1; i >= 0; i-- {
		switch r := rs[i]; {
		case i < head, separator(r):
			out[i] = r
		case show > 0:
			out[i] = r
			show--
		default:
			out[i] = '*'
		}
	}
	return string(out)
}

// vinValues are the transliteration values of ISO 3779 letters.
var vinValues = map[rune]int{
	'A': 1, 'B': 2, 'C': 3, 'D': 4, 'E': 5, 'F': 6, 'G': 7, 'H': 8,
	'J': 1, 'K': 2, 'L': 3, 'M': 4, 'N': 5, 'P': 7, 'R': 9,
	'S': 2, 'T': 3, 'U': 4, 'V': 5, 'W': 6, 'X': 7, 'Y': 8, 'Z': 9,
}

var vinWeights = [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

// ParseVIN checks a 17-character vehicle identification number, including
// its check digit (position 9), which both GB 16735 and FMVSS 115 require.
func ParseVIN(in string) (string, bool) {
	s := strings.ToUpper(strings.TrimSpace(in))
	if len(s) != 17 || strings.ContainsFunc(in, typedByNoOne) {
		return "", false
	}
	sum := 0
	for i, r := range s {
		var v int
		switch {
		case r >= '0' && r <= '9':
			v = int(r - '0')
		default:
			var ok bool
			if v, ok = vinValues[r]; !ok {
				return "", false // I, O, Q and anything else
			}
		}
		sum += v * vinWeights[i]
	}
	check := byte('0' + sum%11)
	if sum%11 == 10 {
		check = 'X'
	}
	if s[8] != check {
		return "", false
	}
	return s, true
}

// ParsePhone checks a phone number and returns it without separators: a
// Chinese mobile (13812345678, +86 optional), a landline with its area code
// (010-12345678), or an international number (+44 20 7946 0958).
func ParsePhone(in string) (string, bool) {
	s := strings.TrimSpace(in)
	if s == "" || len(s) > 32 || strings.ContainsFunc(in, typedByNoOne) {
		return "", false
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "+86") {
		d = d[3:]
	} else if strings.HasPrefix(d, "+") {
		if n := len(d) - 1; n >= 8 && n <= 15 && d[1] != '0' {
			return d, true
		}
		return "", false
	}
	switch {
	case len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9':
		return d, true
	case d != "" && d[0] == '0' && len(d) >= 10 && len(d) <= 12:
		return d, true
	}
	return "", false
}
