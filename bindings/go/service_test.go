package podc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServiceHTTP(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	name := uname("web")
	removeAtEnd(t, c, name)
	var lines []string
	svc, err := c.StartService(ctx, ServiceSpec{
		Name:           name,
		Image:          imgHTTP,
		Ports:          map[int]int{8080: 0},
		Labels:         map[string]string{"podc.go.test": name},
		Checks:         []Check{HTTPCheck{Port: 8080, Path: "/healthz"}, TCPCheck{Port: 8080}},
		Session:        testSession,
		StartupTimeout: time.Minute,
		Progress:       func(line string) { lines = append(lines, line) },
	})
	if err != nil {
		t.Fatalf("StartService: %v", err)
	}
	t.Cleanup(func() { _ = svc.Stop(context.Background()) })
	if svc.Name != name || len(svc.ID) != 64 || svc.Session != testSession {
		t.Errorf("service %+v", svc)
	}
	port := svc.HostPort(8080)
	if port <= 0 || svc.HostPort(9999) != -1 {
		t.Fatalf("HostPort(8080) = %d, HostPort(9999) = %d", port, svc.HostPort(9999))
	}
	url, err := svc.URL(8080, "/healthz")
	if svc.Host() == "" || svc.Host() != c.Host() {
		t.Errorf("service host %q, client host %q", svc.Host(), c.Host())
	}
	if err != nil || url != fmt.Sprintf("http://%s:%d/healthz", svc.Host(), port) {
		t.Fatalf("URL = %q, %v", url, err)
	}
	if _, err := svc.URL(9999, "/"); !errors.Is(err, ErrNotFound) {
		t.Errorf("URL of an unpublished port: %v, want ErrNotFound", err)
	}
	status, body, err := httpGet(url)
	if err != nil || status != 200 {
		t.Errorf("GET %s = %d %q, %v", url, status, body, err)
	}
	if len(lines) == 0 || !strings.Contains(strings.Join(lines, "\n"), name) {
		t.Errorf("progress lines %q", lines)
	}
	list, err := c.ListContainers(ctx, &ListOptions{Labels: map[string]string{LabelSession: testSession, "podc.go.test": name}})
	if err != nil || len(list) != 1 || list[0].State != "running" {
		t.Errorf("list = %+v, %v", list, err)
	}

	if err := svc.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if ok, err := c.ContainerExists(ctx, name); err != nil || ok {
		t.Errorf("ContainerExists after Stop = %v, %v", ok, err)
	}
	if err := svc.Stop(ctx); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if svc.HostPort(8080) != -1 {
		t.Errorf("HostPort after Stop = %d", svc.HostPort(8080))
	}
}

func TestServiceExitFailsFast(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	name := uname("exit3")
	removeAtEnd(t, c, name)
	t0 := time.Now()
	svc, err := c.StartService(ctx, ServiceSpec{
		Name:    name,
		Image:   imgBase,
		Command: []string{busybox, "sh", "-c", "echo out-before-exit; echo err-before-exit >&2; sleep 1; exit 3"},
		Labels:  map[string]string{"podc.go.test": name},
		Checks:  []Check{LogCheck{Regex: "^never-printed$"}},
		Session: testSession,
		// far longer than the test allows: only the exit can end the start in time
		StartupTimeout: 2 * time.Minute,
	})
	elapsed := time.Since(t0)
	if svc != nil || !errors.Is(err, ErrHealth) {
		t.Fatalf("StartService = %v, %v; want ErrHealth", svc, err)
	}
	e := asError(t, err)
	if e.Category != "health_check" || e.Container != name {
		t.Errorf("category %q container %q", e.Category, e.Container)
	}
	if !e.HasExitCode || e.ExitCode != 3 {
		t.Errorf("exit code %d (known %v), want 3", e.ExitCode, e.HasExitCode)
	}
	if !strings.Contains(e.LogTail, "out-before-exit") || !strings.Contains(e.LogTail, "err-before-exit") {
		t.Errorf("log tail %q", e.LogTail)
	}
	if elapsed > 30*time.Second {
		t.Errorf("the start took %v: it did not fail fast", elapsed)
	}
	// a failed start leaves nothing behind
	list, err := c.ListContainers(ctx, &ListOptions{Labels: map[string]string{LabelSession: testSession, "podc.go.test": name}})
	if err != nil || len(list) != 0 {
		t.Errorf("containers left = %+v, %v", list, err)
	}
	if ok, err := c.ContainerExists(ctx, name); err != nil || ok {
		t.Errorf("ContainerExists = %v, %v", ok, err)
	}
}

