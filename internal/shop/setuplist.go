package shop

import (
	"net/url"
	"sort"
	"strings"
)

// SetupStep is one step of setting a new shop up. A shop is set up in
// SetupSteps' order: each step needs the ones before it (a technician
// joins a team; a team check needs a technician to lead it).
type SetupStep string

const (
	SetupBays        SetupStep = "bays"
	SetupTeams       SetupStep = "teams"
	SetupTechnicians SetupStep = "technicians"
	SetupUsers       SetupStep = "users"
	SetupPrinters    SetupStep = "printers"
	SetupCatalog     SetupStep = "catalog"
	SetupScreens     SetupStep = "screens"
)

// SetupSteps lists the steps in the order to take them.
var SetupSteps = []SetupStep{SetupBays, SetupTeams, SetupTechnicians, SetupUsers, SetupPrinters, SetupCatalog, SetupScreens}

// SetupGap names something a shop still lacks. The pages say each in the
// shop's languages; Subject names the team or technician it is about.
type SetupGap string

const (
	GapNoBay                    SetupGap = "no_bay"
	GapNoTeam                   SetupGap = "no_team"
	GapTeamWithoutLeader        SetupGap = "team_without_leader" // nobody but the manager can pass its team check
	GapNoTechnician             SetupGap = "no_technician"
	GapTechnicianWithoutAccount SetupGap = "technician_without_account" // cannot sign in at a bay
	GapNoAdvisor                SetupGap = "no_advisor"
	GapNoQCInspector            SetupGap = "no_qc_inspector" // nobody but the manager can pass a final inspection
	GapNoPrinter                SetupGap = "no_printer"
	GapNoBaseURL                SetupGap = "no_base_url" // the QR codes would lead nowhere a phone reaches
	GapNoCatalog                SetupGap = "no_catalog"
	GapNoScreen                 SetupGap = "no_screen"
)

// SetupGaps lists every gap, for the pages' catalogs.
var SetupGaps = []SetupGap{GapNoBay, GapNoTeam, GapTeamWithoutLeader, GapNoTechnician, GapTechnicianWithoutAccount,
	GapNoAdvisor, GapNoQCInspector, GapNoPrinter, GapNoBaseURL, GapNoCatalog, GapNoScreen}

// Missing is one gap, and the team or technician it is about.
type Missing struct {
	Gap     SetupGap `json:"gap"`
	Subject string   `json:"subject,omitempty"`
	Name    string   `json:"name,omitempty"`
}

// SetupState is how far one step has come: how many of its things the
// shop has, and what is still missing. A step is done when nothing is.
type SetupState struct {
	Step    SetupStep `json:"step"`
	Count   int       `json:"count"`
	Done    bool      `json:"done"`
	Missing []Missing `json:"missing"`
}

// Setup says, step by step, what a shop has set up and what it still
// lacks. Paired screens live beside the shop's state (internal/access
// keeps them), so their number is passed in.
func (s *State) Setup(pairedScreens int) []SetupState {
	out := make([]SetupState, 0, len(SetupSteps))
	for _, step := range SetupSteps {
		st := SetupState{Step: step, Missing: []Missing{}}
		gap := func(g SetupGap, subject, name string) {
			st.Missing = append(st.Missing, Missing{Gap: g, Subject: subject, Name: name})
		}
		switch step {
		case SetupBays:
			for _, b := range s.Bays {
				if b.Active {
					st.Count++
				}
			}
			if st.Count == 0 {
				gap(GapNoBay, "", "")
			}
		case SetupTeams:
			st.Count = len(s.Teams)
			if st.Count == 0 {
				gap(GapNoTeam, "", "")
			}
			for _, t := range sortedByID(s.Teams, func(t *Team) string { return t.ID }) {
				if s.TeamLeader(t.ID) == nil {
					gap(GapTeamWithoutLeader, t.ID, t.Name)
				}
			}
		case SetupTechnicians:
			for _, t := range sortedByID(s.Technicians, func(t *Technician) string { return t.ID }) {
				if !t.Active {
					continue
				}
				st.Count++
				if u := s.Users[t.UserID]; u == nil || !u.Active {
					gap(GapTechnicianWithoutAccount, t.ID, t.Name)
				}
			}
			if st.Count == 0 {
				gap(GapNoTechnician, "", "")
			}
		case SetupUsers:
			advisor, inspector := false, false
			for _, u := range s.Users {
				if u.Active {
					st.Count++
					advisor = advisor || u.Has(RoleAdvisor)
					inspector = inspector || u.Has(RoleQC)
				}
			}
			if !advisor {
				gap(GapNoAdvisor, "", "")
			}
			if !inspector {
				gap(GapNoQCInspector, "", "")
			}
		case SetupPrinters:
			st.Count = len(s.Settings.Printers)
			if st.Count == 0 {
				gap(GapNoPrinter, "", "")
			}
			if !reachableBaseURL(s.Settings.BaseURL) {
				gap(GapNoBaseURL, "", "")
			}
		case SetupCatalog:
			for _, o := range s.Operations {
				if o.Active {
					st.Count++
				}
			}
			for _, p := range s.CatalogParts {
				if p.Active {
					st.Count++
				}
			}
			if st.Count == 0 {
				gap(GapNoCatalog, "", "")
			}
		case SetupScreens:
			st.Count = pairedScreens
			if st.Count == 0 {
				gap(GapNoScreen, "", "")
			}
		}
		st.Done = len(st.Missing) == 0
		out = append(out, st)
	}
	return out
}

// TeamLeader is the active account of the active technician a team names
// as its leader, who passes the team's check; nil when there is none.
func (s *State) TeamLeader(teamID string) *User {
	id := NewDraft(s).leaderAccount(teamID)
	if u := s.Users[id]; u != nil && u.Active {
		return u
	}
	return nil
}

// reachableBaseURL reports whether the shop's base URL could reach this
// server from a customer's or technician's phone: set, and not this
// machine's own name, which a phone takes for itself.
func reachableBaseURL(base string) bool {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return host != "localhost" && !strings.HasPrefix(host, "127.") && host != "::1" && host != "0.0.0.0"
}

func sortedByID[T any](m map[string]*T, id func(*T) string) []*T {
	out := make([]*T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(a, b int) bool { return id(out[a]) < id(out[b]) })
	return out
}
