package web

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bayboard/internal/imaging/imagingtest"
	"bayboard/internal/photos"
	"bayboard/internal/shop"
	"bayboard/kiosk"
)

// upload sends a photo's bytes to a job as a role.
func (ts *testShop) upload(t *testing.T, role shop.Role, jobID, query, contentType string, body []byte) response {
	t.Helper()
	return ts.call(t, nil, "POST", "/api/v1/jobs/"+jobID+"/photos?"+query, ts.tokens[role], body, "Content-Type", contentType)
}

// photoFiles counts the files in the photo directory.
func (ts *testShop) photoFiles(t *testing.T) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(ts.photos.Dir(), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A phone's photo, sideways with its orientation in EXIF and the place it
// was taken: stored upright, without a byte of the phone's metadata, then
// attached to the job, served to the staff and listed in the job.
func TestAnUploadedPhotoIsUprightAndBare(t *testing.T) {
	ts := newTestShop(t)
	phone := imagingtest.PhoneJPEG(640, 480, 6, true)
	if len(imagingtest.Leaks(phone)) == 0 {
		t.Fatal("the test photo carries no metadata to drop")
	}
	r := ts.upload(t, shop.RoleAdvisor, "20261123-0001", "kind=walk_around&position=front&caption=左前门划痕", "image/jpeg", phone)
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	var p shop.Photo
	r.json(t, &p)
	if !photos.ValidID(p.ID) || p.Width != 480 || p.Height != 640 || p.Kind != shop.PhotoWalkAround || p.Position != shop.PositionFront ||
		p.Caption != "左前门划痕" || p.By != ts.users[shop.RoleAdvisor] {
		t.Fatalf("the stored photo: %+v", p)
	}
	stored, err := os.ReadFile(photos.Path(ts.photos.Dir(), p.ID, false))
	if err != nil {
		t.Fatal(err)
	}
	if err := imagingtest.UprightJPEG(stored); err != nil {
		t.Errorf("the stored photo is not upright: %v", err)
	}
	if leaks := imagingtest.Leaks(stored); len(leaks) > 0 || bytes.Contains(stored, []byte("Exif")) || bytes.Contains(stored, []byte("GPS")) {
		t.Errorf("the stored photo keeps the phone's metadata: %v", leaks)
	}
	if p.Bytes != len(stored) {
		t.Errorf("the record says %d bytes, the file has %d", p.Bytes, len(stored))
	}
	if j := ts.eng.State().Jobs["20261123-0001"]; len(j.Photos) != 1 || j.Photos[0].ID != p.ID {
		t.Errorf("the job's photos: %+v", j.Photos)
	}

	// Served to the staff, the photo and its thumbnail, for good.
	got := ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001/photos/"+p.ID, ts.tokens[shop.RoleTechnician], nil)
	if got.status != 200 || !bytes.Equal(got.body, stored) || got.header.Get("Content-Type") != "image/jpeg" ||
		got.header.Get("Cache-Control") != "private, max-age=31536000, immutable" {
		t.Errorf("served: %d %v (%d bytes)", got.status, got.header, len(got.body))
	}
	thumb := ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001/photos/"+p.ID+"?thumb=1", ts.tokens[shop.RoleAdvisor], nil)
	if thumb.status != 200 || len(thumb.body) == 0 || len(thumb.body) >= len(stored) {
		t.Errorf("thumbnail: %d, %d bytes", thumb.status, len(thumb.body))
	}
	if r := ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001/photos/"+p.ID, "", nil); r.status != 401 {
		t.Errorf("served to no one: %d", r.status)
	}
	var detail struct {
		Job struct {
			Photos []shop.Photo `json:"photos"`
		} `json:"job"`
	}
	ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001", ts.tokens[shop.RoleAdvisor], nil).json(t, &detail)
	if len(detail.Job.Photos) != 1 || detail.Job.Photos[0].ID != p.ID {
		t.Errorf("the job's JSON: %+v", detail.Job.Photos)
	}

	// Removed, it is no longer served, and the job keeps that it existed.
	if r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleAdvisor],
		`{"type":"remove_photo","job_id":"20261123-0001","photo_id":"`+p.ID+`","reason":"the wrong car"}`); r.status != 200 {
		t.Fatalf("remove_photo: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001/photos/"+p.ID, ts.tokens[shop.RoleAdvisor], nil); r.status != 404 {
		t.Errorf("a removed photo served: %d", r.status)
	}
	// attach_photo is the upload's: a client cannot name a file.
	if r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleAdvisor],
		`{"type":"attach_photo","job_id":"20261123-0001","photo":{"id":"`+strings.Repeat("a", 64)+`","kind":"work","width":1,"height":1,"bytes":1}}`); r.status != 400 {
		t.Errorf("attach_photo sent as a command: %d %s", r.status, r.body)
	}
}

