package podc

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A service, a job that finds it by member name, a service waiting for the job: up, the
// order from the members' ready times, status, down.
func TestStackGraph(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 2*time.Minute)
	name := uname("stk")
	var lines []string
	st, err := c.StartStack(ctx, StackSpec{Name: name, Session: testSession,
		Progress: func(l string) { lines = append(lines, l) },
		Members: []StackMember{
			{Name: "web", Spec: ServiceSpec{Image: imgHTTP, Ports: map[int]int{8080: 0},
				Checks: []Check{HTTPCheck{Port: 8080, Path: "/healthz"}}}},
			{Name: "probe", Job: true, Spec: ServiceSpec{Image: imgBase,
				Command: []string{busybox, "sh", "-c", "getent hosts web"}},
				DependsOn: map[string]Condition{"web": Healthy}},
			{Name: "after", Spec: ServiceSpec{Image: imgBase, Command: []string{busybox, "sleep", "600"}},
				DependsOn: map[string]Condition{"probe": Completed}},
		}})
	if err != nil {
		t.Fatalf("StartStack: %v", err)
	}
	defer st.Close()
	if len(st.Members) != 3 || !st.Members[1].Job || st.Members[2].Ready < st.Members[1].Ready {
		t.Fatalf("members: %+v", st.Members)
	}
	web := st.Service("web")
	if web == nil || st.Service("probe") != nil {
		t.Fatalf("Service(web) = %v, Service(probe) = %v", web, st.Service("probe"))
	}
	url, err := web.URL(8080, "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := httpGetEventually(t, url, 5*time.Second); code != 200 {
		t.Fatalf("GET %s: %d", url, code)
	}
	status, err := c.StackStatus(ctx, name)
	if err != nil || len(status) != 3 || status[1].Member != "probe" || status[1].ExitCode != 0 {
		t.Fatalf("StackStatus: %+v, %v", status, err)
	}
	if len(lines) == 0 {
		t.Error("no progress lines")
	}
	if err := st.Down(ctx); err != nil {
		t.Fatal(err)
	}
	if web.HostPort(8080) != -1 {
		t.Error("a member's Service still answers after Down")
	}
	if status, _ = c.StackStatus(ctx, name); len(status) != 0 {
		t.Fatalf("left after Down: %+v", status)
	}
}

// A failing job: ErrHealth naming it, its exit code, who waited; nothing left. A cycle: ErrInvalid.
func TestStackFailingJobAndCycle(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 2*time.Minute)
	name := uname("stkf")
	_, err := c.StartStack(ctx, StackSpec{Name: name, Session: testSession, Members: []StackMember{
		{Name: "db", Spec: ServiceSpec{Image: imgBase, Command: []string{busybox, "sleep", "600"}}},
		{Name: "migrate", Job: true, Spec: ServiceSpec{Image: imgBase,
			Command: []string{busybox, "sh", "-c", "echo no such table >&2; exit 3"}},
			DependsOn: map[string]Condition{"db": Started}},
		{Name: "app", Spec: ServiceSpec{Image: imgBase, Command: []string{busybox, "sleep", "600"}},
			DependsOn: map[string]Condition{"migrate": Completed}},
	}})
	pe := asError(t, err)
	if !errors.Is(err, ErrHealth) || pe.ExitCode != 3 || pe.Details["member"] != "migrate" ||
		pe.Details["waiting"] != "app" || !strings.Contains(pe.LogTail, "no such table") {
		t.Fatalf("error: %+v", pe)
	}
	if status, _ := c.StackStatus(ctx, name); len(status) != 0 {
		t.Fatalf("left after the failure: %+v", status)
	}
	_, err = c.StartStack(ctx, StackSpec{Name: uname("cyc"), Members: []StackMember{
		{Name: "a", Spec: ServiceSpec{Image: imgBase}, DependsOn: map[string]Condition{"b": Started}},
		{Name: "b", Spec: ServiceSpec{Image: imgBase}, DependsOn: map[string]Condition{"a": Started}},
	}})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "cycle") {
		t.Fatalf("cycle: %v", err)
	}
}

// The kubernaut-shaped compose file, one image overridden: DataStorage answers.
func TestStartCompose(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	name := uname("cmp")
	var warnings []string
	st, err := c.StartCompose(ctx, ComposeOptions{
		Files:   []string{filepath.Join(topDir(t), "tests", "compose", "kubernaut-ds", "compose.yaml")},
		Project: name, Session: testSession, Images: map[string]string{"datastorage": imgDS},
		Warning: func(w string) { warnings = append(warnings, w) }})
	if err != nil {
		t.Fatalf("StartCompose: %v", err)
	}
	defer st.Down(ctx)
	ds := st.Service("datastorage")
	if ds == nil {
		t.Fatal("no datastorage service")
	}
	url, _ := ds.URL(8081, "/readyz")
	if code, _ := httpGetEventually(t, url, 5*time.Second); code != 200 {
		t.Fatalf("GET %s: %d", url, code)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
	_, err = c.StartCompose(ctx, ComposeOptions{Files: []string{"/nonexistent/compose.yaml"}})
	if !errors.Is(err, ErrFile) {
		t.Fatalf("a missing file: %v", err)
	}
}
