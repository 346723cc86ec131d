package shop

import "testing"

// The shop's cover set is three-piece until the manager says five; any
// other is refused at its field and changes nothing.
func TestTheShopsCoverSet(t *testing.T) {
	f := newFixture(t)
	if got := f.state.Settings.Covers(); got != CoversThree {
		t.Errorf("a shop that never chose fits %q", got)
	}
	s := f.state.Settings
	s.CoverSet = "four"
	f.refused(t, system, &SetSettings{Settings: s}, CodeInvalid, "settings.cover_set")
	s.CoverSet = CoversFive
	f.must(t, system, &SetSettings{Settings: s})
	if got := f.state.Settings.Covers(); got != CoversFive {
		t.Errorf("the shop fits %q after choosing five", got)
	}
}
