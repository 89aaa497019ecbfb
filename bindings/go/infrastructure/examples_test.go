package infrastructure

// The proposal's Part 3 examples (../shared/docs/proposal.md), run for real against the
// offline images: the upstream names and fixed ports of kubernaut's suites become the test
// images and free ports.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"time"

	"podc.dev/podc"
)

func imagesDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "tests", "images")
}

func dsConfig(service string) DSBootstrapConfig {
	return DSBootstrapConfig{
		ServiceName: service, PostgresPort: freePort(nil), RedisPort: freePort(nil), DataStoragePort: freePort(nil),
		MetricsPort: freePort(nil), HealthPort: freePort(nil), MigrationsDir: migrationsDir(),
		PostgresUser: "slm_user", PostgresPassword: "test_password", PostgresDB: "action_history",
		PostgresImage: imgPostgres, RedisImage: imgRedis, DataStorageImage: imgDS,
	}
}

// Example 1: AIAnalysis with the HolmesGPT API: the DataStorage stack, then a container built
// from a context (here the HTTP test service's, already present: not rebuilt) on the stack's
// network, gated on its health URL, reaching DataStorage by container name.
func Example_aiAnalysis() {
	dsInfra, err := StartDSBootstrap(dsConfig(uname("aianalysis")), io.Discard)
	if err != nil {
		fmt.Println("failed to start DataStorage:", err)
		return
	}
	defer StopDSBootstrap(dsInfra, io.Discard)
	port := freePort(nil)
	hapi, err := StartContainer(ContainerConfig{
		Name:  uname("aianalysis_holmesgpt_1"),
		Image: imgHTTP,
		BuildContext: &ContainerBuildConfig{Dockerfile: "httpsvc/Containerfile", ContextDir: imagesDir(),
			Tag: imgHTTP},
		Ports: map[int]int{port: 8080},
		Env: map[string]string{"MOCK_LLM_MODE": "true",
			"DATASTORAGE_URL": fmt.Sprintf("http://%s:8080", dsInfra.DataStorageContainer)},
		Network:     dsInfra.Network,
		HealthCheck: &HealthCheckConfig{URL: fmt.Sprintf("http://localhost:%d/healthz", port), Timeout: 60 * time.Second},
	}, io.Discard)
	if err != nil {
		fmt.Println("failed to start HolmesGPT API:", err)
		return
	}
	defer StopContainer(hapi.Name, io.Discard)

	c, _ := podc.New(nil)
	defer c.Close()
	// the container finds DataStorage by its container name on the stack's network (busybox's
	// wget in the test image crashes now and then, so the name is looked up, and DataStorage's
	// readiness asked from here)
	res, err := c.Exec(context.Background(), hapi.Name, []string{"getent", "hosts", dsInfra.DataStorageContainer}, nil)
	resp, herr := http.Get(dsInfra.HealthURL + "/readyz")
	if herr == nil {
		resp.Body.Close()
	}
	fmt.Println("holmesgpt on the stack's network:", hapi.Network == dsInfra.Network)
	fmt.Println("DataStorage found by name from holmesgpt:", err == nil && res.ExitCode == 0)
	fmt.Println("DataStorage ready:", herr == nil && resp.StatusCode == 200)
	// Output:
	// holmesgpt on the stack's network: true
	// DataStorage found by name from holmesgpt: true
	// DataStorage ready: true
}

// Example 2: Gateway needs DataStorage only.
func Example_gateway() {
	infra, err := StartDSBootstrap(dsConfig(uname("gateway")), io.Discard)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer StopDSBootstrap(infra, io.Discard)
	fmt.Println("DataStorage at", infra.ServiceURL != "", "with its database", infra.PostgresDSNMasked != "")
	// Output:
	// DataStorage at true with its database true
}

// Example 3: WorkflowExecution with an additional service: the DataStorage stack, then a
// stack of the suite's own on the same network (a Tekton stand-in and a one-shot job that
// writes to DataStorage once the stand-in is healthy), as one graph.
func Example_workflowExecution() {
	dsInfra, err := StartDSBootstrap(dsConfig(uname("workflowexecution")), io.Discard)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer StopDSBootstrap(dsInfra, io.Discard)
	c, _ := podc.New(nil)
	defer c.Close()
	ctx := context.Background()
	audit := fmt.Sprintf("http://%s:8080/api/v1/audit?msg=workflow-registered", dsInfra.DataStorageContainer)
	st, err := c.StartStack(ctx, podc.StackSpec{Name: uname("we"), Network: dsInfra.Network, Members: []podc.StackMember{
		{Name: "tekton", Spec: podc.ServiceSpec{Image: imgHTTP, Ports: map[int]int{8080: 0},
			Checks: []podc.Check{podc.HTTPCheck{Port: 8080, Path: "/healthz"}}}},
		{Name: "register", Job: true, Spec: podc.ServiceSpec{Image: imgBase,
			Command: []string{"/bin/busybox", "wget", "-q", "-O", "-", "--post-data", "", audit}},
			DependsOn: map[string]podc.Condition{"tekton": podc.Healthy}},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Down(ctx)
	for _, m := range st.Members {
		fmt.Println(m.Name, "job:", m.Job)
	}
	// Output:
	// tekton job: false
	// register job: true
}
