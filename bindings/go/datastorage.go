package podc

/*
#include <stdint.h>
#include <stdlib.h>
#include <podc.h>

extern int podcGoProgress(char *line, uintptr_t h);

static int podc_go_ds_progress(const char *line, void *ud)
{
    return podcGoProgress((char *)line, (uintptr_t)ud);
}

static int podc_go_ds_set_progress(podc_ds_config *cfg, uintptr_t h, podc_error **err)
{
    return podc_ds_config_set_progress(cfg, podc_go_ds_progress, (void *)h, err);
}
*/
import "C"

import (
	"context"
	"runtime/cgo"
	"time"
)

// LabelStack is the label every DataStorage stack object carries: podc.ds.stack=<service>.
const LabelStack = C.PODC_DS_LABEL_STACK

// Components of the stack, as keys of Stack.Containers.
var dsComponents = map[string]C.podc_ds_component{
	"postgres":    C.PODC_DS_POSTGRES,
	"redis":       C.PODC_DS_REDIS,
	"datastorage": C.PODC_DS_DATASTORAGE,
}

// FreePort in DataStorageConfig.Ports: podman picks a free host port (read it back from
// Stack.Ports).
const FreePort = -1

// DSPorts are the stack's host ports. In DataStorageConfig: 0 = the default (the preset's,
// else the contract's; Health defaults to API + 10000), FreePort = a free one. In Stack: the
// ports in use (0 = unused: Redis skipped).
type DSPorts struct {
	Postgres, Redis, API, Metrics, Health int
}

func (p *DSPorts) each(fn func(which C.podc_ds_port, port *int)) {
	fn(C.PODC_DS_PORT_POSTGRES, &p.Postgres)
	fn(C.PODC_DS_PORT_REDIS, &p.Redis)
	fn(C.PODC_DS_PORT_API, &p.API)
	fn(C.PODC_DS_PORT_METRICS, &p.Metrics)
	fn(C.PODC_DS_PORT_HEALTH, &p.Health)
}

// DSImages replace the stack's images ("" = the default).
type DSImages struct {
	Postgres, Redis, DataStorage string
}

// DataStoragePresets lists the kubernaut suites with predefined ports ("gateway", ...).
func DataStoragePresets() []string {
	n := C.podc_ds_preset_count()
	out := make([]string, 0, int(n))
	for i := C.size_t(0); i < n; i++ {
		out = append(out, goStr(C.podc_ds_preset_name_at(i)))
	}
	return out
}

// PostgresCredentials of the stack's database (default slm_user / test_password /
// action_history).
type PostgresCredentials struct {
	User, Password, Database string
}

// DataStorageConfig describes a DataStorage test stack (PostgreSQL + Redis + DataStorage).
// Service names it: network {service}_test_network, containers {service}_postgres_test,
// {service}_redis_test, {service}_datastorage_test.
type DataStorageConfig struct {
	Service string
	Preset  string // a kubernaut suite's ports (see DataStoragePresets)
	// Ports: 0 = the default, FreePort = a free port (see DSPorts).
	Ports         DSPorts
	MigrationsDir string // goose migrations on the host ("" = none are run)
	ConfigDir     string // mounted at /etc/datastorage ("" = podc writes one)
	Images        DSImages
	Credentials   *PostgresCredentials
	// Build the DataStorage image from BuildContext (Containerfile may be "") when it is
	// missing, or always with AlwaysBuild.
	BuildContext  string
	Containerfile string
	AlwaysBuild   bool
	// Pull says how the images the stack does not build are fetched (nil = the defaults:
	// policy missing). Before anything is created, absent ones are pulled side by side, so a
	// failed pull (ErrAuth, ErrNotFound, ...) leaves nothing behind. "localhost/" images (the
	// defaults) are never pulled. Its Progress is not used: the pull's lines reach Progress
	// as "pulling REF: ...".
	Pull *PullOptions
	// PreserveImage keeps a DataStorage image this stack built when it goes down.
	PreserveImage bool
	Env           map[string]string // extra DataStorage environment
	SkipRedis     bool
	// Reuse resets a healthy running stack of the same definition instead of replacing it:
	// the database as right after the migrations, Redis flushed (Stack.Reused says so).
	Reuse bool
	// DurablePostgres keeps Postgres's fsync and an ordinary data dir (default: the fast test
	// settings and a tmpfs).
	DurablePostgres bool
	Timeout         time.Duration // readiness timeout per component (0 = 60 s)
	Session         string        // podc.session label ("" = DefaultSession())
	// Progress receives one line per step. Library threads report side by side, but the
	// calls are serialised. It must not call the Client that runs Up. A panic in it stops
	// the start (which removes what it created) and is raised again from DataStorageUp.
	Progress func(line string)
}

