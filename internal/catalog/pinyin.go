package catalog

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// GB2312 orders its 3,755 level-1 characters (rows 0xB0–0xD7) by pinyin,
// so the code where each initial's run begins gives every such character
// its initial. These are the classic boundaries: 啊 (a) is B0A1, 芭 (b)
// B0C5, … 匝 (z) D4D1; i, u and v begin no syllable of Mandarin.
var gb2312Initials = []struct {
	from    uint16
	initial byte
}{
	{0xB0A1, 'a'}, {0xB0C5, 'b'}, {0xB2C1, 'c'}, {0xB4EE, 'd'}, {0xB6EA, 'e'},
	{0xB7A2, 'f'}, {0xB8C1, 'g'}, {0xB9FE, 'h'}, {0xBBF7, 'j'}, {0xBFA6, 'k'},
	{0xC0AC, 'l'}, {0xC2E8, 'm'}, {0xC4C3, 'n'}, {0xC5B6, 'o'}, {0xC5BE, 'p'},
	{0xC6DA, 'q'}, {0xC8BB, 'r'}, {0xC8F6, 's'}, {0xCBFA, 't'}, {0xCDDA, 'w'},
	{0xCEF4, 'x'}, {0xD1B9, 'y'}, {0xD4D1, 'z'},
}

var (
	initialsOnce  sync.Once
	initialOfRune map[rune]byte
)

// initialTable decodes every level-1 GB2312 character once and notes its
// initial, so a lookup is a map read rather than an encoding per rune.
func initialTable() map[rune]byte {
	initialsOnce.Do(func() {
		initialOfRune = make(map[rune]byte, 3755)
		dec := simplifiedchinese.GBK.NewDecoder()
		k := 0
		for hi := 0xB0; hi <= 0xD7; hi++ {
			for lo := 0xA1; lo <= 0xFE; lo++ {
				code := uint16(hi<<8 | lo)
				if code > 0xD7F9 { // the last level-1 character, 座
					break
				}
				for k+1 < len(gb2312Initials) && code >= gb2312Initials[k+1].from {
					k++
				}
				out, err := dec.Bytes([]byte{byte(hi), byte(lo)})
				if err != nil {
					continue
				}
				r := []rune(string(out))
				if len(r) == 1 && r[0] != '\uFFFD' {
					initialOfRune[r[0]] = gb2312Initials[k].initial
				}
			}
		}
	})
	return initialOfRune
}

// Initials writes a name by the pinyin initials of its Chinese characters,
// keeping letters and digits as they are (lower case): 机油滤清器 → jylqq,
// 5W-30机油 → 5w30jy. A character outside GB2312's level 1 (rare in part
// names) is left out.
func Initials(name string) string {
	table := initialTable()
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		default:
			if c, ok := table[r]; ok {
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}
