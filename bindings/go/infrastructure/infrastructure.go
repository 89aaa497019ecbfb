// Package infrastructure is kubernaut's test/infrastructure API, as the shared-infrastructure
// proposal shapes it (Part 1: the DataStorage bootstrap, Part 2: generic containers), done by
// libpodc over the libpod REST API instead of the podman CLI. A suite switches by changing its
// import; the semantics are the proposal's, with podc's where they are better: a container that
// exits fails the start at once with its exit code and log tail, nothing a failed start made is
// left behind, networks are created with DNS, a stale container of the same name is replaced.
//
// Every function opens a podc client on the service podman would use (CONTAINER_HOST,
// CONTAINER_CONNECTION, the default connection, the local socket) and closes it again. Progress
// goes to the writer, one line per step, never a password. Errors are *podc.Error: branch with
// errors.Is(err, podc.ErrHealth), podc.ErrConflict, ...
package infrastructure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"podc.dev/podc"
)

// ---- Part 1: the DataStorage bootstrap ----

// DSBootstrapConfig describes a suite's DataStorage stack. Zero values mean the contract's
// defaults: the suite's preset ports when ServiceName is a kubernaut suite (else podc's
// defaults), HealthPort = DataStoragePort + 10000, the upstream images, slm_user /
// test_password / action_history.
type DSBootstrapConfig struct {
	ServiceName string // e.g. "aianalysis", "gateway"

	PostgresPort    int
	RedisPort       int
	DataStoragePort int
	MetricsPort     int
	HealthPort      int

	MigrationsDir string // goose migrations on the host ("" = none)
	ConfigDir     string // mounted at /etc/datastorage ("" = podc writes one into the container)

	PostgresUser     string
	PostgresPassword string
	PostgresDB       string

	PostgresImage    string
	RedisImage       string
	DataStorageImage string

	DataStorageEnv map[string]string
	SkipRedis      bool
}

// DSBootstrapInfra is a running stack.
type DSBootstrapInfra struct {
	ServiceName          string
	Network              string
	PostgresContainer    string
	RedisContainer       string // "" with SkipRedis
	DataStorageContainer string
	ServiceURL           string // DataStorage's API, "http://127.0.0.1:PORT"
	HealthURL            string
	MetricsURL           string
	RedisAddr            string
	PostgresDSN          string // with the password: for the test's own database client
	PostgresDSNMasked    string // for logs

	stack *podc.Stack
}

// StartDSBootstrap brings the stack up: Postgres and Redis side by side, the migrations, then
// DataStorage ready on /readyz.
func StartDSBootstrap(cfg DSBootstrapConfig, writer io.Writer) (*DSBootstrapInfra, error) {
	return StartDSBootstrapContext(context.Background(), cfg, writer)
}

// StartDSBootstrapContext is StartDSBootstrap ended by ctx (what was started is removed).
func StartDSBootstrapContext(ctx context.Context, cfg DSBootstrapConfig, writer io.Writer) (*DSBootstrapInfra, error) {
	c, err := podc.New(nil)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	dc := podc.DataStorageConfig{
		Service:       cfg.ServiceName,
		MigrationsDir: cfg.MigrationsDir,
		ConfigDir:     cfg.ConfigDir,
		Env:           cfg.DataStorageEnv,
		SkipRedis:     cfg.SkipRedis,
		Progress:      lineWriter(writer),
	}
	if isPreset(cfg.ServiceName) {
		dc.Preset = cfg.ServiceName
	}
	dc.Ports = podc.DSPorts{Postgres: cfg.PostgresPort, Redis: cfg.RedisPort, API: cfg.DataStoragePort,
		Metrics: cfg.MetricsPort, Health: cfg.HealthPort}
	dc.Images = podc.DSImages{Postgres: cfg.PostgresImage, Redis: cfg.RedisImage, DataStorage: cfg.DataStorageImage}
	if cfg.PostgresUser != "" || cfg.PostgresPassword != "" || cfg.PostgresDB != "" {
		dc.Credentials = &podc.PostgresCredentials{User: def(cfg.PostgresUser, "slm_user"),
			Password: def(cfg.PostgresPassword, "test_password"), Database: def(cfg.PostgresDB, "action_history")}
	}
	st, err := c.DataStorageUp(ctx, dc)
	if err != nil {
		return nil, err
	}
	infra := &DSBootstrapInfra{
		ServiceName:          st.Service,
		Network:              st.Network,
		PostgresContainer:    st.Containers["postgres"],
		RedisContainer:       st.Containers["redis"],
		DataStorageContainer: st.Containers["datastorage"],
		ServiceURL:           st.APIURL,
		HealthURL:            st.HealthURL,
		MetricsURL:           st.MetricsURL,
		RedisAddr:            st.RedisAddr,
		PostgresDSN:          st.PostgresDSN,
		PostgresDSNMasked:    st.PostgresDSNMasked,
		stack:                st,
	}
	fmt.Fprintf(writer, "DataStorage stack %s is up in %.1fs: %s (postgres %s)\n", infra.ServiceName,
		st.UpTime.Seconds(), infra.ServiceURL, infra.PostgresDSNMasked)
	return infra, nil
}