// Stack is a running DataStorage stack.
type Stack struct {
	Service    string
	Network    string
	Containers map[string]string // component -> container name (no "redis" when skipped)
	Ports      DSPorts           // the host ports in use
	// Host is where the endpoints below are reached (Client.Host: "127.0.0.1" on a local
	// podman, the remote host on tcp:// and ssh://); they all come from libpodc.
	Host string
	// PostgresDSN is postgres://user:password@HOST:PORT/db?sslmode=disable;
	// PostgresDSNMasked shows the password as ***.
	PostgresDSN       string
	PostgresDSNMasked string
	RedisAddr         string // "HOST:PORT", "" without Redis
	APIURL            string // "http://HOST:PORT"
	HealthURL         string
	MetricsURL        string
	UpTime            time.Duration
	Reused            bool // Reuse found a stack of the same definition and reset it

	client        *Client
	preserveImage bool
}

func buildDSConfig(cfg *DataStorageConfig, m *cmem, progress cgo.Handle) (*C.podc_ds_config, error) {
	if cfg.Service == "" {
		return nil, invalidOr(ErrInvalid, "service", "service: a stack needs a name")
	}
	d := C.podc_ds_config_new(m.str(cfg.Service))
	if d == nil {
		return nil, invalidOr(ErrNoMemory, "", "podc_ds_config_new: out of memory")
	}
	var err error
	// set records the first failing setter (see buildServiceSpec)
	set := func(rc C.int, field string) {
		if err == nil && rc < 0 {
			err = m.setterError(rc, field)
		}
	}
	set(C.podc_go_ds_set_progress(d, C.uintptr_t(progress), m.ep()), "progress")
	if cfg.Preset != "" {
		set(C.podc_ds_config_set_preset(d, m.str(cfg.Preset), m.ep()), "preset")
	}
	ports := cfg.Ports
	ports.each(func(which C.podc_ds_port, p *int) {
		switch {
		case *p == FreePort:
			set(C.podc_ds_config_set_port(d, which, 0, m.ep()), "ports")
		case *p != 0:
			set(C.podc_ds_config_set_port(d, which, C.int(*p), m.ep()), "ports")
		}
	})
	if cfg.MigrationsDir != "" {
		set(C.podc_ds_config_set_migrations_dir(d, m.str(cfg.MigrationsDir), m.ep()), "migrations_dir")
	}
	if cfg.ConfigDir != "" {
		set(C.podc_ds_config_set_config_dir(d, m.str(cfg.ConfigDir), m.ep()), "config_dir")
	}
	for _, im := range []struct {
		which C.podc_ds_component
		ref   string
	}{{C.PODC_DS_POSTGRES, cfg.Images.Postgres}, {C.PODC_DS_REDIS, cfg.Images.Redis},
		{C.PODC_DS_DATASTORAGE, cfg.Images.DataStorage}} {
		if im.ref != "" {
			set(C.podc_ds_config_set_image(d, im.which, m.str(im.ref), m.ep()), "images")
		}
	}
	if cr := cfg.Credentials; cr != nil {
		set(C.podc_ds_config_set_postgres_credentials(d, m.str(cr.User), m.str(cr.Password), m.str(cr.Database), m.ep()),
			"credentials")
	}
	if cfg.BuildContext != "" {
		always := C.int(0)
		if cfg.AlwaysBuild {
			always = 1
		}
		set(C.podc_ds_config_set_build(d, m.str(cfg.BuildContext), m.opt(cfg.Containerfile), always, m.ep()), "build")
	}
	if cfg.Pull != nil {
		po, perr := cfg.Pull.build(m, 0, false)
		if perr != nil {
			if err == nil {
				err = perr
			}
		} else {
			set(C.podc_ds_config_set_pull_options(d, po, m.ep()), "pull") // the config keeps a copy
			C.podc_image_pull_options_free(po)
		}
	}
	if cfg.PreserveImage {
		set(C.podc_ds_config_set_preserve_image(d, 1, m.ep()), "preserve_image")
	}
	for _, k := range sortedKeys(cfg.Env) {
		set(C.podc_ds_config_add_env(d, m.str(k), m.str(cfg.Env[k]), m.ep()), "env")
	}
	if cfg.SkipRedis {
		set(C.podc_ds_config_set_skip_redis(d, 1, m.ep()), "skip_redis")
	}
	if cfg.Reuse {
		set(C.podc_ds_config_set_reuse(d, 1, m.ep()), "reuse")
	}
	if cfg.DurablePostgres {
		set(C.podc_ds_config_set_postgres_durable(d, 1, m.ep()), "durable_postgres")
	}
	if cfg.Timeout != 0 {
		set(C.podc_ds_config_set_timeout(d, ms(cfg.Timeout), m.ep()), "timeout")
	}
	if cfg.Session != "" {
		set(C.podc_ds_config_set_session(d, m.str(cfg.Session), m.ep()), "session")
	}
	if err != nil {
		C.podc_ds_config_free(d)
		return nil, err
	}
	return d, nil
}

