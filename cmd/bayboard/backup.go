package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"bayboard/internal/backup"
	"bayboard/internal/photos"
	"bayboard/internal/store"
)

// backupCmd writes the shop's backup, one archive of the data file and its
// photos (internal/backup): from the file itself when no server holds
// it, or from a running server over its admin API (a hot backup),
// streamed to the file as it comes.
func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlags("backup", stdout)
	data := fs.String("data", envDefault(getenv, "BAYBOARD_DATA", DefaultData), "data file (BAYBOARD_DATA)")
	url := fs.String("url", getenv("BAYBOARD_URL"), "a running server to back up (BAYBOARD_URL)")
	token := fs.String("token", getenv("BAYBOARD_TOKEN"), "a manager's API token, with --url (BAYBOARD_TOKEN)")
	out := fs.String("out", "", "where to write the backup (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"--out is required"}
	}
	if *url == "" {
		// Opening a missing file would create an empty shop and back that
		// up: a mistyped path must not look like a good backup.
		if _, err := os.Stat(*data); err != nil {
			return fmt.Errorf("no data file to back up: %w", err)
		}
	}
	tmp := *out + ".part"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	var sum backup.Summary
	if *url != "" {
		sum, err = backupFromServer(ctx, *url, *token, f)
	} else {
		sum, err = backupFile(*data, f)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written: %s (%d bytes: the data file and %d photos)\n", *out, sum.Bytes, sum.Photos)
	return nil
}

// backupFile writes the archive of a data file no server holds; its copy
// is taken first, into an unlinked file beside out's, then the photos.
func backupFile(data string, out *os.File) (backup.Summary, error) {
	snap, size, err := backup.Snapshot(filepath.Dir(out.Name()), func(w io.Writer) (int64, error) {
		return store.BackupFile(data, w)
	})
	if errors.Is(err, store.ErrLocked) {
		err = fmt.Errorf("%w\n(for a running server use --url and --token)", err)
	}
	if err != nil {
		return backup.Summary{}, err
	}
	defer snap.Close()
	return backup.Write(out, snap, size, photos.Dir(data))
}

// backupFromServer streams the server's archive to w, reading it as it
// passes: an archive cut short (the server or the network failed midway)
// is an error, not a backup.
func backupFromServer(ctx context.Context, url, token string, w io.Writer) (backup.Summary, error) {
	var sum backup.Summary
	if token == "" {
		return sum, usageError{"--token is required with --url"}
	}
	// A shop's photos take a while to send: the deadline is generous.
	ctx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(url, "/")+"/api/v1/backup", nil)
	if err != nil {
		return sum, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return sum, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return sum, fmt.Errorf("server answered %s: %s", resp.Status, body)
	}
	// Written as it is read, and read (checked) to its end.
	sum, err = backup.Read(io.TeeReader(resp.Body, w), "", "")
	if err != nil {
		return sum, fmt.Errorf("the server's backup: %w", err)
	}
	return sum, nil
}

// restoreCmd replaces the data file and its photos by a backup (an archive,
// or an older backup of the data file alone); the server must be stopped.
func restoreCmd(args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlags("restore", stdout)
	data := fs.String("data", envDefault(getenv, "BAYBOARD_DATA", DefaultData), "data file to replace (BAYBOARD_DATA)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name one backup file"}
	}
	done, err := backup.Restore(fs.Arg(0), *data, time.Now())
	if err != nil {
		return err
	}
	if done.Plain {
		fmt.Fprintf(stdout, "restored %s from %s (a backup of the data file alone, without photos)\n", *data, fs.Arg(0))
	} else {
		fmt.Fprintf(stdout, "restored %s and %d photos from %s\n", *data, done.Photos, fs.Arg(0))
	}
	if done.Kept != "" {
		fmt.Fprintf(stdout, "the file it replaced is kept as %s until the next successful start\n", done.Kept)
	}
	if done.KeptPhotos != "" {
		fmt.Fprintf(stdout, "the photos it replaced are kept in %s until the next successful start\n", done.KeptPhotos)
	}
	if len(done.Missing) > 0 {
		fmt.Fprintf(stdout, "%d photos the data file refers to are not in the backup:\n", len(done.Missing))
		for _, id := range done.Missing {
			fmt.Fprintf(stdout, "  %s\n", id)
		}
	}
	return nil
}
