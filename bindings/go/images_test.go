package podc

// Pull and push tests against the REAL podman service and the REAL loopback registries of
// tests/env/registry.sh (nothing but 127.0.0.1 is ever contacted). They need, from
// `eval "$(tests/env/podman-service.sh)" && eval "$(tests/env/registry.sh)"`: PODC_REGISTRY
// (anonymous, plain HTTP; the service's registries.conf rewrites docker.io to it),
// PODC_AUTH_REGISTRY (htpasswd, plain HTTP), PODC_REGISTRY_USER, PODC_REGISTRY_PASSWORD.
// Every test FAILS (does not skip) when one is missing.

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	redisUpstream = "docker.io/library/redis:7-alpine"
	// the same image under a name these tests never remove
	redisLocal = imgRedis
)

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

type registryEnv struct {
	anon, auth, user, password string
}

// regEnv reads the registry variables, failing the test when one is missing.
func regEnv(t *testing.T) registryEnv {
	t.Helper()
	vars := []string{"PODC_REGISTRY", "PODC_AUTH_REGISTRY", "PODC_REGISTRY_USER", "PODC_REGISTRY_PASSWORD"}
	var missing []string
	for _, v := range vars {
		if os.Getenv(v) == "" {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%s not set: run `eval \"$(tests/env/podman-service.sh)\" && eval \"$(tests/env/registry.sh)\"` "+
			"first (loopback registries)", strings.Join(missing, ", "))
	}
	env := registryEnv{os.Getenv("PODC_REGISTRY"), os.Getenv("PODC_AUTH_REGISTRY"),
		os.Getenv("PODC_REGISTRY_USER"), os.Getenv("PODC_REGISTRY_PASSWORD")}
	for _, addr := range []string{env.anon, env.auth} {
		if !strings.HasPrefix(addr, "127.0.0.1:") && !strings.HasPrefix(addr, "localhost:") {
			t.Fatalf("registry %s is not on loopback", addr)
		}
	}
	return env
}

const manifestTypes = "application/vnd.oci.image.manifest.v1+json, " +
	"application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json, " +
	"application/vnd.docker.distribution.manifest.list.v2+json"

// registryDeleteAtEnd deletes repo:tag's manifest from the loopback registry when the test
// ends (Docker registry API v2; never through a proxy). Nothing to delete (404) and a registry
// without deletes (405) are fine.
func registryDeleteAtEnd(t *testing.T, registry, repo, tag string) {
	t.Cleanup(func() {
		cl := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil}}
		base := "http://" + registry + "/v2/" + repo + "/manifests/"
		req, _ := http.NewRequest(http.MethodHead, base+tag, nil)
		req.Header.Set("Accept", manifestTypes)
		resp, err := cl.Do(req)
		if err != nil {
			t.Errorf("cleanup: HEAD %s%s: %v", base, tag, err)
			return
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound {
			return
		}
		digest := resp.Header.Get("Docker-Content-Digest")
		if resp.StatusCode != http.StatusOK || digest == "" {
			t.Errorf("cleanup: HEAD %s%s: %s (digest %q)", base, tag, resp.Status, digest)
			return
		}
		req, _ = http.NewRequest(http.MethodDelete, base+digest, nil)
		if resp, err = cl.Do(req); err != nil {
			t.Errorf("cleanup: DELETE %s%s: %v", base, digest, err)
			return
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted && resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("cleanup: DELETE %s%s: %s", base, digest, resp.Status)
		}
	})
}

// untagAtEnd removes the name ref when the test ends (it is one of several names of an image,
// so only the name goes); a missing name is fine.
func untagAtEnd(t *testing.T, c *Client, ref string) {
	t.Cleanup(func() {
		if err := c.RemoveImage(context.Background(), ref, false); err != nil && !errors.Is(err, ErrNotFound) {
			t.Errorf("cleanup: untag %s: %v", ref, err)
		}
	})
}

func imageID(t *testing.T, c *Client, ref string) string {
	t.Helper()
	img, err := c.InspectImage(context.Background(), ref)
	if err != nil {
		t.Fatalf("InspectImage(%s): %v", ref, err)
	}
	return img.ID
}

// noSecret fails the test when a secret appears anywhere in err.
func noSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	e := asError(t, err)
	texts := []string{err.Error(), e.Message, e.ServerMessage, e.Cause, e.JSON, fmt.Sprintf("%+v", *e)}
	for _, s := range secrets {
		for _, txt := range texts {
			if strings.Contains(txt, s) {
				t.Errorf("a secret is in the error text %q", txt)
			}
		}
	}
}

