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
