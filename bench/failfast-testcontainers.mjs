// failfast-testcontainers.mjs - the testcontainers-node side of bench/bench_failfast.
//
// A GenericContainer runs `sh -c 'sleep 0.5; exit 3'`, exposes 8080 and waits with
// Wait.forHttp("/healthz", 8080) - a check that can never pass (nothing listens) - against the
// podman service's Docker-compatible API. Times start() -> rejection, one JSON line per round
// on stdout (nothing else goes to stdout).
//
//   node bench/failfast-testcontainers.mjs [--rounds N] [--mode abort|default] [--name NAME]
//        [--image REF] [--timeout-ms MS]
//
// --mode abort (default): Wait.forHttp(path, port, { abortOnContainerExit: true }) - the
//   option testcontainers-node 11.x has for this (HttpWaitStrategy: each try first inspects the
//   container and gives up when State.Status is "exited"; tries are readTimeout = 1000 ms apart).
// --mode default: the same wait without the option: start() only rejects at the startup timeout.
//
// Environment: DOCKER_HOST (default unix:///run/podman/podman.sock),
// TESTCONTAINERS_RYUK_DISABLED (default true). The image must be local: it is never pulled.
//
// To see where the time goes, the runtime client's container.logs / stop / remove are wrapped
// (the client is a per-process singleton): the first logs() call after the exit is "noticed"
// (abort mode: handleContainerExit fetches the last 50 lines right after the inspect said
// "exited"), stop() is "log tail fetched", the end of remove() is "removed". Inside the stop
// wrapper the container is inspected once for State.FinishedAt; that inspect's duration is
// subtracted from the round's total.
process.env.DOCKER_HOST ??= "unix:///run/podman/podman.sock";
process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";

const { GenericContainer, Wait, getContainerRuntimeClient } = await import("testcontainers");

function arg(name, def) {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

const rounds = Number(arg("rounds", "1"));
const mode = arg("mode", "abort");
const baseName = arg("name", `podc-bench-ff-tc-${process.pid}`);
const image = arg("image", "localhost/podc-base:latest");
const timeoutMs = Number(arg("timeout-ms", "30000"));
if (!["abort", "default"].includes(mode)) {
    console.error(`unknown --mode ${mode}`);
    process.exit(2);
}

// wall clock in ms with sub-ms resolution (compares with podman's FinishedAt)
const wall = () => performance.timeOrigin + performance.now();

// "2024-12-01T21:40:01.123456789Z" / "...+01:00" -> unix ms (fractional), or null
function rfc3339ms(s) {
    const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(s ?? "");
    if (!m) return null;
    let ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    if (m[7]) ms += Number(m[7]) * 1000;
    if (m[8] !== "Z") {
        const sign = m[8][0] === "-" ? -1 : 1;
        ms -= sign * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6))) * 60000;
    }
    return ms;
}

// not timed: discovery of the runtime (info, version, ...) happens once per process, as
// podc_client_new() does once per client
const client = await getContainerRuntimeClient();

let cur = null; // the round being measured
const orig = {
    logs: client.container.logs.bind(client.container),
    stop: client.container.stop.bind(client.container),
    remove: client.container.remove.bind(client.container),
};
client.container.logs = async (container, opts) => {
    if (cur && cur.noticed === null) cur.noticed = wall();
    return orig.logs(container, opts);
};
client.container.stop = async (container, opts) => {
    if (cur && cur.stopCalled === null) {
        cur.stopCalled = wall();
        if (cur.noticed === null) cur.noticed = cur.stopCalled;
        const t = performance.now();
        try {
            const info = await client.container.inspect(container);
            cur.finishedAt = info.State.FinishedAt;
            cur.status = info.State.Status;
            cur.exitCode = info.State.ExitCode;
        } catch (e) {
            cur.inspectError = String(e);
        }
        cur.inspectMs = performance.now() - t;
    }
    return orig.stop(container, opts);
};
client.container.remove = async (container, opts) => {
    try {
        return await orig.remove(container, opts);
    } finally {
        if (cur) cur.removed = wall();
    }
};

for (let i = 0; i < rounds; i++) {
    const name = rounds > 1 ? `${baseName}-${i}` : baseName;
    cur = { noticed: null, stopCalled: null, removed: null, finishedAt: null, inspectMs: 0 };
    const wait = mode === "abort"
        ? Wait.forHttp("/healthz", 8080, { abortOnContainerExit: true })
        : Wait.forHttp("/healthz", 8080);
    const gc = new GenericContainer(image)
        .withName(name)
        .withCommand(["sh", "-c", "sleep 0.5; exit 3"])
        .withExposedPorts(8080)
        .withWaitStrategy(wait)
        .withStartupTimeout(timeoutMs);
    const t0 = performance.now(), w0 = wall();
    let rejected = false, message = "", started = null;
    try {
        started = await gc.start();
    } catch (e) {
        rejected = true;
        message = String(e && e.message ? e.message : e);
    }
    const total = performance.now() - t0 - cur.inspectMs, wEnd = wall();
    if (started) await started.stop().catch(() => {});
    const fin = rfc3339ms(cur.finishedAt);
    const out = {
        round: i + 1, mode, name, rejected,
        total_ms: total,
        start_unix_ms: w0,
        finished_at: cur.finishedAt, finished_unix_ms: fin,
        noticed_unix_ms: cur.noticed, logs_done_unix_ms: cur.stopCalled, removed_unix_ms: cur.removed,
        reject_unix_ms: wEnd - cur.inspectMs,
        exit_code: cur.exitCode ?? null, inspect_ms: cur.inspectMs,
        // after the bench's own inspect inside stop(): shift the later marks back by its duration
        removed_adj_unix_ms: cur.removed === null ? null : cur.removed - cur.inspectMs,
        message: message.split("\n")[0].slice(0, 200),
    };
    process.stdout.write(JSON.stringify(out) + "\n");
}