// DataStorageUp brings the stack up: network, Postgres and Redis, migrations, DataStorage,
// /readyz 200. On failure everything the call created is removed again and the *Error
// carries the failing component (details["component"]) and its log tail. Errors: ErrInvalid,
// ErrConflict (a fixed port in use: details "port", "component"), ErrMigration (details
// "file", "statement"), ErrHealth, ErrCancelled (the context ended: checked at every
// progress step).
func (c *Client) DataStorageUp(ctx context.Context, cfg DataStorageConfig) (*Stack, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	prog, ph := newProgress(ctx, cfg.Progress)
	defer ph.Delete()
	var m cmem
	defer m.free()
	d, err := buildDSConfig(&cfg, &m, ph)
	if err != nil {
		return nil, err
	}
	defer C.podc_ds_config_free(d)
	var st *C.podc_ds_stack
	var host string
	// the end of ctx cancels the up wherever it is (see StartService)
	err = c.do(ctx, true, func(h *C.podc_client) error {
		host = goStr(C.podc_client_host(h))
		return cerr(func(e **C.podc_error) C.int { return C.podc_ds_up(h, d, &st, e) })
	})
	if err != nil {
		prog.repanic()
		return nil, err
	}
	defer C.podc_ds_stack_free(st) // everything is copied; freeing does not stop the stack
	stack := &Stack{
		Service:           goStr(C.podc_ds_stack_service(st)),
		Network:           goStr(C.podc_ds_stack_network(st)),
		Host:              host,
		Containers:        map[string]string{},
		PostgresDSN:       goStr(C.podc_ds_stack_postgres_dsn(st)),
		PostgresDSNMasked: goStr(C.podc_ds_stack_postgres_dsn_masked(st)),
		RedisAddr:         goStr(C.podc_ds_stack_redis_addr(st)),
		APIURL:            goStr(C.podc_ds_stack_api_url(st)),
		HealthURL:         goStr(C.podc_ds_stack_health_url(st)),
		MetricsURL:        goStr(C.podc_ds_stack_metrics_url(st)),
		UpTime:            time.Duration(C.podc_ds_stack_up_ms(st)) * time.Millisecond,
		Reused:            C.podc_ds_stack_reused(st) != 0,
		client:            c,
		preserveImage:     cfg.PreserveImage,
	}
	for k, v := range dsComponents {
		if name := goStr(C.podc_ds_stack_container(st, v)); name != "" {
			stack.Containers[k] = name
		}
	}
	stack.Ports.each(func(which C.podc_ds_port, p *int) {
		if v := int(C.podc_ds_stack_port(st, which)); v > 0 {
			*p = v
		}
	})
	if prog.didPanic() {
		// the panic came after the stack was up: take it down before raising it
		_ = stack.Down(context.Background())
		prog.repanic()
	}
	return stack, nil
}

// Down takes the stack down (see DataStorageDown); its image is kept when the config said
// PreserveImage.
func (s *Stack) Down(ctx context.Context) error {
	return s.client.DataStorageDown(ctx, s.Service, s.preserveImage)
}

// DataStorageDown takes the stack named service down: its containers, its network, and the
// DataStorage image when the stack built it and preserveImage is false. Missing pieces are
// not errors.
func (c *Client) DataStorageDown(ctx context.Context, service string, preserveImage bool) error {
	keep := C.int(0)
	if preserveImage {
		keep = 1
	}
	var m cmem
	defer m.free()
	cs := m.str(service)
	return c.do(ctx, true, func(h *C.podc_client) error {
		return cerr(func(e **C.podc_error) C.int { return C.podc_ds_down(h, cs, keep, e) })
	})
}
