package podc

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNotFoundError(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, time.Minute)
	name := uname("missing")
	info, err := c.InspectContainer(ctx, name)
	if info != nil || err == nil {
		t.Fatalf("InspectContainer(%s) = %v, %v; want an error", name, info, err)
	}
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("error %v does not match ErrNotFound", err)
	}
	if errors.Is(err, ErrInvalid) || errors.Is(err, ErrConflict) {
		t.Errorf("error %v matches another category", err)
	}
	e := asError(t, err)
	if e.Code != ErrNotFound || e.Category != "not_found" {
		t.Errorf("code %d category %q", e.Code, e.Category)
	}
	if e.HTTPStatus != 404 {
		t.Errorf("HTTPStatus = %d, want 404", e.HTTPStatus)
	}
	if e.Container != name {
		t.Errorf("Container = %q, want %q", e.Container, name)
	}
	if e.Cause == "" || e.Method != "GET" || !strings.Contains(e.Path, name) {
		t.Errorf("cause %q, request %s %s", e.Cause, e.Method, e.Path)
	}
	if !strings.Contains(e.Error(), name) {
		t.Errorf("message %q does not name the container", e.Error())
	}
	if e.HasExitCode {
		t.Errorf("a missing container has an exit code: %d", e.ExitCode)
	}
	if !strings.Contains(e.JSON, `"category":"not_found"`) && !strings.Contains(e.JSON, `"category": "not_found"`) {
		t.Errorf("JSON = %s", e.JSON)
	}
	exists, err := c.ContainerExists(ctx, name)
	if err != nil || exists {
		t.Errorf("ContainerExists = %v, %v", exists, err)
	}
	// other calls on a missing container fail the same way
	if err := c.RemoveContainer(ctx, name, true); !errors.Is(err, ErrNotFound) {
		t.Errorf("RemoveContainer: %v, want ErrNotFound", err)
	}
	if _, err := c.Exec(ctx, name, []string{"true"}, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("Exec: %v, want ErrNotFound", err)
	}
	if _, err := c.Logs(ctx, name, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("Logs: %v, want ErrNotFound", err)
	}
}

func TestInvalidNameNothingSent(t *testing.T) {
	c := newClient(t) // fresh: no request has been answered yet
	ctx := testCtx(t, time.Minute)
	_, err := c.InspectContainer(ctx, "bad name!")
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("InspectContainer(bad name): %v, want ErrInvalid", err)
	}
	e := asError(t, err)
	if e.Category != "invalid_input" || e.Details["field"] != "name" {
		t.Errorf("category %q details %v", e.Category, e.Details)
	}
	if e.HTTPStatus != 0 {
		t.Errorf("HTTPStatus = %d: a request was answered", e.HTTPStatus)
	}

	_, err = c.CreateContainer(ctx, ContainerSpec{Name: "-bad", Image: imgBase, Command: []string{"true"}})
	if !errors.Is(err, ErrInvalid) || asError(t, err).Details["field"] == "" {
		t.Errorf("CreateContainer(-bad): %v", err)
	}
	_, err = c.StartService(ctx, ServiceSpec{Name: "bad/name", Image: imgBase, Command: []string{"true"}})
	if !errors.Is(err, ErrInvalid) || asError(t, err).Details["field"] == "" {
		t.Errorf("StartService(bad/name): %v", err)
	}
	_, err = c.StartService(ctx, ServiceSpec{Name: uname("badport"), Image: imgBase, Ports: map[int]int{70000: 0}})
	if !errors.Is(err, ErrInvalid) || asError(t, err).Details["field"] != "ports" ||
		err.Error() != "ports: podc_service_spec_add_port: invalid input" { // the C setter's own message
		t.Errorf("StartService with port 70000: %v", err)
	}
	_, err = c.StartService(ctx, ServiceSpec{Name: uname("badmem"), Image: imgBase, MemoryLimit: -1})
	if !errors.Is(err, ErrInvalid) || asError(t, err).Details["field"] != "memory_limit" {
		t.Errorf("StartService with memory limit -1: %v", err)
	}
	_, err = c.Exec(ctx, "x", nil, nil)
	if !errors.Is(err, ErrInvalid) || asError(t, err).Details["field"] != "argv" {
		t.Errorf("Exec with empty argv: %v", err)
	}
	// libpodc checked all of it before sending anything: no reply was ever received
	if got := c.ServerAPIVersion(); got != "" {
		t.Errorf("ServerAPIVersion = %q: something was sent", got)
	}
}
