package kiosk

import "bayboard/internal/shop"

// The queues a phone shows at a bay's code besides the technician's own:
// at the wash bay, the washer's cars whose wash is due; at any bay, the
// QC inspector's cars waiting for the final inspection. Who may act on
// them is the domain's (shop.State.May); the queues and their order are
// the domain's too (shop.State.WashQueue, InspectionQueue).

// WashAction is the next step of a car's wash the person may take: start
// its wash while it waits, mark it done once started, or nothing. A car
// whose start was never tapped may still be marked done from its job's
// page; the queue offers one step at a time so that a wet thumb does not
// end a wash it meant to start.
func WashAction(st *shop.State, u *shop.User, j *shop.Job) Action {
	if u == nil || j == nil {
		return ""
	}
	actor := shop.Actor{UserID: u.ID, Roles: u.Roles}
	ref := shop.JobRef{JobID: j.ID}
	if st.May(actor, &shop.StartWash{JobRef: ref}) == nil {
		return ActionWashStart
	}
	if j.Washing() && st.May(actor, &shop.WashDone{JobRef: ref}) == nil {
		return ActionWashDone
	}
	return ""
}

// Washes says whether a person works the wash bay's queue: their roles
// allow starting a wash or marking one done.
func Washes(u *shop.User) bool {
	if u == nil {
		return false
	}
	actor := shop.Actor{UserID: u.ID, Roles: u.Roles}
	return shop.MayGiveType(actor, "start_wash") == nil || shop.MayGiveType(actor, "wash_done") == nil
}

// Inspects says whether a person makes the final inspection, whose queue
// their phone shows.
func Inspects(st *shop.State, u *shop.User) bool {
	return u != nil && st.Inspects(shop.Actor{UserID: u.ID, Roles: u.Roles})
}