func randomSecret(t *testing.T, tag string) string {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("podc-wrong-%s-%d-%s", tag, os.Getpid(), hex.EncodeToString(b))
}

func TestPullUpstreamPolicyAlwaysProgress(t *testing.T) {
	regEnv(t)
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	var lines []string
	id, err := c.PullImage(ctx, redisUpstream, &PullOptions{Policy: PullAlways,
		Progress: func(line string) { lines = append(lines, line) }})
	if err != nil {
		t.Fatalf("PullImage(%s): %v", redisUpstream, err)
	}
	if !hex64.MatchString(id) {
		t.Errorf("id %q is not 64 hex", id)
	}
	if got := imageID(t, c, redisUpstream); got != id {
		t.Errorf("inspect id %s, pull id %s", got, id)
	}
	if got := imageID(t, c, redisLocal); got != id {
		t.Errorf("%s is %s, want the image of %s (%s)", redisLocal, got, redisUpstream, id)
	}
	text := strings.Join(lines, "\n")
	if !strings.Contains(text, "Trying to pull "+redisUpstream) || !strings.Contains(text, "manifest") {
		t.Errorf("progress lines %q", lines)
	}
	for _, l := range lines {
		if strings.Contains(l, "\n") {
			t.Errorf("progress line with a newline: %q", l)
		}
	}
	img, err := c.InspectImage(ctx, redisUpstream)
	if err != nil || !strings.HasPrefix(img.Digest, "sha256:") {
		t.Errorf("InspectImage: digest %q, %v", img.Digest, err)
	}
	// policy missing (the zero value): present, so nothing is fetched and nothing reported
	lines = nil
	id2, err := c.PullImage(ctx, redisUpstream, &PullOptions{Progress: func(line string) { lines = append(lines, line) }})
	if err != nil || id2 != id || len(lines) != 0 {
		t.Errorf("PullImage(missing) = %s, %v; lines %q", id2, err, lines)
	}
}

func TestPullContextCancelAndPanic(t *testing.T) {
	regEnv(t)
	c := newClient(t)
	ctx, cancel := context.WithCancel(testCtx(t, 3*time.Minute))
	defer cancel()
	n := 0
	_, err := c.PullImage(ctx, redisUpstream, &PullOptions{Policy: PullAlways, Progress: func(string) {
		n++
		cancel()
	}})
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("PullImage with a cancelled context: %v, want ErrCancelled and context.Canceled", err)
	}
	if n != 1 {
		t.Errorf("progress called %d times after the cancel, want 1", n)
	}
	// an ended context: nothing is sent
	if _, err := c.PullImage(ctx, redisUpstream, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("PullImage after the cancel: %v", err)
	}

	defer func() {
		if r := recover(); r != "boom from progress" {
			t.Errorf("recovered %v, want the progress panic", r)
		}
		// the client is still usable
		if _, err := c.PullImage(context.Background(), redisUpstream, nil); err != nil {
			t.Errorf("PullImage after the panic: %v", err)
		}
	}()
	_, _ = c.PullImage(context.Background(), redisUpstream, &PullOptions{Policy: PullAlways,
		Progress: func(string) { panic("boom from progress") }})
	t.Errorf("the progress panic was not raised again")
}

