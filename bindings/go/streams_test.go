package podc

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// a running busybox container that printed one line on each stream
func sleeper(t *testing.T, c *Client, ctx context.Context, tag string) string {
	t.Helper()
	name := uname(tag)
	removeAtEnd(t, c, name)
	svc, err := c.StartService(ctx, ServiceSpec{Name: name, Image: imgBase, Session: testSession,
		Command: []string{busybox, "sh", "-c", "echo to-out; echo to-err >&2; exec " + busybox + " sleep 600"},
		Checks:  []Check{LogCheck{Regex: "^to-err$"}}})
	if err != nil {
		t.Fatalf("StartService: %v", err)
	}
	svc.Close()
	return name
}

func TestStreamLogsAndExecStream(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 2*time.Minute)
	name := sleeper(t, c, ctx, "stream")
	var out, errb bytes.Buffer
	if err := c.StreamLogs(ctx, name, nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if out.String() != "to-out\n" || errb.String() != "to-err\n" {
		t.Errorf("logs: stdout %q, stderr %q", out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	code, err := c.ExecStream(ctx, name, []string{busybox, "sh", "-c", "echo o1; echo e1 >&2; echo o2; exit 3"}, nil, &out, &errb)
	if err != nil || code != 3 || out.String() != "o1\no2\n" || errb.String() != "e1\n" {
		t.Errorf("exec: code %d, stdout %q, stderr %q, %v", code, out.String(), errb.String(), err)
	}
	// a writer that fails stops the call with its own error
	boom := errors.New("disk full")
	_, err = c.ExecStream(ctx, name, []string{busybox, "echo", "x"}, nil, failWriter{boom}, nil)
	if !errors.Is(err, boom) {
		t.Errorf("a failing writer: %v, want %v", err, boom)
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func TestCopyInOut(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 2*time.Minute)
	name := sleeper(t, c, ctx, "copy")
	var archive bytes.Buffer
	tw := tar.NewWriter(&archive)
	body := strings.Repeat("podc copy\n", 5000) // 50 kB: several reads
	if err := tw.WriteHeader(&tar.Header{Name: "conf/app.ini", Mode: 0o644, Size: int64(len(body))}); err != nil {
		t.Fatal(err)
	}
	io.WriteString(tw, body)
	tw.Close()
	if err := c.CopyIn(ctx, name, "/srv", &archive); err != nil {
		t.Fatalf("CopyIn: %v", err)
	}
	var got bytes.Buffer
	if err := c.CopyOut(ctx, name, "/srv/conf/app.ini", &got); err != nil {
		t.Fatalf("CopyOut: %v", err)
	}
	tr := tar.NewReader(&got)
	h, err := tr.Next()
	if err != nil {
		t.Fatal(err)
	}
	content, _ := io.ReadAll(tr)
	if h.Name != "app.ini" || string(content) != body {
		t.Errorf("copied back %q (%d bytes)", h.Name, len(content))
	}
	if err := c.CopyOut(ctx, name, "/nonexistent", io.Discard); !errors.Is(err, ErrNotFound) {
		t.Errorf("CopyOut of a missing path: %v", err)
	}
}

func TestEvents(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 2*time.Minute)
	name := uname("ev")
	removeAtEnd(t, c, name)
	watcher, err := NewLike(c)
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Close()
	var mu sync.Mutex
	var seen []string
	done := make(chan error, 1)
	go func() {
		done <- watcher.Events(ctx, &EventsOptions{Filters: map[string][]string{"container": {name}, "type": {"container"}}},
			func(e Event) bool {
				mu.Lock()
				defer mu.Unlock()
				seen = append(seen, e.Action)
				return e.Action != "start"
			})
	}()
	time.Sleep(300 * time.Millisecond) // the stream is open before the container is made
	if _, err := c.CreateContainer(ctx, ContainerSpec{Name: name, Image: imgBase,
		Command: []string{busybox, "sleep", "600"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.StartContainer(ctx, name); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		mu.Lock()
		defer mu.Unlock()
		if err != nil || len(seen) == 0 || seen[len(seen)-1] != "start" {
			t.Errorf("events %v, %v", seen, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no start event within 30 s")
	}
	// a replay of the window delivers the create too, and returns
	var actions []string
	err = c.Events(ctx, &EventsOptions{Filters: map[string][]string{"container": {name}}, Since: "5m", Replay: true},
		func(e Event) bool { actions = append(actions, e.Action); return true })
	if err != nil || !strings.Contains(strings.Join(actions, ","), "create") {
		t.Errorf("replay: %v, %v", actions, err)
	}
	// the end of ctx ends a live stream
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	err = c.Events(short, nil, func(Event) bool { return true })
	if !errors.Is(err, ErrCancelled) {
		t.Errorf("a live stream at the end of its context: %v", err)
	}
}

func TestBuildAndListImages(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Containerfile"), []byte("FROM "+imgBase+"\nARG GREETING\nRUN echo \"built: $GREETING\"\n"), 0o644)
	tag := "localhost/" + uname("gobuild") + ":1"
	var progress bytes.Buffer
	id, err := c.BuildImage(ctx, dir, &BuildOptions{Tags: []string{tag}, Args: map[string]string{"GREETING": "hello"},
		Labels: map[string]string{"podc.go.test": "build"}, PullNever: true}, &progress)
	if err != nil {
		t.Fatalf("BuildImage: %v", err)
	}
	defer c.RemoveImage(context.Background(), id, true)
	if len(id) != 64 || !strings.Contains(progress.String(), "built: hello") {
		t.Errorf("id %q, progress %q", id, progress.String())
	}
	list, err := c.ListImages(ctx, &ImageListOptions{Labels: map[string]string{"podc.go.test": "build"}})
	if err != nil || len(list) == 0 {
		t.Fatalf("ListImages: %v, %v", list, err)
	}
	found := false
	for _, img := range list {
		found = found || (img.ID == id && len(img.Tags) == 1 && img.Tags[0] == tag && img.Labels["podc.go.test"] == "build")
	}
	if !found {
		t.Errorf("%s not in %+v", id, list)
	}
	os.WriteFile(filepath.Join(dir, "Containerfile"), []byte("FROM "+imgBase+"\nRUN echo failing step; exit 3\n"), 0o644)
	_, err = c.BuildImage(ctx, dir, &BuildOptions{PullNever: true}, nil)
	if pe := asError(t, err); !errors.Is(err, ErrBuild) || !strings.Contains(pe.LogTail, "failing step") {
		t.Errorf("a failing build: %+v", pe)
	}
}
