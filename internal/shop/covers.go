package shop

// CoverSet is the set of protective covers the shop fits at reception and
// names on screen and paper: a three-piece set (三件套: seat cover,
// steering-wheel cover, floor mat) or a five-piece one (五件套: with the
// gear-lever and handbrake covers too). Each dealer group has its own;
// the shop's settings say which, and every page and document says that.
type CoverSet string

const (
	CoversThree CoverSet = "three"
	CoversFive  CoverSet = "five"
)

// Covers is the shop's cover set; a shop that never chose has the
// three-piece set, as most 4S shops do.
func (s Settings) Covers() CoverSet {
	if s.CoverSet == CoversFive {
		return CoversFive
	}
	return CoversThree
}

func checkCoverSet(p *problems, c CoverSet) {
	if c != "" && c != CoversThree && c != CoversFive {
		p.add("settings.cover_set", "must be three or five")
	}
}
