package podc

import (
	"bufio"
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// redisPing sends PING over a raw TCP connection and returns the reply line.
func redisPing(addr string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}

func TestDataStorageUpDown(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 5*time.Minute)
	service := uname("ds")
	stackLabel := map[string]string{LabelStack: service}
	t.Cleanup(func() {
		if err := c.DataStorageDown(context.Background(), service, false); err != nil {
			t.Errorf("cleanup: DataStorageDown: %v", err)
		}
	})
	var mu sync.Mutex
	var lines []string
	st, err := c.DataStorageUp(ctx, DataStorageConfig{
		Service:       service,
		Ports:         DSPorts{Postgres: FreePort, Redis: FreePort, API: FreePort, Metrics: FreePort, Health: FreePort},
		MigrationsDir: filepath.Join(topDir(t), "tests", "images", "datastorage", "migrations"),
		Images:        DSImages{Postgres: imgPostgres, Redis: imgRedis, DataStorage: imgDS},
		Session:       testSession,
		Timeout:       90 * time.Second,
		Progress: func(line string) {
			mu.Lock()
			lines = append(lines, line)
			mu.Unlock()
		},
	})
	if err != nil {
		if e, ok := err.(*Error); ok {
			t.Fatalf("DataStorageUp: %v (details %v)\nlog tail:\n%s", err, e.Details, e.LogTail)
		}
		t.Fatalf("DataStorageUp: %v", err)
	}
	if st.Service != service || st.Network != service+"_test_network" {
		t.Errorf("stack %s network %s", st.Service, st.Network)
	}
	if st.Containers["postgres"] != service+"_postgres_test" || st.Containers["redis"] != service+"_redis_test" ||
		st.Containers["datastorage"] != service+"_datastorage_test" {
		t.Errorf("containers %v", st.Containers)
	}
	if p := st.Ports; p.Postgres <= 0 || p.Redis <= 0 || p.API <= 0 || p.Metrics <= 0 || p.Health <= 0 {
		t.Errorf("ports %+v", p)
	}
	if st.PostgresDSN == "" || strings.Contains(st.PostgresDSN, "***") || !strings.HasPrefix(st.PostgresDSN, "postgres://") {
		t.Errorf("DSN %q", st.PostgresDSN)
	}
	if !strings.Contains(st.PostgresDSNMasked, ":***@") {
		t.Errorf("masked DSN %q", st.PostgresDSNMasked)
	}
	if st.Host == "" || st.Host != c.Host() {
		t.Errorf("stack host %q, client host %q", st.Host, c.Host())
	}
	if !strings.HasPrefix(st.APIURL, "http://"+st.Host+":") || st.HealthURL == "" || st.MetricsURL == "" {
		t.Errorf("URLs %q %q %q", st.APIURL, st.HealthURL, st.MetricsURL)
	}
	if !strings.HasPrefix(st.RedisAddr, st.Host+":") {
		t.Fatalf("Redis address %q", st.RedisAddr)
	}
	reply, err := redisPing(st.RedisAddr)
	if err != nil || reply != "+PONG" {
		t.Errorf("Redis PING at %s = %q, %v", st.RedisAddr, reply, err)
	}
	status, body, err := httpGet(st.HealthURL + "/readyz")
	if err != nil || status != 200 {
		t.Errorf("GET %s/readyz = %d %q, %v", st.HealthURL, status, body, err)
	}
	list, err := c.ListContainers(ctx, &ListOptions{Labels: stackLabel})
	if err != nil || len(list) != 3 {
		t.Errorf("stack containers = %+v, %v", list, err)
	}
	mu.Lock()
	n := len(lines)
	mu.Unlock()
	if n == 0 {
		t.Errorf("no progress lines")
	}

	if err := st.Down(ctx); err != nil {
		t.Fatalf("Down: %v", err)
	}
	list, err = c.ListContainers(ctx, &ListOptions{Labels: stackLabel})
	if err != nil || len(list) != 0 {
		t.Errorf("containers left after Down = %+v, %v", list, err)
	}
	if ok, err := c.NetworkExists(ctx, st.Network); err != nil || ok {
		t.Errorf("network %s after Down: exists %v, %v", st.Network, ok, err)
	}
	if err := st.Down(ctx); err != nil {
		t.Errorf("second Down: %v", err)
	}
}

// Reuse: the second up resets the running stack instead of starting one.
func TestDataStorageReuse(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, 5*time.Minute)
	service := uname("dsre")
	t.Cleanup(func() { _ = c.DataStorageDown(context.Background(), service, false) })
	cfg := DataStorageConfig{
		Service:   service,
		Ports:     DSPorts{Postgres: FreePort, API: FreePort, Metrics: FreePort, Health: FreePort},
		Images:    DSImages{Postgres: imgPostgres, DataStorage: imgDS},
		SkipRedis: true,
		Session:   testSession,
		Timeout:   90 * time.Second,
		Reuse:     true,
	}
	cold, err := c.DataStorageUp(ctx, cfg)
	if err != nil {
		t.Fatalf("DataStorageUp (cold): %v", err)
	}
	warm, err := c.DataStorageUp(ctx, cfg)
	if err != nil {
		t.Fatalf("DataStorageUp (warm): %v", err)
	}
	if cold.Reused || !warm.Reused {
		t.Errorf("Reused: cold %v, warm %v; want false, true", cold.Reused, warm.Reused)
	}
	if warm.UpTime >= cold.UpTime || warm.Ports.Postgres != cold.Ports.Postgres {
		t.Errorf("warm up %v (ports %v) against cold %v (ports %v)", warm.UpTime, warm.Ports, cold.UpTime, cold.Ports)
	}
	if err := c.DataStorageDown(ctx, service, false); err != nil {
		t.Fatalf("DataStorageDown: %v", err)
	}
	if l, err := c.ListContainers(ctx, &ListOptions{Labels: map[string]string{LabelStack: service}}); err != nil || len(l) != 0 {
		t.Errorf("after down: %v, %v", l, err)
	}
}

func TestDataStorageBadInput(t *testing.T) {
	c := newClient(t)
	ctx := testCtx(t, time.Minute)
	_, err := c.DataStorageUp(ctx, DataStorageConfig{Service: uname("dsbad"), Ports: DSPorts{API: 70000}})
	if !errors.Is(err, ErrInvalid) || asError(t, err).Details["field"] != "ports" {
		t.Errorf("a port out of range: %v", err)
	}
	_, err = c.DataStorageUp(ctx, DataStorageConfig{Service: uname("dsbad"), MigrationsDir: "/nonexistent/migrations"})
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("missing migrations dir: %v, want ErrInvalid", err)
	}
	if len(DataStoragePresets()) == 0 {
		t.Errorf("no presets")
	}
	if LabelStack != "podc.ds.stack" {
		t.Errorf("LabelStack = %q", LabelStack)
	}
}