// The end of the context stops a start at its next step; the start then removes what it made.
func TestServiceContextCancel(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	name := uname("cancel")
	removeAtEnd(t, c, name)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	var lines []string
	_, err := c.StartService(sctx, ServiceSpec{
		Name:    name,
		Image:   imgBase,
		Command: []string{busybox, "sleep", "600"},
		Session: testSession,
		Progress: func(line string) {
			mu.Lock()
			defer mu.Unlock()
			lines = append(lines, line)
			if strings.Contains(line, "created container") {
				cancel() // the container exists now: the start must remove it
			}
		},
	})
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("StartService with a cancelled context: %v; progress %q", err, lines)
	}
	mu.Lock()
	all := strings.Join(lines, "\n")
	mu.Unlock()
	if !strings.Contains(all, "created container") || !strings.Contains(all, "removed container") {
		t.Errorf("progress %q: want a container created, then removed", all)
	}
	if ok, err := c.ContainerExists(ctx, name); err != nil || ok {
		t.Errorf("ContainerExists after a cancelled start = %v, %v", ok, err)
	}
}

// The end of the context reaches a start in its health wait (no step comes there): it returns
// within a poll, after removing the container.
func TestServiceContextCancelDuringHealthWait(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	name := uname("cancelwait")
	removeAtEnd(t, c, name)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var cancelledAt time.Time
	var mu sync.Mutex
	_, err := c.StartService(sctx, ServiceSpec{
		Name:           name,
		Image:          imgBase,
		Command:        []string{busybox, "sleep", "600"},
		Session:        testSession,
		StartupTimeout: 60 * time.Second,
		Checks:         []Check{LogCheck{Regex: "^never-printed$"}},
		Progress: func(line string) {
			if strings.HasSuffix(line, "started") {
				time.AfterFunc(500*time.Millisecond, func() {
					mu.Lock()
					cancelledAt = time.Now()
					mu.Unlock()
					cancel()
				})
			}
		},
	})
	returned := time.Now()
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("StartService cancelled in its health wait: %v", err)
	}
	mu.Lock()
	took := returned.Sub(cancelledAt)
	mu.Unlock()
	if took > 3*time.Second {
		t.Errorf("StartService returned %v after the cancel", took)
	}
	if ok, err := c.ContainerExists(ctx, name); err != nil || ok {
		t.Errorf("ContainerExists after a cancelled start = %v, %v", ok, err)
	}
}

// A panic in the progress callback never crosses C: the start stops, cleans up, and the
// panic comes out of StartService.
func TestServiceProgressPanic(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	name := uname("panic")
	removeAtEnd(t, c, name)
	type boom struct{ line string }
	var recovered interface{}
	calls := 0
	func() {
		defer func() { recovered = recover() }()
		_, _ = c.StartService(ctx, ServiceSpec{
			Name:    name,
			Image:   imgBase,
			Command: []string{busybox, "sleep", "600"},
			Session: testSession,
			Progress: func(line string) {
				calls++
				if strings.Contains(line, "created container") {
					panic(boom{line})
				}
			},
		})
	}()
	if b, ok := recovered.(boom); !ok || !strings.Contains(b.line, name) {
		t.Fatalf("recovered %v, want the callback's panic", recovered)
	}
	if calls < 2 {
		t.Errorf("progress called %d times", calls)
	}
	if ok, err := c.ContainerExists(ctx, name); err != nil || ok {
		t.Errorf("ContainerExists after the panic = %v, %v", ok, err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Errorf("client unusable after the panic: %v", err)
	}
}

// The container's own fields of a service: user, workdir, a tmpfs and ulimits (these on the
// container spec the service spec holds), read back from the container's process.
func TestServiceProcessFields(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 2*time.Minute)
	name := uname("procf")
	removeAtEnd(t, c, name)
	svc, err := c.StartService(ctx, ServiceSpec{Name: name, Image: imgBase, Session: testSession,
		Command: []string{busybox, "sh", "-c", "echo up; exec " + busybox + " sleep 600"},
		User:    "65534:65534", Workdir: "/scratch",
		Tmpfs:   []Tmpfs{{Destination: "/scratch", Options: []string{"size=8m"}}},
		Ulimits: map[string]Ulimit{"nofile": {Soft: 1000, Hard: 1024}, "nproc": {Soft: 512, Hard: 512}},
		Checks:  []Check{LogCheck{Regex: "^up$"}}})
	if err != nil {
		t.Fatalf("StartService: %v", err)
	}
	svc.Close()
	r, err := c.Exec(ctx, name, []string{busybox, "sh", "-c",
		"id -u; pwd; grep -E '^Max (open files|processes) ' /proc/1/limits; grep ' /scratch ' /proc/mounts"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := r.Stdout
	for _, want := range []string{"65534\n/scratch\n", "size=8192k"} {
		if !strings.Contains(out, want) {
			t.Errorf("%q not in %q", want, out)
		}
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"Max open files 1000 1024 ", "Max processes 512 512 "} {
		if !strings.Contains(flat, want) {
			t.Errorf("limits: %q not in %q", want, out)
		}
	}
	// nofile without nproc: refused before anything is sent
	_, err = c.StartService(ctx, ServiceSpec{Name: uname("ulim"), Image: imgBase,
		Ulimits: map[string]Ulimit{"nofile": {Soft: 100, Hard: 100}}})
	if !errors.Is(err, ErrInvalid) || asError(t, err).Details["field"] != "rlimits" {
		t.Errorf("nofile alone: %v", err)
	}
}
