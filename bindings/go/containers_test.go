package podc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestContainerLifecycle(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	name := uname("life")
	removeAtEnd(t, c, name)
	labels := map[string]string{LabelSession: testSession, "podc.go.test": name}

	id, err := c.CreateContainer(ctx, ContainerSpec{
		Name:   name,
		Image:  imgHTTP,
		Env:    map[string]string{"GREETING": "hello-go"},
		Labels: labels,
		Ports:  map[int]int{8080: 0},
	})
	if err != nil {
		t.Fatalf("CreateContainer: %v", err)
	}
	if len(id) != 64 {
		t.Errorf("id %q", id)
	}
	if _, err := c.CreateContainer(ctx, ContainerSpec{Name: name, Image: imgHTTP}); !errors.Is(err, ErrConflict) {
		t.Errorf("second CreateContainer with the same name: %v, want ErrConflict", err)
	}
	if err := c.StartContainer(ctx, name); err != nil {
		t.Fatalf("StartContainer: %v", err)
	}

	info, err := c.InspectContainer(ctx, name)
	if err != nil {
		t.Fatalf("InspectContainer: %v", err)
	}
	if info.ID != id || info.Name != name || info.Status != "running" || !info.Running {
		t.Errorf("inspect: id %s name %s status %s running %v", info.ID, info.Name, info.Status, info.Running)
	}
	if info.Labels["podc.go.test"] != name {
		t.Errorf("labels %v", info.Labels)
	}
	port := info.HostPort(8080, "")
	if port <= 0 {
		t.Fatalf("HostPort(8080) = %d; ports %+v", port, info.Ports)
	}
	if info.HostPort(9999, "") != -1 || info.HostPort(8080, "udp") != -1 {
		t.Errorf("unpublished ports resolve: %+v", info.Ports)
	}
	found := false
	for _, e := range info.Env {
		found = found || e == "GREETING=hello-go"
	}
	if !found {
		t.Errorf("env %v", info.Env)
	}

	status, body := httpGetEventually(t, fmt.Sprintf("http://%s:%d/healthz", c.Host(), port), 30*time.Second)
	if status != 200 {
		t.Errorf("GET /healthz = %d %q", status, body)
	}

	res, err := c.Exec(ctx, name, []string{"echo", "hi"}, nil)
	if err != nil {
		t.Fatalf("Exec echo: %v", err)
	}
	if res.ExitCode != 0 || res.Stdout != "hi\n" || res.Stderr != "" {
		t.Errorf("Exec echo = %+v", res)
	}
	res, err = c.Exec(ctx, name, []string{busybox, "sh", "-c", "echo $GREETING $EXTRA; pwd; echo oops >&2; exit 5"},
		&ExecOptions{Env: map[string]string{"EXTRA": "more"}, Workdir: "/tmp"})
	if err != nil {
		t.Fatalf("Exec sh: %v", err)
	}
	if res.ExitCode != 5 || res.Stdout != "hello-go more\n/tmp\n" || res.Stderr != "oops\n" {
		t.Errorf("Exec sh = %+v", res)
	}

	logs, err := c.Logs(ctx, name, nil)
	if err != nil {
		t.Fatalf("Logs: %v", err)
	}
	if !strings.Contains(logs.Combined, "httpsvc: starting on port 8080") {
		t.Errorf("logs %+v", logs)
	}
	tail, err := c.LogsTail(ctx, name, 1)
	if err != nil || tail == "" || strings.Count(tail, "\n") != 1 || !strings.HasSuffix(logs.Combined, tail) {
		t.Errorf("LogsTail = %q, %v", tail, err)
	}

	list, err := c.ListContainers(ctx, &ListOptions{Labels: map[string]string{"podc.go.test": name}})
	if err != nil {
		t.Fatalf("ListContainers: %v", err)
	}
	if len(list) != 1 || list[0].Name != name || list[0].ID != id || list[0].State != "running" ||
		list[0].Labels["podc.go.test"] != name {
		t.Fatalf("list = %+v", list)
	}
	if len(list[0].Ports) != 1 || list[0].Ports[0].HostPort != port || list[0].Ports[0].ContainerPort != 8080 {
		t.Errorf("listed ports %+v, want host port %d", list[0].Ports, port)
	}

	if err := c.RemoveContainer(ctx, name, false); !errors.Is(err, ErrConflict) {
		t.Errorf("RemoveContainer without force while running: %v, want ErrConflict", err)
	}
	if err := c.StopContainer(ctx, name, 2*time.Second); err != nil {
		t.Fatalf("StopContainer: %v", err)
	}
	info, err = c.InspectContainer(ctx, name)
	if err != nil || info.Running || info.Status == "running" {
		t.Fatalf("after stop: %+v, %v", info, err)
	}
	if err := c.RemoveContainer(ctx, name, false); err != nil {
		t.Fatalf("RemoveContainer: %v", err)
	}
	if ok, err := c.ContainerExists(ctx, name); err != nil || ok {
		t.Errorf("ContainerExists after remove = %v, %v", ok, err)
	}
	list, err = c.ListContainers(ctx, &ListOptions{Labels: map[string]string{"podc.go.test": name}})
	if err != nil || len(list) != 0 {
		t.Errorf("list after remove = %+v, %v", list, err)
	}
}

