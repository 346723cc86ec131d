package shop

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// plateBodyChars are what a Chinese plate's serial may hold: digits and
// capitals but I and O.
const plateBodyChars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// aPlate writes a random plate of a shape the shop accepts, as a person
// might type it (separators and case anywhere the parser allows): a
// Chinese plate (5-character serial, new-energy 6, 4 and a suffix, the
// embassy and consulate 使 and 领 plates), or a foreign one of 2 to 10
// letters and digits in groups.
func aPlate(rng *rand.Rand) string {
	pick := func(from string) string {
		rs := []rune(from)
		return string(rs[rng.IntN(len(rs))])
	}
	if rng.IntN(3) == 0 {
		n := 2 + rng.IntN(9)
		var b strings.Builder
		for i := 0; i < n; i++ {
			if i > 0 && rng.IntN(4) == 0 {
				b.WriteString(pick(" -"))
			}
			if i == n-1 || rng.IntN(2) == 0 {
				b.WriteString(pick("0123456789"))
			} else {
				b.WriteString(pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz"))
			}
		}
		return b.String()
	}
	var b strings.Builder
	b.WriteString(pick(plateProvinces))
	b.WriteString(pick("ABCDEFGHJKLMNPQRSTUVWXYZ"))
	if rng.IntN(2) == 0 {
		b.WriteString(pick(plateSeparators))
	}
	switch rng.IntN(3) {
	case 0:
		for i := 0; i < 5; i++ {
			b.WriteString(pick(plateBodyChars))
		}
	case 1:
		for i := 0; i < 6; i++ {
			b.WriteString(pick(plateBodyChars))
		}
	default:
		for i := 0; i < 4; i++ {
			b.WriteString(pick(plateBodyChars))
		}
		b.WriteString(pick(plateSuffixes))
	}
	return b.String()
}

// The lounge's masking holds for every plate the shop accepts: the masked
// plate keeps the plate's layout, shows nothing that is not the plate's,
// shows of a Chinese plate its region (province and city letter) and of
// no plate more than two further characters, and always fewer characters
// than it hides, so a short or foreign plate is not given away either.
func TestMaskPlateNeverRevealsMoreThanIntended(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 2026))
	shapes := map[string]bool{}
	for i := 0; i < 20000; i++ {
		typed := aPlate(rng)
		plate, ok := ParsePlate(typed)
		if !ok {
			t.Fatalf("the generator wrote %q, which the shop refuses", typed)
		}
		masked := MaskPlate(plate)
		pr, mr := []rune(plate), []rune(masked)
		if len(pr) != len(mr) {
			t.Fatalf("MaskPlate(%q) = %q: not the plate's layout", plate, masked)
		}
		region := 0
		if strings.ContainsRune(plateProvinces, pr[0]) {
			region = 2
			shapes["chinese "+string(rune('0'+len([]rune(PlateKey(plate)))))] = true
		} else {
			shapes["foreign"] = true
		}
		shown, hidden := 0, 0
		for k := range pr {
			switch {
			case mr[k] == '*':
				hidden++
			case mr[k] != pr[k]:
				t.Fatalf("MaskPlate(%q) = %q: shows what is not the plate's", plate, masked)
			case strings.ContainsRune(plateSeparators, pr[k]):
			case k >= region:
				shown++
			}
		}
		if shown > 2 || shown >= hidden {
			t.Fatalf("MaskPlate(%q) = %q shows %d of its characters and hides %d", plate, masked, shown, hidden)
		}
	}
	for _, shape := range []string{"foreign", "chinese 7", "chinese 8"} {
		if !shapes[shape] {
			t.Errorf("no %s plate was generated", shape)
		}
	}
}
