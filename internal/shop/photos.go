package shop

import "time"

// A Photo is evidence kept with a job: the car's state at reception (the
// walk-around, tagged by position), a finding's worn part, or the work
// done (the old part beside the new one). The bytes live beside the data
// file, content-addressed (internal/photos); the job keeps what was taken,
// by whom and when. A photo is written and synced before the change that
// refers to it is committed, so no record points at a missing file.
type Photo struct {
	// ID is the hex SHA-256 of the stored JPEG: its file's name.
	ID   string    `json:"id"`
	Kind PhotoKind `json:"kind"`
	// Position is where on the car a walk-around photo was taken.
	Position PhotoPosition `json:"position,omitempty"`
	// FindingID is the finding a finding photo shows.
	FindingID string `json:"finding_id,omitempty"`
	Caption   string `json:"caption,omitempty"`
	// Width, Height and Bytes are the stored JPEG's (upright, without
	// the phone's metadata).
	Width  int       `json:"width"`
	Height int       `json:"height"`
	Bytes  int       `json:"bytes"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	// RemovedAt is set when someone took the photo back (a blurred or
	// wrong one), ExpiredAt when the shop's photo retention removed its
	// file. Either way the job keeps that it existed.
	RemovedAt *time.Time `json:"removed_at,omitempty"`
	RemovedBy string     `json:"removed_by,omitempty"`
	ExpiredAt *time.Time `json:"expired_at,omitempty"`
}

// Shown reports whether the photo's file is still there to show.
func (p *Photo) Shown() bool { return p.RemovedAt == nil && p.ExpiredAt == nil }

// PhotoKind says what a photo is evidence of.
type PhotoKind string

const (
	PhotoWalkAround PhotoKind = "walk_around"
	PhotoFinding    PhotoKind = "finding"
	PhotoWork       PhotoKind = "work"
)

// PhotoPosition is where on the car a walk-around photo was taken.
type PhotoPosition string

const (
	PositionFront     PhotoPosition = "front"
	PositionRear      PhotoPosition = "rear"
	PositionLeft      PhotoPosition = "left"
	PositionRight     PhotoPosition = "right"
	PositionInterior  PhotoPosition = "interior"
	PositionDashboard PhotoPosition = "dashboard"
)

// PhotoPositions are the walk-around's positions, in the order the pages
// show them.
var PhotoPositions = []PhotoPosition{PositionFront, PositionRear, PositionLeft, PositionRight, PositionInterior, PositionDashboard}

// The bounds on a job's photos: enough for the evidence, not a camera roll.
const (
	MaxWalkAroundPhotos = 24 // shown walk-around photos of a job
	MaxFindingPhotos    = 8  // shown photos of one finding
	MaxJobPhotos        = 60 // shown photos of a job, every kind
)

// photoRoles may attach and remove photos at all: the desk, the floor and
// the controller. Which kind of photo, on which job and when is the
// command's permit.
var photoRoles = []Role{RoleManager, RoleAdvisor, RoleController, RoleTeamLeader, RoleTechnician}

// ValidPhotoID says whether an id has the shape of a stored photo's: the
// hex SHA-256 of its JPEG, 64 lower-case hex digits (photos.ValidID, which
// the domain does not import).
func ValidPhotoID(id string) bool {
	if len(id) != 64 {
		return false
	}
	for _, r := range id {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

// ValidPosition says whether p is a walk-around position.
func ValidPosition(p PhotoPosition) bool {
	for _, q := range PhotoPositions {
		if p == q {
			return true
		}
	}
	return false
}

// Photo returns a job's photo by id, or nil.
func (j *Job) Photo(id string) *Photo {
	for i := range j.Photos {
		if j.Photos[i].ID == id {
			return &j.Photos[i]
		}
	}
	return nil
}

// AttachPhoto puts a stored photo on a job. The web layer builds it once
// the photo's file is written and synced (a client never sends it), so a
// job never refers to a file that is not there. Who may, by kind:
// walk-around photos by the desk while the job is in reception, before
// it is signed (the car's state at arrival); finding photos by those who
// may report a finding, on a finding of the job that is not withdrawn,
// while the job is open; work photos by the floor and the advisor from
// dispatch until delivery.
type AttachPhoto struct {
	kind
	JobID string `json:"job_id"`
	Photo Photo  `json:"photo"`
}

func (c *AttachPhoto) CommandType() string { return "attach_photo" }

// eventData: the event keeps which photo, of what, never its size or bytes.
func (c *AttachPhoto) eventData() any {
	return struct {
		Type      string        `json:"type"`
		JobID     string        `json:"job_id"`
		PhotoID   string        `json:"photo_id"`
		Kind      PhotoKind     `json:"kind"`
		Position  PhotoPosition `json:"position,omitempty"`
		FindingID string        `json:"finding_id,omitempty"`
		Caption   string        `json:"caption,omitempty"`
	}{c.CommandType(), c.JobID, c.Photo.ID, c.Photo.Kind, c.Photo.Position, c.Photo.FindingID, c.Photo.Caption}
}

func (c *AttachPhoto) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	ph := c.Photo
	if !ValidPhotoID(ph.ID) {
		p.add("photo.id", "is not a photo id")
	}
	switch ph.Kind {
	case PhotoWalkAround:
		if !ValidPosition(ph.Position) {
			p.add("photo.position", "must be front, rear, left, right, interior or dashboard")
		}
	case PhotoFinding, PhotoWork:
		if ph.Position != "" {
			p.add("photo.position", "is only for a walk-around photo")
		}
	default:
		p.add("photo.kind", "must be walk_around, finding or work")
	}
	switch {
	case ph.Kind == PhotoFinding && ph.FindingID == "":
		p.add("photo.finding_id", "is required")
	case ph.Kind != PhotoFinding && ph.FindingID != "":
		p.add("photo.finding_id", "is only for a finding photo")
	}
	// A caption is one line, as every text a command carries (maxLine).
	checkText(&p, "photo.caption", ph.Caption, maxLine, false)
	if ph.Width <= 0 || ph.Height <= 0 || ph.Bytes <= 0 {
		p.add("photo.bytes", "must be more than 0")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	ph.By, ph.At = actorName(a), now
	ph.RemovedAt, ph.RemovedBy, ph.ExpiredAt = nil, "", nil
	j.Photos = append(j.Photos, ph)
	return result{subject: ph.ID, job: j.ID}, nil
}

// permit: the rules of the moment for each kind of photo, then the bounds.
func (c *AttachPhoto) permit(d *Draft, a Actor) error {
	j, err := d.job(c.JobID)
	if err != nil {
		return err
	}
	ph := c.Photo
	switch ph.Kind {
	case PhotoWalkAround:
		if !a.System && !a.Has(RoleManager) && !a.Has(RoleAdvisor) && !a.Has(RoleController) {
			return forbidden("walk-around photos are the desk's")
		}
		if j.Stage != StageReception || j.Signed() != nil {
			return conflict("job %s is %s: walk-around photos are taken at reception, before the customer signs", j.ID, j.Stage)
		}
	case PhotoFinding:
		if err := authorize(a, "report_finding"); err != nil {
			return err
		}
		if err := d.mayWorkOn(a, "report_finding", j); err != nil {
			return err
		}
		f := d.findings.get(ph.FindingID)
		if f == nil || f.JobID != j.ID {
			return notFound("finding of job "+j.ID, ph.FindingID)
		}
		if f.Status == FindingWithdrawn {
			return conflict("finding %s is withdrawn", f.ID)
		}
		if !j.Stage.Open() {
			return conflict("job %s is %s", j.ID, j.Stage)
		}
	case PhotoWork:
		if err := d.mayWorkOn(a, c.CommandType(), j); err != nil {
			return err
		}
		if !j.Stage.Open() || j.Stage == StageReception || j.Stage == StageWaitingDispatch {
			return conflict("job %s is %s: work photos are taken from dispatch until delivery", j.ID, j.Stage)
		}
	default:
		return (&problems{{Field: "photo.kind", Message: "must be walk_around, finding or work"}}).err()
	}
	if j.Photo(ph.ID) != nil {
		return conflict("photo %s is on job %s already", ph.ID, j.ID)
	}
	var shown, walk, finding int
	for i := range j.Photos {
		q := &j.Photos[i]
		if !q.Shown() {
			continue
		}
		shown++
		switch {
		case q.Kind == PhotoWalkAround:
			walk++
		case q.Kind == PhotoFinding && q.FindingID == ph.FindingID:
			finding++
		}
	}
	switch {
	case shown >= MaxJobPhotos:
		return conflict("job %s has %d photos, the most it may hold", j.ID, MaxJobPhotos)
	case ph.Kind == PhotoWalkAround && walk >= MaxWalkAroundPhotos:
		return conflict("job %s has %d walk-around photos, the most it may hold", j.ID, MaxWalkAroundPhotos)
	case ph.Kind == PhotoFinding && finding >= MaxFindingPhotos:
		return conflict("finding %s has %d photos, the most it may hold", ph.FindingID, MaxFindingPhotos)
	}
	return nil
}

// RemovePhoto takes a photo back (blurred, the wrong car) while the job is
// open: by whoever took it, or by the desk. The job and the event keep
// that it existed, when and by whom it was removed.
type RemovePhoto struct {
	kind
	JobID   string `json:"job_id"`
	PhotoID string `json:"photo_id"`
	Reason  string `json:"reason"`
}

func (c *RemovePhoto) CommandType() string { return "remove_photo" }

func (c *RemovePhoto) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	checkText(&p, "reason", c.Reason, maxText, true)
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	ph := j.Photo(c.PhotoID)
	at := now
	ph.RemovedAt, ph.RemovedBy = &at, actorName(a)
	return result{subject: ph.ID, job: j.ID}, nil
}

// permit: a shown photo of an open job, removed by whoever took it or by
// the desk.
func (c *RemovePhoto) permit(d *Draft, a Actor) error {
	j, err := d.job(c.JobID)
	if err != nil {
		return err
	}
	ph := j.Photo(c.PhotoID)
	if ph == nil {
		return notFound("photo of job "+j.ID, c.PhotoID)
	}
	if !j.Stage.Open() {
		return conflict("job %s is %s", j.ID, j.Stage)
	}
	if !ph.Shown() {
		return conflict("photo %s is removed already", ph.ID)
	}
	if ph.By != actorName(a) && !a.System && !a.Has(RoleManager) && !a.Has(RoleAdvisor) && !a.Has(RoleController) {
		return forbidden("a photo is removed by whoever took it, or by the desk")
	}
	return nil
}

// CustomerSeesPhoto says whether the customer's link shows a photo of
// their job: a shown walk-around or work photo, or one of a finding sent
// to them (awaiting their decision, approved or declined). A finding the
// advisor has not sent, or took back, does not exist for the customer,
// nor do its photos.
func (s *State) CustomerSeesPhoto(j *Job, p *Photo) bool {
	if !p.Shown() {
		return false
	}
	switch p.Kind {
	case PhotoWalkAround, PhotoWork:
		return true
	case PhotoFinding:
		f := s.Findings[p.FindingID]
		if f == nil || f.JobID != j.ID {
			return false
		}
		switch f.Status {
		case FindingAwaiting, FindingApproved, FindingDeclined:
			return true
		}
	}
	return false
}