func TestWaitExitCode(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 2*time.Minute)
	name := uname("wait")
	removeAtEnd(t, c, name)
	if _, err := c.CreateContainer(ctx, ContainerSpec{Name: name, Image: imgBase,
		Labels:  map[string]string{LabelSession: testSession},
		Command: []string{busybox, "sh", "-c", "echo bye; echo err >&2; exit 7"}}); err != nil {
		t.Fatalf("CreateContainer: %v", err)
	}
	if err := c.StartContainer(ctx, name); err != nil {
		t.Fatalf("StartContainer: %v", err)
	}
	code, err := c.WaitContainer(ctx, name, 30*time.Second)
	if err != nil || code != 7 {
		t.Fatalf("WaitContainer = %d, %v; want 7", code, err)
	}
	logs, err := c.Logs(ctx, name, &LogsOptions{Tail: 10})
	if err != nil || logs.Stdout != "bye\n" || logs.Stderr != "err\n" {
		t.Errorf("Logs = %+v, %v", logs, err)
	}
	info, err := c.InspectContainer(ctx, name)
	if err != nil || info.ExitCode != 7 || info.Status != "exited" {
		t.Errorf("inspect after exit: %+v, %v", info, err)
	}
	if _, err := c.Exec(ctx, name, []string{"true"}, nil); !errors.Is(err, ErrConflict) {
		t.Errorf("Exec in a stopped container: %v, want ErrConflict", err)
	}
}

// A context that ends interrupts the podman call in progress (here a log follow that would
// otherwise last as long as the container) and the client stays usable.
func TestContextCancelsFollow(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 2*time.Minute)
	name := uname("follow")
	removeAtEnd(t, c, name)
	if _, err := c.CreateContainer(ctx, ContainerSpec{Name: name, Image: imgBase,
		Labels:  map[string]string{LabelSession: testSession},
		Command: []string{busybox, "sh", "-c", "echo started; exec " + busybox + " sleep 600"}}); err != nil {
		t.Fatalf("CreateContainer: %v", err)
	}
	if err := c.StartContainer(ctx, name); err != nil {
		t.Fatalf("StartContainer: %v", err)
	}
	fctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	_, err := c.Logs(fctx, name, &LogsOptions{Follow: true})
	elapsed := time.Since(t0)
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Logs follow under a 1.5 s context: %v (after %v)", err, elapsed)
	}
	if elapsed > 10*time.Second {
		t.Errorf("cancel took %v", elapsed)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping after cancel: %v", err)
	}
	// Client.Cancel from another goroutine (repeated: a cancel before the call began is void)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(300 * time.Millisecond):
				c.Cancel()
			}
		}
	}()
	_, err = c.Logs(ctx, name, &LogsOptions{Follow: true})
	close(done)
	if !errors.Is(err, ErrCancelled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		t.Fatalf("Logs follow with Client.Cancel: %v", err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping after Cancel: %v", err)
	}
	// an already ended context sends nothing
	if err := c.Ping(fctx); !errors.Is(err, ErrCancelled) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Ping with an ended context: %v", err)
	}
}
