package shop

// Rework says why a job is worked again, for the technician at the bay:
// the quality check it failed (the team leader's or the final inspection,
// with the reason given), and whether the car came back after delivery
// for the same fault (a comeback, 返修). Nil for a job worked the first
// time.
type Rework struct {
	// Failed is the failed check that sent the job back to work, until
	// the work is finished again (the next self-check).
	Failed *QCResult `json:"failed,omitempty"`
	// ComebackOf is the first job of the repair this comeback redoes.
	ComebackOf string `json:"comeback_of,omitempty"`
}

// Rework is why the job is being worked again, or nil.
func (j *Job) Rework() *Rework {
	var out Rework
	if n := len(j.QC); n > 0 && j.QC[n-1].Step != QCSelf && !j.QC[n-1].Pass {
		failed := j.QC[n-1]
		out.Failed = &failed
	}
	out.ComebackOf = j.ComebackOf
	if out.Failed == nil && out.ComebackOf == "" {
		return nil
	}
	return &out
}