func TestPullWrongCredentialsErrAuth(t *testing.T) {
	env := regEnv(t)
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	wrong := randomSecret(t, "go")
	ref := env.auth + "/podc/httpsvc:test"
	_, err := c.PullImage(ctx, ref, &PullOptions{Policy: PullAlways, InsecureSkipTLSVerify: true,
		Username: env.user, Password: wrong, Retries: 1})
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("PullImage with a wrong password: %v, want ErrAuth", err)
	}
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) {
		t.Errorf("error %v matches another category", err)
	}
	e := asError(t, err)
	if e.Code != ErrAuth || e.Category != "auth" || e.Details["registry"] != env.auth {
		t.Errorf("code %d category %q details %v", e.Code, e.Category, e.Details)
	}
	noSecret(t, err, wrong, env.password)

	// no credentials at all (an empty auth file: nothing is found) is the same category
	authfile := filepath.Join(t.TempDir(), "auth.json")
	if err := os.WriteFile(authfile, []byte(`{"auths":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = c.PullImage(ctx, ref, &PullOptions{Policy: PullAlways, InsecureSkipTLSVerify: true, AuthFile: authfile, Retries: 1})
	if !errors.Is(err, ErrAuth) {
		t.Errorf("PullImage without credentials: %v, want ErrAuth", err)
	}
	// and a push with the wrong password
	_, err = c.PushImage(ctx, imgHTTP, fmt.Sprintf("%s/podc-bind-%d/denied:1", env.auth, os.Getpid()),
		&PullOptions{InsecureSkipTLSVerify: true, Username: env.user, Password: wrong, Retries: 1})
	if !errors.Is(err, ErrAuth) {
		t.Errorf("PushImage with a wrong password: %v, want ErrAuth", err)
	} else {
		noSecret(t, err, wrong, env.password)
	}
}

func TestPullRightCredentials(t *testing.T) {
	env := regEnv(t)
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	ref := env.auth + "/podc/httpsvc:test"
	untagAtEnd(t, c, ref)
	id, err := c.PullImage(ctx, ref, &PullOptions{Policy: PullAlways, InsecureSkipTLSVerify: true,
		Username: env.user, Password: env.password})
	if err != nil {
		t.Fatalf("PullImage with the right credentials: %v", err)
	}
	if !hex64.MatchString(id) {
		t.Errorf("id %q is not 64 hex", id)
	}
	if want := imageID(t, c, imgHTTP); id != want {
		t.Errorf("pulled %s, want the id of %s: %s", id, imgHTTP, want)
	}
	// the same credentials from an auth file (podman's auth.json format)
	authfile := filepath.Join(t.TempDir(), "auth.json")
	token := base64.StdEncoding.EncodeToString([]byte(env.user + ":" + env.password))
	data, _ := json.Marshal(map[string]interface{}{"auths": map[string]interface{}{env.auth: map[string]string{"auth": token}}})
	if err := os.WriteFile(authfile, data, 0o600); err != nil {
		t.Fatal(err)
	}
	id2, err := c.PullImage(ctx, ref, &PullOptions{Policy: PullAlways, InsecureSkipTLSVerify: true, AuthFile: authfile})
	if err != nil || id2 != id {
		t.Errorf("PullImage with an auth file = %s, %v", id2, err)
	}
}

func TestPullMissingTagNotFound(t *testing.T) {
	env := regEnv(t)
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	ref := fmt.Sprintf("%s/library/redis:podc-no-such-tag-%d", env.anon, os.Getpid())
	_, err := c.PullImage(ctx, ref, &PullOptions{InsecureSkipTLSVerify: true, Retries: 1})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("PullImage(%s): %v, want ErrNotFound", ref, err)
	}
	if ok, err := c.ImageExists(ctx, ref); err != nil || ok {
		t.Errorf("ImageExists(%s) = %v, %v", ref, ok, err)
	}
	// policy never and no local image
	ref = fmt.Sprintf("%s/podc/httpsvc:podc-never-%d", env.anon, os.Getpid())
	if _, err := c.PullImage(ctx, ref, &PullOptions{Policy: PullNever}); !errors.Is(err, ErrNotFound) {
		t.Errorf("PullImage(never, %s): %v, want ErrNotFound", ref, err)
	}
}

func TestPushThenPullBack(t *testing.T) {
	env := regEnv(t)
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	repo := fmt.Sprintf("podc-bind-%d/x", os.Getpid())
	dest := env.anon + "/" + repo + ":1"
	untagAtEnd(t, c, dest)
	registryDeleteAtEnd(t, env.anon, repo, "1")
	want := imageID(t, c, imgHTTP)
	var lines []string
	digest, err := c.PushImage(ctx, imgHTTP, dest, &PullOptions{InsecureSkipTLSVerify: true,
		Progress: func(line string) { lines = append(lines, line) }})
	if err != nil {
		t.Fatalf("PushImage(%s -> %s): %v", imgHTTP, dest, err)
	}
	if digest != "" && !strings.HasPrefix(digest, "sha256:") {
		t.Errorf("digest %q", digest)
	}
	if len(lines) == 0 {
		t.Errorf("push reported no progress")
	}
	if ok, _ := c.ImageExists(ctx, dest); ok { // make sure the pull fetches
		if err := c.RemoveImage(ctx, dest, false); err != nil {
			t.Fatalf("RemoveImage(%s): %v", dest, err)
		}
	}
	id, err := c.PullImage(ctx, dest, &PullOptions{Policy: PullAlways, InsecureSkipTLSVerify: true})
	if err != nil {
		t.Fatalf("PullImage(%s): %v", dest, err)
	}
	if id != want {
		t.Errorf("pulled back %s, want %s (the id of %s)", id, want, imgHTTP)
	}
	img, err := c.InspectImage(ctx, dest)
	if err != nil || img.ID != want {
		t.Fatalf("InspectImage(%s) = %+v, %v", dest, img, err)
	}
	if digest != "" && img.Digest != digest {
		t.Errorf("digest after the pull %q, push reported %q", img.Digest, digest)
	}
	found := false
	for _, tag := range img.Tags {
		found = found || tag == dest
	}
	if !found {
		t.Errorf("tags %v lack %s", img.Tags, dest)
	}
	// a missing local image cannot be pushed
	_, err = c.PushImage(ctx, fmt.Sprintf("localhost/podc-go-no-such-image-%d:x", os.Getpid()), dest,
		&PullOptions{InsecureSkipTLSVerify: true})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("PushImage of a missing image: %v, want ErrNotFound", err)
	}
}

func TestPullBadOptionsNothingSent(t *testing.T) {
	env := regEnv(t)
	c := newClient(t) // fresh: no request has been answered yet
	ctx := testCtx(t, time.Minute)
	ref := env.anon + "/podc/httpsvc:test"
	cases := []struct {
		opts  PullOptions
		field string
	}{
		{PullOptions{Policy: PullPolicy(7)}, "policy"},
		{PullOptions{Platform: "linux"}, "platform"},
		{PullOptions{Platform: "linux/arm64/v8/x"}, "platform"},
		{PullOptions{Retries: 11}, "retries"},
		{PullOptions{Retries: -1}, "retries"},
		{PullOptions{Backoff: -time.Second}, "backoff"},
		{PullOptions{Timeout: -time.Second}, "timeout"},
		{PullOptions{Password: env.password}, "credentials"},
		{PullOptions{Username: env.user, Password: env.password, IdentityToken: "tok"}, "credentials"},
	}
	for _, tc := range cases {
		tc := tc
		_, err := c.PullImage(ctx, ref, &tc.opts)
		if !errors.Is(err, ErrInvalid) || asError(t, err).Details["field"] != tc.field {
			t.Errorf("PullImage(%+v): %v, want ErrInvalid for %q", tc.opts.Platform, err, tc.field)
			continue
		}
		noSecret(t, err, env.password)
	}
	if _, err := c.PullImage(ctx, "Bad Ref!", nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("PullImage(bad ref): %v", err)
	}
	// an auth file the OS refuses (a directory) is a local file error, not bad input
	if _, err := c.PullImage(ctx, ref, &PullOptions{AuthFile: "/"}); !errors.Is(err, ErrFile) ||
		asError(t, err).Category != "local_file" || asError(t, err).Details["path"] != "/" {
		t.Errorf("PullImage(AuthFile: /): %v, want ErrFile", err)
	}
	if _, err := c.PullImage(ctx, ref, &PullOptions{AuthFile: "/nonexistent/podc-auth.json"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("PullImage(AuthFile: missing): %v, want ErrInvalid", err)
	}
	if _, err := c.StartService(ctx, ServiceSpec{Name: uname("badpull"), Image: imgBase,
		Pull: &PullOptions{Retries: 11}}); !errors.Is(err, ErrInvalid) || asError(t, err).Details["field"] != "retries" {
		t.Errorf("StartService with Pull.Retries 11: %v", err)
	}
	if got := c.ServerAPIVersion(); got != "" {
		t.Errorf("ServerAPIVersion = %q: something was sent", got)
	}
	for name, want := range map[string]PullPolicy{"missing": PullMissing, "always": PullAlways, "newer": PullNewer, "never": PullNever} {
		if p, err := ParsePullPolicy(name); err != nil || p != want || p.String() != name {
			t.Errorf("ParsePullPolicy(%q) = %v, %v", name, p, err)
		}
	}
	if _, err := ParsePullPolicy("sometimes"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParsePullPolicy(sometimes): %v", err)
	}
	if s := PullPolicy(9).String(); s != "PullPolicy(9)" {
		t.Errorf("PullPolicy(9).String() = %q", s)
	}
}

func TestServicePullsAbsentImage(t *testing.T) {
	regEnv(t)
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	if imageID(t, c, redisUpstream) != imageID(t, c, redisLocal) {
		t.Fatalf("%s must carry the image of %s too (tests/env/registry.sh)", redisUpstream, redisLocal)
	}
	if err := c.RemoveImage(ctx, redisUpstream, false); err != nil { // only this name
		t.Fatalf("RemoveImage(%s): %v", redisUpstream, err)
	}
	t.Cleanup(func() { // put the name back for everyone else
		bg := context.Background()
		if ok, err := c.ImageExists(bg, redisUpstream); err == nil && !ok {
			if err := c.TagImage(bg, redisLocal, "docker.io/library/redis", "7-alpine"); err != nil {
				t.Errorf("cleanup: tag %s: %v", redisUpstream, err)
			}
		}
	})
	if ok, err := c.ImageExists(ctx, redisUpstream); err != nil || ok {
		t.Fatalf("ImageExists(%s) after the untag = %v, %v", redisUpstream, ok, err)
	}
	if ok, err := c.ImageExists(ctx, redisLocal); err != nil || !ok {
		t.Fatalf("ImageExists(%s) = %v, %v: the untag removed the image", redisLocal, ok, err)
	}

	// policy never: nothing is pulled, nothing is created
	never := uname("never")
	removeAtEnd(t, c, never)
	_, err := c.StartService(ctx, ServiceSpec{Name: never, Image: redisUpstream, Session: testSession,
		Pull: &PullOptions{Policy: PullNever}})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("StartService(policy never): %v, want ErrNotFound", err)
	}
	if ok, _ := c.ContainerExists(ctx, never); ok {
		t.Errorf("container %s was created", never)
	}

	// policy missing pulls it first
	name := uname("redis")
	removeAtEnd(t, c, name)
	var mu sync.Mutex
	var lines []string
	svc, err := c.StartService(ctx, ServiceSpec{
		Name:           name,
		Image:          redisUpstream,
		Pull:           &PullOptions{Policy: PullMissing, Retries: 2, Backoff: 200 * time.Millisecond},
		Ports:          map[int]int{6379: 0},
		Checks:         []Check{TCPCheck{Port: 6379, Send: "PING\r\n", Expect: "+PONG"}},
		Session:        testSession,
		StartupTimeout: time.Minute,
		Progress: func(line string) {
			mu.Lock()
			lines = append(lines, line)
			mu.Unlock()
		},
	})
	if err != nil {
		t.Fatalf("StartService(%s): %v", redisUpstream, err)
	}
	t.Cleanup(func() { _ = svc.Stop(context.Background()) })
	if ok, err := c.ImageExists(ctx, redisUpstream); err != nil || !ok {
		t.Errorf("ImageExists(%s) after the start = %v, %v", redisUpstream, ok, err)
	}
	info, err := c.InspectContainer(ctx, name)
	if err != nil || info.Image != redisUpstream {
		t.Errorf("container image %q, %v", info.Image, err)
	}
	mu.Lock()
	text := strings.Join(lines, "\n")
	mu.Unlock()
	if !strings.Contains(text, "pulling "+redisUpstream+": ") {
		t.Errorf("progress lines %q lack the pull", text)
	}
	if err := svc.Stop(ctx); err != nil {
		t.Errorf("Stop: %v", err)
	}
}

func TestDataStoragePullErrAuthLeavesNothing(t *testing.T) {
	env := regEnv(t)
	c := newClient(t)
	ctx := testCtx(t, 3*time.Minute)
	service := uname("dspull")
	t.Cleanup(func() { _ = c.DataStorageDown(context.Background(), service, false) })
	wrong := randomSecret(t, "ds")
	_, err := c.DataStorageUp(ctx, DataStorageConfig{
		Service: service,
		Session: testSession,
		Ports:   DSPorts{Postgres: FreePort, Redis: FreePort, API: FreePort, Metrics: FreePort, Health: FreePort},
		Images:  DSImages{Redis: env.auth + "/podc/httpsvc:test"},
		Pull: &PullOptions{Policy: PullAlways, InsecureSkipTLSVerify: true, Username: env.user,
			Password: wrong, Retries: 1},
	})
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("DataStorageUp with a wrong registry password: %v, want ErrAuth", err)
	}
	noSecret(t, err, wrong, env.password)
	list, err := c.ListContainers(ctx, &ListOptions{Labels: map[string]string{LabelStack: service}})
	if err != nil || len(list) != 0 {
		t.Errorf("containers of the failed stack: %+v, %v", list, err)
	}
	if ok, err := c.NetworkExists(ctx, service+"_test_network"); err != nil || ok {
		t.Errorf("network of the failed stack exists = %v, %v", ok, err)
	}
}
