package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"mime"
	"strings"

	"bayboard/internal/imaging"
	"bayboard/internal/photos"
	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// Photos (issue 15): the upload takes the raw image bytes (not multipart,
// so the page's request can report its progress), makes it upright and
// bare of the phone's metadata (internal/imaging), writes and syncs its
// file (internal/photos), and only then gives attach_photo: no record ever
// points at a missing file.

// photoTypes are the Content-Types an upload may carry.
var photoTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true}

// isPhotoUpload says whether a request is an upload, the one route whose
// body may be a photo's size: POST /api/v1/jobs/{id}/photos.
func isPhotoUpload(method, path []byte) bool {
	const prefix, suffix = "/api/v1/jobs/", "/photos"
	p := string(path)
	if string(method) != fiber.MethodPost || !strings.HasPrefix(p, prefix) || !strings.HasSuffix(p, suffix) {
		return false
	}
	id := p[len(prefix) : len(p)-len(suffix)]
	return id != "" && !strings.Contains(id, "/")
}

// photoWork is what the uploads share: a bound on the photos processed at
// once (a 21st upload waits its turn, it is not refused). A photo stored
// and not yet attached is held in the photo store (photos.Store.Hold), so
// that neither a refused upload of the same photo nor the retention
// removes its file.
type photoWork struct {
	slots chan struct{}
}

func newPhotoWork(parallel int) *photoWork {
	return &photoWork{slots: make(chan struct{}, parallel)}
}

// dryRunID stands for the photo's id before its file exists: no JPEG
// hashes to it.
var dryRunID = strings.Repeat("0", 64)

func (s *Server) uploadPhoto(c *fiber.Ctx) error {
	if s.photos == nil {
		return problem(c, CodeInternal, "photos are not set up on this server")
	}
	media, _, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil || !photoTypes[media] {
		return problem(c, CodeUnsupportedMedia, "Content-Type must be image/jpeg, image/png or image/webp")
	}
	actor := whoOf(c).actor
	cmd := &shop.AttachPhoto{JobID: c.Params("id"), Photo: shop.Photo{Kind: shop.PhotoKind(c.Query("kind")),
		Position: shop.PhotoPosition(c.Query("position")), FindingID: c.Query("finding_id"), Caption: c.Query("caption")}}
	// The domain's answer first, on a draft that is thrown away: a photo
	// the job would refuse is neither processed nor stored.
	probe := *cmd
	probe.Photo.ID, probe.Photo.Width, probe.Photo.Height, probe.Photo.Bytes = dryRunID, 1, 1, 1
	if _, err := shop.NewDraft(s.eng.State()).Apply(actor, &probe, s.eng.Now()); err != nil {
		return queryFields(err)
	}
	select {
	case s.photoWork.slots <- struct{}{}:
	case <-c.UserContext().Done():
		return c.UserContext().Err()
	}
	p, err := imaging.Process(bytes.NewReader(c.Body()), imaging.DefaultLimits)
	<-s.photoWork.slots
	switch {
	case errors.Is(err, imaging.ErrTooLarge):
		return problem(c, CodeTooLarge, err.Error())
	case errors.Is(err, imaging.ErrTooManyPixels):
		return problem(c, CodeTooManyPixels, err.Error())
	case errors.Is(err, imaging.ErrNotImage):
		return problem(c, CodeNotAnImage, err.Error())
	case err != nil:
		return err
	}
	sum := sha256.Sum256(p.JPEG)
	id := hex.EncodeToString(sum[:])
	release := s.photos.Hold(id)
	defer release()
	had := s.photos.Has(id)
	if id, err = s.photos.Put(p.JPEG, p.Thumb); err != nil {
		return err
	}
	cmd.Photo.ID, cmd.Photo.Width, cmd.Photo.Height, cmd.Photo.Bytes = id, p.Width, p.Height, len(p.JPEG)
	if _, err := s.eng.Do(c.UserContext(), actor, cmd); err != nil {
		// Refused after all (the job moved on meanwhile): the file goes
		// unless it was there before or another record or upload uses it.
		release()
		if !had && !s.photoReferenced(id) {
			if rerr := s.photos.Remove(id); rerr != nil && !errors.Is(rerr, photos.ErrHeld) {
				s.log.Warn("remove a refused upload's photo", "photo", id, "err", rerr)
			}
		}
		return queryFields(err)
	}
	stored := s.job(cmd.JobID).Photo(id)
	return c.Status(fiber.StatusCreated).JSON(stored)
}

// queryFields names an attach_photo's fields as the upload's query does:
// photo.kind is the query's kind.
func queryFields(err error) error {
	var de *shop.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return err
	}
	out := *de
	out.Fields = make([]shop.FieldError, len(de.Fields))
	for i, f := range de.Fields {
		f.Field = strings.TrimPrefix(f.Field, "photo.")
		out.Fields[i] = f
	}
	return &out
}

// photoReferenced says whether any job, live or long closed, refers to a
// photo (an error reading the data file counts as yes: keep the file).
func (s *Server) photoReferenced(id string) bool {
	for _, j := range s.eng.State().Jobs {
		if j.Photo(id) != nil {
			return true
		}
	}
	if s.history == nil {
		return false
	}
	found := false
	err := s.history.JobPhotos(func(_ string, ps []shop.Photo) error {
		for _, p := range ps {
			if p.ID == id {
				found = true
			}
		}
		return nil
	})
	return found || err != nil
}

// jobPhoto serves a job's photo to the staff: anyone signed in who may
// see the job. Screens and boards never.
func (s *Server) jobPhoto(c *fiber.Ctx) error {
	j := s.job(c.Params("id"))
	if j == nil {
		return problem(c, CodeNotFound, "job "+c.Params("id")+" does not exist")
	}
	p := j.Photo(c.Params("photo"))
	if p == nil || !p.Shown() {
		return problem(c, CodeNotFound, "job "+j.ID+" has no photo "+c.Params("photo"))
	}
	return s.sendPhoto(c, p.ID)
}

// customerPhoto serves a photo of the job the customer's link opens, one
// the customer may see (shop.State.CustomerSeesPhoto); any other is not
// found, as if it did not exist.
func (s *Server) customerPhoto(c *fiber.Ctx) error {
	j, err := s.customerLink(c)
	if j == nil {
		return err
	}
	p := j.Photo(c.Params("photo"))
	if p == nil || !s.eng.State().CustomerSeesPhoto(j, p) {
		return problem(c, CodeNotFound, "no such photo")
	}
	return s.sendPhoto(c, p.ID)
}

func (s *Server) sendPhoto(c *fiber.Ctx, id string) error {
	if s.photos == nil {
		return problem(c, CodeNotFound, "no such photo")
	}
	f, err := s.photos.Open(id, c.Query("thumb") == "1")
	if errors.Is(err, fs.ErrNotExist) {
		return problem(c, CodeNotFound, "the photo's file is missing")
	}
	if err != nil {
		return err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	c.Set(fiber.HeaderContentType, "image/jpeg")
	c.Set(fiber.HeaderCacheControl, "private, max-age=31536000, immutable")
	return c.SendStream(f, int(info.Size())) // fasthttp closes f once sent
}
