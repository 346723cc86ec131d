package shop

// contactRoles are the roles whose work is talking to the customer: the
// advisor at the desk, the cashier at settlement, the follow-up clerk on
// the phone, the controller who calls about a delay, and the manager.
// The floor (technicians, team leaders, QC, washers, parts) sees plates,
// vehicles and jobs, never a customer's name or phone.
var contactRoles = []Role{RoleAdvisor, RoleCashier, RoleFollowUp, RoleController, RoleManager}

// MaySeeContact says whether an actor may see customers' names and phone
// numbers. The system may; a customer's own page shows their own job,
// which its own view decides; a paired screen is no person and holds no
// role, so it may not.
func MaySeeContact(a Actor) bool {
	if a.System {
		return true
	}
	for _, r := range contactRoles {
		if a.Has(r) {
			return true
		}
	}
	return false
}

// WithoutContact returns a copy of a customer with their name and phone
// removed, for a reader who may not see them (MaySeeContact): the id stays,
// so a job still names whose car it is without saying who.
func (c Customer) WithoutContact() Customer {
	c.Name, c.Phone = "", ""
	if c.Messages != nil && c.Messages.Email != "" {
		// A copy: the stored wishes are shared and never changed.
		prefs := *c.Messages
		prefs.Email = ""
		c.Messages = &prefs
	}
	return c
}

// ForReader returns a customer as a reader may see them: a copy without
// name and phone for one who may not see contact data.
func (c *Customer) ForReader(a Actor) *Customer {
	if c == nil || MaySeeContact(a) {
		return c
	}
	out := c.WithoutContact()
	return &out
}

// ForReader returns a job's status as a reader may see it: without the
// customer's name for one who may not see contact data. Whether the
// customer is a key customer stays: the floor treats their car with care.
func (js JobStatus) ForReader(a Actor) JobStatus {
	if !MaySeeContact(a) {
		js.Customer = ""
		js.Job = js.Job.withoutConsenters()
	}
	return js
}

// withoutConsenters is the job, or a copy of it without the names of the
// people who agreed to its revisions for the customer.
func (j *Job) withoutConsenters() *Job {
	if j == nil {
		return j
	}
	for _, r := range j.Revisions {
		if r.Consent.Who != "" {
			c := *j
			c.Revisions = append([]Revision(nil), j.Revisions...)
			for i := range c.Revisions {
				c.Revisions[i].Consent.Who = ""
			}
			return &c
		}
	}
	return j
}

// ForReader returns the workshop as a reader may see it: every job's
// status in it through JobStatus.ForReader. The workshop is shared; a copy
// is redacted, never the original.
func (w *Workshop) ForReader(a Actor) *Workshop {
	if w == nil || MaySeeContact(a) {
		return w
	}
	out := *w
	out.Queue = statusesForReader(w.Queue, a)
	out.Jobs = statusesForReader(w.Jobs, a)
	out.Bays = make([]BayStatus, len(w.Bays))
	for i, b := range w.Bays {
		if b.Job != nil {
			js := b.Job.ForReader(a)
			b.Job = &js
		}
		out.Bays[i] = b
	}
	return &out
}

func statusesForReader(in []JobStatus, a Actor) []JobStatus {
	out := make([]JobStatus, len(in))
	for i, js := range in {
		out[i] = js.ForReader(a)
	}
	return out
}