// Every bad upload is refused with its problem, and nothing is stored:
// the wrong type, too large, not an image, truncated, a decompression
// bomb, another job's finding, a closed job, a screen.
func TestABadUploadStoresNothing(t *testing.T) {
	ts := newTestShop(t)
	adv, tech := ts.tokens[shop.RoleAdvisor], ts.tokens[shop.RoleTechnician]
	ctx := t.Context()
	sys := shop.Actor{System: true}
	// A second job, dispatched to the technician, with a finding.
	for _, c := range []shop.Command{
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京B54321", Model: "Tucson"}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-2", Estimate: shop.Estimate{Requests: "刹车异响", PromisedAt: t0.Add(5e12),
			Labour: []shop.Labour{{Name: "检查", SoldHours: 1, Price: 10000}}}},
		&shop.Submit{JobRef: shop.JobRef{JobID: "20261123-0002"}},
		&shop.Dispatch{JobID: "20261123-0002", TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"},
		&shop.ReportFinding{JobID: "20261123-0002", FindingInput: shop.FindingInput{Description: "刹车片磨损", Hours: 1}},
	} {
		if _, err := ts.eng.Do(ctx, sys, c); err != nil {
			t.Fatalf("%s: %v", c.CommandType(), err)
		}
	}
	phone := imagingtest.PhoneJPEG(320, 240, 6, true)
	screen := (&boardShop{testShop: ts, url: ts.url}).pairScreen(t, "lounge")
	// Over the 1 MiB every other body is held to, within the photo's.
	junk := bytes.Repeat([]byte("not a photo "), 2<<20/12)
	for _, c := range []struct {
		name, token, job, query, contentType string
		body                                 []byte
		status                               int
		code                                 string
	}{
		{"text", adv, "20261123-0001", "kind=walk_around&position=front", "text/plain", phone, 415, "unsupported_media"},
		{"json", adv, "20261123-0001", "kind=walk_around&position=front", "application/json", phone, 415, "unsupported_media"},
		{"2 MiB of text", adv, "20261123-0001", "kind=walk_around&position=front", "image/jpeg", junk, 422, "not_an_image"},
		{"not an image", adv, "20261123-0001", "kind=walk_around&position=front", "image/jpeg", []byte("hello, this is text"), 422, "not_an_image"},
		{"truncated", adv, "20261123-0001", "kind=walk_around&position=front", "image/jpeg", phone[:len(phone)/2], 422, "not_an_image"},
		{"a bomb", adv, "20261123-0001", "kind=walk_around&position=front", "image/png", imagingtest.BombPNG(100_000, 100_000), 422, "too_many_pixels"},
		{"no position", adv, "20261123-0001", "kind=walk_around", "image/jpeg", phone, 400, "invalid"},
		{"another job's finding", adv, "20261123-0001", "kind=finding&finding_id=fi-1", "image/jpeg", phone, 404, "not_found"},
		{"a walk-around after signing", adv, "20261123-0002", "kind=walk_around&position=rear", "image/jpeg", phone, 409, "conflict"},
		{"a technician's walk-around", tech, "20261123-0001", "kind=walk_around&position=rear", "image/jpeg", phone, 403, "forbidden"},
		{"a technician on a job not theirs", tech, "20261123-0001", "kind=work", "image/jpeg", phone, 403, "forbidden"},
		{"no such job", adv, "20261123-0099", "kind=work", "image/jpeg", phone, 404, "not_found"},
		{"a screen", screen, "20261123-0002", "kind=work", "image/jpeg", phone, 401, "unauthorized"},
	} {
		before, seq := ts.photoFiles(t), ts.store.LastSeq()
		r := ts.call(t, nil, "POST", "/api/v1/jobs/"+c.job+"/photos?"+c.query, c.token, c.body, "Content-Type", c.contentType)
		if r.status != c.status || r.problem(t).Code != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.body, c.status, c.code)
		}
		if after := ts.photoFiles(t); after != before || ts.store.LastSeq() != seq {
			t.Errorf("%s: refused, but the photo files went from %d to %d", c.name, before, after)
		}
	}

	// A body over 20 MiB is refused from its declared length, before it is
	// read (the client may still be writing: HTTP by hand).
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/v1/jobs/20261123-0001/photos?kind=work HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n", adv, 20<<20+1)
	conn.Write(phone)
	head := make([]byte, 12)
	io.ReadFull(conn, head)
	conn.Close()
	if string(head) != "HTTP/1.1 413" {
		t.Errorf("a photo over 20 MiB: %q", head)
	}

	// The technician's finding photo on their job is taken; a closed job
	// takes none.
	if r := ts.upload(t, shop.RoleTechnician, "20261123-0002", "kind=finding&finding_id=fi-1", "image/jpeg", phone); r.status != 201 {
		t.Fatalf("a finding photo: %d %s", r.status, r.body)
	}
	if _, err := ts.eng.Do(ctx, sys, &shop.Cancel{JobID: "20261123-0001", Reason: "customer left"}); err != nil {
		t.Fatal(err)
	}
	before := ts.photoFiles(t)
	other := imagingtest.PhoneJPEG(300, 200, 1, false)
	if r := ts.upload(t, shop.RoleAdvisor, "20261123-0001", "kind=work", "image/jpeg", other); r.status != 409 || r.problem(t).Code != "conflict" {
		t.Errorf("a photo for a cancelled job: %d %s", r.status, r.body)
	}
	if after := ts.photoFiles(t); after != before {
		t.Errorf("a cancelled job's photo stored: %d files, then %d", before, after)
	}
}

