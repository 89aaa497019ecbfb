package infrastructure

// Run against the real podman service like the podc package's tests (bindings/go/run-tests.sh),
// with the project's offline images.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"podc.dev/podc"
)

const (
	imgBase     = "localhost/podc-base:latest"
	imgHTTP     = "localhost/podc-httpsvc:test"
	imgPostgres = "localhost/podc-postgres:test"
	imgRedis    = "localhost/podc-redis:test"
	imgDS       = "localhost/podc-datastorage:test"
)

func migrationsDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "tests", "images", "datastorage", "migrations")
}

// freePort is a host port nothing listens on now (the kernel's pick).
func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		if t == nil { // an Example has no T
			panic(err)
		}
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func uname(suffix string) string { return fmt.Sprintf("podc-infra-%d-%s", os.Getpid(), suffix) }

func leftovers(t *testing.T, label, value string) int {
	c, err := podc.New(nil)
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	defer c.Close()
	l, err := c.ListContainers(context.Background(), &podc.ListOptions{Labels: map[string]string{label: value}})
	if err != nil {
		t.Fatalf("ListContainers: %v", err)
	}
	return len(l)
}

// A suite's flow: the stack up, its DSN answering, a service of the suite's on the stack's
// network gated on DataStorage, then both down and nothing left.
func TestSuiteFlow(t *testing.T) {
	var log strings.Builder
	service := uname("suite")
	infra, err := StartDSBootstrap(DSBootstrapConfig{
		ServiceName:      service,
		PostgresPort:     freePort(t),
		RedisPort:        freePort(t),
		DataStoragePort:  freePort(t),
		MetricsPort:      freePort(t),
		HealthPort:       freePort(t),
		MigrationsDir:    migrationsDir(),
		PostgresImage:    imgPostgres,
		RedisImage:       imgRedis,
		DataStorageImage: imgDS,
	}, &log)
	if err != nil {
		t.Fatalf("StartDSBootstrap: %v\n%s", err, log.String())
	}
	t.Cleanup(func() { _ = StopDSBootstrap(infra, io.Discard) })
	if strings.Contains(log.String(), "test_password") {
		t.Errorf("a password in the progress:\n%s", log.String())
	}
	hostPort := strings.SplitN(strings.SplitN(infra.PostgresDSN, "@", 2)[1], "/", 2)[0]
	conn, err := net.DialTimeout("tcp", hostPort, 5*time.Second)
	if err != nil {
		t.Fatalf("the DSN's %s: %v", hostPort, err)
	}
	conn.Close()
	if resp, err := http.Get(infra.HealthURL + "/readyz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	web := uname("web")
	port := freePort(t)
	ctr, err := StartContainer(ContainerConfig{
		Name:      web,
		Image:     imgHTTP,
		Ports:     map[int]int{port: 8080},
		Env:       map[string]string{"DATASTORAGE_URL": "http://" + infra.DataStorageContainer + ":8080"},
		Network:   infra.Network,
		DependsOn: []string{infra.DataStorageContainer},
		HealthCheck: &HealthCheckConfig{
			URL:     fmt.Sprintf("http://127.0.0.1:%d/healthz", port),
			Timeout: 60 * time.Second,
		},
	}, &log)
	if err != nil {
		t.Fatalf("StartContainer: %v\n%s", err, log.String())
	}
	if ctr.ID == "" || ctr.Network != infra.Network || ctr.Ports[port] != 8080 {
		t.Errorf("Container = %+v", ctr)
	}
	if resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", port)); err != nil || resp.StatusCode != 200 {
		t.Errorf("the container's /healthz: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if err := StopContainer(web, &log); err != nil {
		t.Errorf("StopContainer: %v", err)
	}
	if err := StopContainer(web, &log); err != nil { // a missing one is fine
		t.Errorf("StopContainer again: %v", err)
	}
	if err := StopDSBootstrap(infra, &log); err != nil {
		t.Fatalf("StopDSBootstrap: %v", err)
	}
	if n := leftovers(t, podc.LabelStack, service); n != 0 {
		t.Errorf("%d containers of the stack left", n)
	}
}

// A container that exits fails the start at once with its exit code and log tail, and is
// removed.
func TestStartContainerFailsFast(t *testing.T) {
	name := uname("exit3")
	port := freePort(t)
	t0 := time.Now()
	_, err := StartContainer(ContainerConfig{
		Name:  name,
		Image: imgBase,
		Cmd:   []string{"/bin/busybox", "sh", "-c", "echo bye; sleep 0.3; exit 3"},
		Ports: map[int]int{port: 8080},
		HealthCheck: &HealthCheckConfig{URL: fmt.Sprintf("http://127.0.0.1:%d/never", port),
			Timeout: 60 * time.Second},
	}, io.Discard)
	took := time.Since(t0)
	var pe *podc.Error
	if !errors.Is(err, podc.ErrHealth) || !errors.As(err, &pe) || !pe.HasExitCode || pe.ExitCode != 3 ||
		!strings.Contains(pe.LogTail, "bye") {
		t.Fatalf("StartContainer of a container that exits 3: %v", err)
	}
	if took > 20*time.Second {
		t.Errorf("failed after %v", took)
	}
	c, _ := podc.New(nil)
	defer c.Close()
	if ok, err := c.ContainerExists(context.Background(), name); err != nil || ok {
		t.Errorf("ContainerExists after the failure = %v, %v", ok, err)
	}
}

func TestBadInputSendsNothing(t *testing.T) {
	cases := []struct {
		cfg   ContainerConfig
		field string
	}{
		{ContainerConfig{Name: uname("bad1"), Image: imgBase, Ports: map[int]int{18555: 80},
			HealthCheck: &HealthCheckConfig{URL: "http://127.0.0.1:18556/health"}}, "HealthCheck.URL"},
		{ContainerConfig{Name: uname("bad2"), Image: imgBase, HealthCheck: &HealthCheckConfig{Type: "smoke"}},
			"HealthCheck.Type"},
		{ContainerConfig{Name: uname("bad3"), Image: imgBase, ExtraHosts: []string{"nocolon"}}, "ExtraHosts"},
	}
	for _, tc := range cases {
		_, err := StartContainer(tc.cfg, io.Discard)
		var pe *podc.Error
		if !errors.Is(err, podc.ErrInvalid) || !errors.As(err, &pe) || pe.Details["field"] != tc.field {
			t.Errorf("%s: %v, want ErrInvalid naming %s", tc.cfg.Name, err, tc.field)
		}
	}
}

// The proposal's Example 1 (AIAnalysis): the DataStorage stack, then a service on its network.
func Example() {
	infra, err := StartDSBootstrap(DSBootstrapConfig{
		ServiceName:      uname("example"),
		PostgresPort:     freePort(nil),
		RedisPort:        freePort(nil),
		DataStoragePort:  freePort(nil),
		MetricsPort:      freePort(nil),
		HealthPort:       freePort(nil),
		MigrationsDir:    migrationsDir(),
		PostgresImage:    imgPostgres,
		RedisImage:       imgRedis,
		DataStorageImage: imgDS,
	}, io.Discard)
	if err != nil {
		fmt.Println("StartDSBootstrap:", err)
		return
	}
	defer StopDSBootstrap(infra, io.Discard)
	port := freePort(nil)
	api, err := StartContainer(ContainerConfig{
		Name:        uname("example-api"),
		Image:       imgHTTP,
		Ports:       map[int]int{port: 8080},
		Env:         map[string]string{"DATASTORAGE_URL": "http://" + infra.DataStorageContainer + ":8080"},
		Network:     infra.Network,
		HealthCheck: &HealthCheckConfig{URL: fmt.Sprintf("http://localhost:%d/healthz", port)},
	}, io.Discard)
	if err != nil {
		fmt.Println("StartContainer:", err)
		return
	}
	defer StopContainer(api.Name, io.Discard)
	fmt.Println("stack on", strings.TrimPrefix(infra.Network, infra.ServiceName))
	fmt.Println("api on the stack's network:", api.Network == infra.Network)
	// Output:
	// stack on _test_network
	// api on the stack's network: true
}