// StopDSBootstrap takes the stack down side by side: containers, then the network. Missing
// pieces are fine.
func StopDSBootstrap(infra *DSBootstrapInfra, writer io.Writer) error {
	if infra == nil {
		return nil
	}
	c, err := podc.New(nil)
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(writer, "stopping DataStorage stack %s\n", infra.ServiceName)
	return c.DataStorageDown(context.Background(), infra.ServiceName, false)
}

func isPreset(name string) bool {
	for _, p := range podc.DataStoragePresets() {
		if p == name {
			return true
		}
	}
	return false
}

func def(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// ---- Part 2: generic containers ----

// ContainerConfig describes a container for StartContainer. Name and Image are required
// (with BuildContext, Image may be empty: the build's Tag is used).
type ContainerConfig struct {
	Name         string
	Image        string
	BuildContext *ContainerBuildConfig
	// Ports maps host ports to container ports: {18120: 8080} publishes container port 8080
	// on host port 18120 (0 as a host port is not possible here: each host port is a key).
	Ports map[int]int
	Env   map[string]string
	// Network is joined, created with DNS when missing.
	Network string
	// Volumes maps a host path (absolute, or relative to the working directory) or a volume
	// name to "container/path[:options]", e.g. {"/host/cfg": "/etc/app:ro"}.
	Volumes     map[string]string
	HealthCheck *HealthCheckConfig
	// DependsOn names containers that must be running and healthy first.
	DependsOn []string
	// Cmd replaces the image's command; ExtraHosts adds "host:ip" lines to /etc/hosts.
	Cmd        []string
	ExtraHosts []string
}

// ContainerBuildConfig builds the image first (podman's build cache makes a repeat cheap).
type ContainerBuildConfig struct {
	Dockerfile string // relative to ContextDir
	ContextDir string // "" = the working directory
	Tag        string // the image built (default: ContainerConfig.Image)
	Args       map[string]string
}

// HealthCheckConfig says when the container is ready. Type is "http" when URL is set, "tcp"
// when Port is set, "exec" with ExecCommand. An HTTP URL names a host port of Ports
// ("http://localhost:18120/health"); a TCP Port is a host port of Ports or a container port.
type HealthCheckConfig struct {
	Type           string
	URL            string
	Port           int
	ExecCommand    []string
	Timeout        time.Duration // until healthy (default 30 s)
	Interval       time.Duration // between tries (default 1 s)
	ExpectedStatus int           // HTTP (default 200)
}

// Container is a running container.
type Container struct {
	Name    string
	Image   string
	ID      string
	Network string
	Ports   map[int]int // host -> container, as configured
}

// StartContainer builds the image if asked, creates the network when missing, replaces a
// stale container of the same name, starts the container and waits for its health check. A
// container that exits meanwhile fails it at once (podc.ErrHealth with the exit code and the
// last log lines); whatever the call made is removed again.
func StartContainer(cfg ContainerConfig, writer io.Writer) (*Container, error) {
	return StartContainerContext(context.Background(), cfg, writer)
}

// StartContainerContext is StartContainer ended by ctx (what was started is removed).
func StartContainerContext(ctx context.Context, cfg ContainerConfig, writer io.Writer) (*Container, error) {
	spec, err := serviceSpec(cfg, writer)
	if err != nil {
		return nil, err
	}
	c, err := podc.New(nil)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	fmt.Fprintf(writer, "starting container %s (%s)\n", cfg.Name, spec.Image)
	svc, err := c.StartService(ctx, spec)
	if err != nil {
		return nil, err
	}
	defer svc.Close() // the handle only: the container keeps running
	fmt.Fprintf(writer, "container %s is ready in %.1fs\n", cfg.Name, svc.StartupTime.Seconds())
	ports := map[int]int{}
	for h, p := range cfg.Ports {
		ports[h] = p
	}
	return &Container{Name: svc.Name, Image: spec.Image, ID: svc.ID, Network: svc.Network, Ports: ports}, nil
}

// StopContainer stops and removes the container (a missing one is fine).
func StopContainer(name string, writer io.Writer) error {
	c, err := podc.New(nil)
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(writer, "stopping container %s\n", name)
	err = c.RemoveContainer(context.Background(), name, true)
	if errors.Is(err, podc.ErrNotFound) {
		return nil
	}
	return err
}

// invalid is the *podc.Error of input refused before anything is sent.
func invalid(field, message string) error {
	return &podc.Error{Code: podc.ErrInvalid, Category: podc.ErrInvalid.Name(), Message: field + ": " + message,
		Details: map[string]string{"field": field}}
}

// serviceSpec turns the proposal's config into podc's service spec; bad input is an
// ErrInvalid naming the field before anything is sent.
func serviceSpec(cfg ContainerConfig, writer io.Writer) (podc.ServiceSpec, error) {
	s := podc.ServiceSpec{
		Name:      cfg.Name,
		Image:     cfg.Image,
		Network:   cfg.Network,
		Env:       cfg.Env,
		DependsOn: cfg.DependsOn,
		Command:   cfg.Cmd,
		Ports:     map[int]int{},
		Progress:  lineWriter(writer),
	}
	if b := cfg.BuildContext; b != nil {
		if b.Tag != "" {
			s.Image = b.Tag
		}
		ctxDir := def(b.ContextDir, ".")
		abs, err := filepath.Abs(ctxDir)
		if err != nil {
			return s, invalid("BuildContext.ContextDir", err.Error())
		}
		s.Build = &podc.Build{Context: abs, Containerfile: b.Dockerfile, Args: b.Args}
	}
	for host, ctr := range cfg.Ports {
		s.Ports[ctr] = host // podc's map is container -> host
	}
	if len(cfg.ExtraHosts) > 0 {
		s.Hosts = map[string]string{}
		for _, eh := range cfg.ExtraHosts {
			i := strings.LastIndex(eh, ":")
			if i <= 0 {
				return s, invalid("ExtraHosts", fmt.Sprintf("%q is not host:ip", eh))
			}
			s.Hosts[eh[:i]] = eh[i+1:]
		}
	}
	keys := make([]string, 0, len(cfg.Volumes))
	for k := range cfg.Volumes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, src := range keys {
		parts := strings.Split(cfg.Volumes[src], ":")
		dest, opts := parts[0], parts[1:]
		if strings.HasPrefix(src, "/") || strings.HasPrefix(src, ".") {
			abs, err := filepath.Abs(src)
			if err != nil {
				return s, invalid("Volumes", err.Error())
			}
			s.Binds = append(s.Binds, podc.Bind{Source: abs, Destination: dest, Options: opts})
		} else {
			s.Volumes = append(s.Volumes, podc.Volume{Name: src, Destination: dest, Options: opts})
		}
	}
	if hc := cfg.HealthCheck; hc != nil {
		check, err := healthCheck(hc, cfg.Ports)
		if err != nil {
			return s, err
		}
		s.Checks = []podc.Check{check}
		s.StartupTimeout = hc.Timeout
		if s.StartupTimeout == 0 {
			s.StartupTimeout = 30 * time.Second
		}
		interval := hc.Interval
		if interval == 0 {
			interval = time.Second
		}
		// the proposal's fixed interval, with podc's quick first tries (a fast service is
		// seen at once; the interval applies from then on)
		s.PollInitial, s.PollMax = 50*time.Millisecond, interval
	}
	return s, nil
}

func healthCheck(hc *HealthCheckConfig, ports map[int]int) (podc.Check, error) {
	typ := hc.Type
	if typ == "" {
		switch {
		case hc.URL != "":
			typ = "http"
		case hc.Port != 0:
			typ = "tcp"
		case len(hc.ExecCommand) > 0:
			typ = "exec"
		}
	}
	switch typ {
	case "http":
		u, err := url.Parse(hc.URL)
		if err != nil || u.Port() == "" {
			return nil, invalid("HealthCheck.URL", fmt.Sprintf("%q: want http://HOST:PORT/path", hc.URL))
		}
		hostPort, _ := strconv.Atoi(u.Port())
		ctr, ok := ports[hostPort]
		if !ok {
			return nil, invalid("HealthCheck.URL", fmt.Sprintf("port %d of %q is not a host port of Ports", hostPort, hc.URL))
		}
		path := u.RequestURI()
		return podc.HTTPCheck{Port: ctr, Path: path, Status: hc.ExpectedStatus}, nil
	case "tcp":
		if ctr, ok := ports[hc.Port]; ok {
			return podc.TCPCheck{Port: ctr}, nil
		}
		return podc.TCPCheck{Port: hc.Port}, nil
	case "exec":
		if len(hc.ExecCommand) == 0 {
			return nil, invalid("HealthCheck.ExecCommand", "an exec check needs a command")
		}
		return podc.ExecCheck{Argv: hc.ExecCommand}, nil
	}
	return nil, invalid("HealthCheck.Type", fmt.Sprintf("%q: want http, tcp or exec (or a URL, Port or ExecCommand)", typ))
}

// lineWriter sends each progress line to w (nil: nowhere); the library serialises the calls.
func lineWriter(w io.Writer) func(string) {
	if w == nil {
		return nil
	}
	var mu sync.Mutex
	return func(line string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(w, line)
	}
}