// The customer's link serves only the photos of its own job the customer
// may see: not another job's, not an unsent finding's.
func TestTheCustomerSeesOnlyTheirPhotos(t *testing.T) {
	ts := newTestShop(t)
	ctx := t.Context()
	sys := shop.Actor{System: true}
	for _, c := range []shop.Command{
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京B54321", Model: "Tucson"}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-2", Estimate: shop.Estimate{Requests: "保养", PromisedAt: t0.Add(5e12)}},
	} {
		if _, err := ts.eng.Do(ctx, sys, c); err != nil {
			t.Fatal(err)
		}
	}
	upload := func(job, query string, w int) string {
		r := ts.upload(t, shop.RoleAdvisor, job, query, "image/jpeg", imagingtest.PhoneJPEG(w, 200, 1, false))
		if r.status != 201 {
			t.Fatalf("upload %s: %d %s", query, r.status, r.body)
		}
		var p shop.Photo
		r.json(t, &p)
		return p.ID
	}
	mine := upload("20261123-0001", "kind=walk_around&position=front", 300)
	theirs := upload("20261123-0002", "kind=walk_around&position=front", 310)
	for _, c := range []shop.Command{
		&shop.Submit{JobRef: shop.JobRef{JobID: "20261123-0001"}},
		&shop.Dispatch{JobID: "20261123-0001", TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"},
		&shop.ReportFinding{JobID: "20261123-0001", FindingInput: shop.FindingInput{Description: "刹车片磨损", Hours: 1}},
	} {
		if _, err := ts.eng.Do(ctx, sys, c); err != nil {
			t.Fatal(err)
		}
	}
	unsent := upload("20261123-0001", "kind=finding&finding_id=fi-1", 320)

	link := kiosk.URLs{Base: "http://shop", Tokens: ts.qr}.Customer(ts.eng.State().Jobs["20261123-0001"])
	path := "/api/v1/customer/" + link[strings.LastIndex(link, "/")+1:]
	get := func(id string) int { return ts.call(t, nil, "GET", path+"/photos/"+id+"?thumb=1", "", nil).status }
	if s := get(mine); s != 200 {
		t.Errorf("the customer's walk-around photo: %d", s)
	}
	if s := get(theirs); s != 404 {
		t.Errorf("another job's photo on the customer's link: %d", s)
	}
	if s := get(unsent); s != 404 {
		t.Errorf("an unsent finding's photo on the customer's link: %d", s)
	}
	var v kiosk.CustomerView
	ts.call(t, nil, "GET", path, "", nil).json(t, &v)
	if len(v.Photos) != 1 || v.Photos[0].ID != mine {
		t.Errorf("the customer's view lists %+v", v.Photos)
	}
	// Sent, the finding and its photo are the customer's.
	if r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleAdvisor], `{"type":"price_finding","finding_id":"fi-1","labour_price":8000,"send":true}`); r.status != 200 {
		t.Fatalf("price_finding: %d %s", r.status, r.body)
	}
	if s := get(unsent); s != 200 {
		t.Errorf("a sent finding's photo: %d", s)
	}
	if r := ts.call(t, nil, "GET", path+"/photos/"+mine, "Bearer nonsense", nil); r.status != 200 {
		t.Errorf("the full photo: %d", r.status)
	}
}

// /healthz reports the start-up check of the photo directory: how many
// orphans, and which photos are missing.
func TestHealthzReportsThePhotoCheck(t *testing.T) {
	missing := strings.Repeat("ab", 32)
	ts := newTestShopOptions(t, Options{Photos: &PhotoCheck{Orphans: []string{strings.Repeat("cd", 32)}, Missing: []string{missing}}})
	var h struct {
		Photos struct {
			Orphans int      `json:"orphans"`
			Missing []string `json:"missing"`
		} `json:"photos"`
	}
	ts.call(t, nil, "GET", "/healthz", "", nil).json(t, &h)
	if h.Photos.Orphans != 1 || len(h.Photos.Missing) != 1 || h.Photos.Missing[0] != missing {
		t.Errorf("healthz: %+v", h)
	}
}

// With the shop's setting on, the settlement prints the findings' photos:
// their thumbnails come from the photo store beside the data file. Off,
// the same settlement holds no photo.
func TestTheSettlementPrintsTheFindingsPhotos(t *testing.T) {
	ts := newTestShop(t)
	dispatchTestJob(t, ts)
	if _, err := ts.eng.Do(t.Context(), shop.Actor{System: true}, &shop.PutTeam{Team: shop.Team{ID: "team-1", Name: "一组", LeaderID: "tech-1"}}); err != nil {
		t.Fatal(err)
	}
	do := func(role shop.Role, body string) {
		t.Helper()
		if r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[role], body); r.status != 200 {
			t.Fatalf("%s: %d %s", body, r.status, r.body)
		}
	}
	do(shop.RoleTechnician, kioskBody(kiosk.ActionClockOn, "tech-1"))
	do(shop.RoleTechnician, `{"type":"report_finding","job_id":"`+testJob+`","description":"刹车片磨损 pads worn","hours":1}`)
	r := ts.upload(t, shop.RoleTechnician, testJob, "kind=finding&finding_id=fi-1&caption=前左刹车片", "image/jpeg", imagingtest.PhoneJPEG(400, 300, 1, false))
	if r.status != 201 {
		t.Fatalf("the finding's photo: %d %s", r.status, r.body)
	}
	do(shop.RoleAdvisor, `{"type":"price_finding","finding_id":"fi-1","labour_price":8000,"send":true}`)
	do(shop.RoleAdvisor, `{"type":"decide_finding","finding_id":"fi-1","approve":true,"via":"in_person","who":"客户本人"}`)
	for _, step := range []struct {
		a    kiosk.Action
		by   shop.Role
		tech string
	}{{kiosk.ActionFinish, shop.RoleTechnician, "tech-1"}, {kiosk.ActionQCTeam, shop.RoleTechnician, ""},
		{kiosk.ActionQCFinal, shop.RoleQC, ""}, {kiosk.ActionWashDone, shop.RoleWasher, ""}} {
		do(step.by, kioskBody(step.a, step.tech))
	}
	images := func() int {
		t.Helper()
		r := ts.call(t, nil, "GET", "/api/v1/jobs/"+testJob+"/documents/settlement.pdf", ts.tokens[shop.RoleAdvisor], nil)
		if r.status != 200 {
			t.Fatalf("settlement.pdf: %d %s", r.status, r.body)
		}
		return bytes.Count(r.body, []byte("/Subtype /Image"))
	}
	without := images()
	set := ts.eng.State().Settings
	set.SettlementPhotos = true
	if _, err := ts.eng.Do(t.Context(), shop.Actor{System: true}, &shop.SetSettings{Settings: set}); err != nil {
		t.Fatal(err)
	}
	if with := images(); with != without+1 {
		t.Errorf("the settlement holds %d images with the findings' photos, %d without", with, without)
	}
}
