"""Integration tests of the podc Python bindings against the REAL podman service.

Run: PODC_LIBRARY=<build>/lib/.libs/libpodc.so python3 -m unittest discover -s bindings/python/tests -v
(bindings/python/run-tests.sh does this). Uses the offline test images (tests/images).
"""

import os
import shutil
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # bindings/python

import podc  # noqa: E402
from podc.datastorage import DataStorageStack  # noqa: E402
from podc.service import ExecCheck, HttpCheck, LogCheck, Service, TcpCheck  # noqa: E402
from podc.stack import StackSpec  # noqa: E402
from podc import stack as podc_stack  # noqa: E402

TOP = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
MIGRATIONS = os.path.join(TOP, "tests", "images", "datastorage", "migrations")
COMPOSE_DS = os.path.join(TOP, "tests", "compose", "kubernaut-ds", "compose.yaml")
BASE = "localhost/podc-base:latest"
HTTPSVC = "localhost/podc-httpsvc:test"
BUSYBOX = "/bin/busybox"
SESSION = "podc-py-%d" % os.getpid()

_counter = [0]


def uname(tag):
    _counter[0] += 1
    return "podc-py-%d-%s%d" % (os.getpid(), tag, _counter[0])


def http(method, url, timeout=10):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class PodcTestCase(unittest.TestCase):
    def setUp(self):
        self.client = podc.Client()
        self._cleanups_names = []

    def tearDown(self):
        for name in self._cleanups_names:
            try:
                self.client.containers.remove(name, force=True, ignore_missing=True)
            except podc.PodcError:
                pass
        self.client.close()

    def track(self, name):
        self._cleanups_names.append(name)
        return name

    def sleeper(self, name=None, **kw):
        """A running busybox container (running counts as healthy without checks)."""
        name = self.track(name or uname("sleep"))
        return Service.start(self.client, name=name, image=BASE, session=SESSION,
                             command=[BUSYBOX, "sh", "-c", "echo started; echo warn >&2; exec " + BUSYBOX + " sleep 600"],
                             checks=[LogCheck("^warn$")], timeout_ms=30000, **kw)

    @classmethod
    def tearDownClass(cls):
        with podc.Client() as c:
            podc.cleanup(c, SESSION)


class TestSystem(PodcTestCase):
    def test_ping_version_info(self):
        self.assertTrue(self.client.ping())
        v = self.client.version()
        self.assertTrue(v["server"].startswith("4."), v)
        self.assertTrue(v["api"])
        self.assertEqual(v["library"], podc.library_version())
        info = self.client.info()
        self.assertIn("host", info)
        self.assertIn("version", info)
        self.assertTrue(self.client.socket_path.endswith(".sock"))
        self.assertIn(self.client.scheme, ("unix", "tcp", "ssh"))
        self.assertTrue(self.client.uri.startswith(self.client.scheme + "://"), self.client.uri)
        self.assertTrue(self.client.host)
        self.assertEqual(self.client.server_api_version, v["api"])

    def test_transport_error(self):
        with self.assertRaises(podc.TransportError) as cm:
            podc.Client(uri="unix:///nonexistent/podc-py.sock")
        self.assertEqual(cm.exception.category, "transport")
        self.assertEqual(cm.exception.code, -1)


class TestErrors(PodcTestCase):
    def test_not_found(self):
        name = uname("missing")
        with self.assertRaises(podc.NotFound) as cm:
            self.client.containers.inspect(name)
        e = cm.exception
        self.assertIsInstance(e, podc.PodcError)
        self.assertEqual(e.category, "not_found")
        self.assertEqual(e.code, -3)
        self.assertEqual(e.http_status, 404)
        self.assertEqual(e.container, name)
        self.assertTrue(e.cause)
        self.assertEqual(e.json["category"], "not_found")
        self.assertIn(name, str(e))
        self.assertFalse(self.client.containers.exists(name))

    def test_invalid_name(self):
        with self.assertRaises(podc.InvalidInput) as cm:
            self.client.containers.inspect("bad name!")
        e = cm.exception
        self.assertEqual(e.category, "invalid_input")
        self.assertEqual(e.details["field"], "name")
        self.assertEqual(e.http_status, 0)  # nothing was sent
        with self.assertRaises(podc.InvalidInput) as cm:
            Service.start(self.client, name="-bad", image=BASE, command=[BUSYBOX, "true"])
        self.assertIn("field", cm.exception.details)
        # a builder setter's refusal: the library's message (naming the C setter), the binding's field
        with self.assertRaises(podc.InvalidInput) as cm:
            Service.start(self.client, name=uname("badport"), image=BASE, ports={70000: 0})
        self.assertEqual(str(cm.exception), "ports: podc_service_spec_add_port: invalid input")
        self.assertEqual(cm.exception.details["field"], "ports")

    def test_remove_missing(self):
        name = uname("gone")
        with self.assertRaises(podc.NotFound):
            self.client.containers.remove(name)
        self.client.containers.remove(name, ignore_missing=True)


class TestService(PodcTestCase):
    def test_http_service_healthy(self):
        name = self.track(uname("web"))
        lines = []
        svc = Service.start(self.client, name=name, image=HTTPSVC, ports={8080: 0},
                            checks=[HttpCheck(8080, "/healthz"), TcpCheck(8080),
                                    TcpCheck(8080, "GET /healthz HTTP/1.0\r\n\r\n", "200")], labels={"podc.py": "web"},
                            session=SESSION, timeout_ms=60000, progress=lines.append)
        with svc:
            self.assertEqual(svc.name, name)
            self.assertEqual(len(svc.id), 64)
            port = svc.host_port(8080)
            self.assertGreater(port, 0)
            self.assertIsNone(svc.host_port(9999))
            url = svc.url(8080, "/healthz")
            self.assertEqual(svc.host, self.client.host)
            self.assertEqual(url, "http://%s:%d/healthz" % (svc.host, port))
            status, _ = http("GET", url)
            self.assertEqual(status, 200)
            with self.assertRaises(podc.NotFound):
                svc.url(9999)
            self.assertTrue(lines and all(isinstance(x, str) for x in lines), lines)
            self.assertTrue(any(name in x for x in lines), lines)
            listed = self.client.containers.list(labels={"podc.py": "web", "podc.session": SESSION})
            self.assertEqual([c["name"] for c in listed], [name])
            self.assertEqual(listed[0]["state"], "running")
            self.assertEqual(listed[0]["ports"][0]["host_port"], port)
            info = self.client.containers.inspect(name)
            self.assertEqual(info["Id"], svc.id)
            self.assertTrue(info["State"]["Running"])
        self.assertFalse(self.client.containers.exists(name))

    def test_exit_code_3_health_failed(self):
        name = self.track(uname("exit3"))
        with self.assertRaises(podc.HealthCheckFailed) as cm:
            Service.start(self.client, name=name, image=BASE, session=SESSION,
                          command=[BUSYBOX, "sh", "-c", "echo out-before-exit; echo err-before-exit >&2; sleep 1; exit 3"],
                          checks=[LogCheck("^never-printed$")], timeout_ms=30000)
        e = cm.exception
        self.assertEqual(e.category, "health_check")
        self.assertEqual(e.exit_code, 3)
        self.assertIn("out-before-exit", e.log_tail or "")
        self.assertIn("err-before-exit", e.log_tail or "")
        self.assertEqual(e.container, name)
        self.assertFalse(self.client.containers.exists(name))  # a failed start leaves nothing

    def test_checks_exec_and_log(self):
        name = self.track(uname("checks"))
        with Service.start(self.client, name=name, image=BASE, session=SESSION,
                           command=[BUSYBOX, "sh", "-c", "echo ready now; exec " + BUSYBOX + " sleep 600"],
                           checks=[LogCheck("ready", times=1), ExecCheck([BUSYBOX, "echo", "ok-1"], contains="ok")],
                           timeout_ms=30000) as svc:
            self.assertEqual(self.client.containers.inspect(svc.name)["State"]["Status"], "running")

    @unittest.skipUnless(podc._lib.has("podc_service_spec_set_memory_limit"), "libpodc without memory limits")
    def test_memory_limit(self):
        with self.assertRaises(podc.InvalidInput) as cm:
            Service.start(self.client, name=uname("mem"), image=BASE, command=[BUSYBOX, "true"],
                          memory_limit=-1)
        self.assertEqual(cm.exception.details["field"], "memory_limit")
        with self.sleeper(memory_limit=64 * 1024 * 1024) as svc:
            self.assertEqual(self.client.containers.inspect(svc.name)["HostConfig"]["Memory"], 64 * 1024 * 1024)

    def test_process_fields_tmpfs_ulimits(self):
        with self.sleeper(user="65534:65534", workdir="/scratch", tmpfs={"/scratch": ["size=8m"]},
                          ulimits={"nofile": (1000, 1024), "nproc": 512}) as svc:
            code, out, _ = self.client.containers.exec(
                svc.name, [BUSYBOX, "sh", "-c", "id -u; pwd; grep -E '^Max (open files|processes) ' /proc/1/limits; "
                           "grep ' /scratch ' /proc/mounts"])
            self.assertEqual(code, 0, out)
            lines = out.splitlines()
            self.assertEqual(lines[:2], ["65534", "/scratch"])
            self.assertRegex(out, r"Max open files +1000 +1024 ")
            self.assertRegex(out, r"Max processes +512 +512 ")
            self.assertRegex(out, r"tmpfs /scratch tmpfs .*size=8192k")
        with self.assertRaises(podc.InvalidInput) as cm:  # nofile without nproc
            Service.start(self.client, name=uname("ulim"), image=BASE, ulimits={"nofile": 100})
        self.assertEqual(cm.exception.details["field"], "rlimits")

    def test_progress_exception_propagates(self):
        name = self.track(uname("cbexc"))

        class Boom(Exception):
            pass

        def progress(line):
            raise Boom(line)

        with self.assertRaises(Boom) as cm:
            Service.start(self.client, name=name, image=BASE, session=SESSION,
                          command=[BUSYBOX, "sleep", "600"], progress=progress, timeout_ms=30000)
        self.assertIsInstance(cm.exception.__cause__, podc.Cancelled)
        self.assertFalse(self.client.containers.exists(name))


class TestContainers(PodcTestCase):
    def test_exec(self):
        with self.sleeper() as svc:
            code, out, err = self.client.containers.exec(
                svc.name, [BUSYBOX, "sh", "-c", "echo hello $GREETING; pwd; echo oops >&2; exit 5"],
                env={"GREETING": "world"}, workdir="/tmp")
            self.assertEqual(code, 5)
            self.assertEqual(out, "hello world\n/tmp\n")
            self.assertEqual(err, "oops\n")
            code, out, _ = self.client.containers.exec(svc.name, [BUSYBOX, "true"])
            self.assertEqual((code, out), (0, ""))

    def test_exec_streaming_and_callback_exception(self):
        with self.sleeper() as svc:
            got = []
            code, _, _ = self.client.containers.exec(svc.name, [BUSYBOX, "sh", "-c", "echo a; echo b >&2"],
                                                     callback=lambda s, d: got.append((s, d)))
            self.assertEqual(code, 0)
            self.assertIn((podc.STDOUT, b"a\n"), got)
            self.assertIn((podc.STDERR, b"b\n"), got)

            def bad(stream, data):
                raise KeyError("from callback")

            with self.assertRaises(KeyError):
                self.client.containers.exec(svc.name, [BUSYBOX, "sh", "-c", "echo x; sleep 1"], callback=bad)
            # the client is still usable afterwards
            self.assertTrue(self.client.ping())

    def test_follow_logs_cancel_from_thread(self):
        with self.sleeper() as svc:
            got = []
            timer = threading.Timer(1.0, self.client.cancel)
            timer.start()
            try:
                with self.assertRaises(podc.Cancelled):
                    self.client.containers.stream_logs(svc.name, lambda s, d: got.append(d), follow=True)
            finally:
                timer.cancel()
            self.assertIn(b"started\n", got)
            self.assertTrue(self.client.ping())

    def test_cancel_reaches_a_health_wait_and_removes(self):
        name = self.track(uname("cancelwait"))
        timer = threading.Timer(1.5, self.client.cancel)
        timer.start()
        t0 = time.monotonic()
        try:
            with self.assertRaises(podc.Cancelled):
                Service.start(self.client, name=name, image=BASE, session=SESSION,
                              command=[BUSYBOX, "sleep", "600"], checks=[LogCheck("^never-printed$")],
                              timeout_ms=60000)
        finally:
            timer.cancel()
        self.assertLess(time.monotonic() - t0, 5.0)
        self.assertFalse(self.client.containers.exists(name))

    def test_cancel_scope_holds_a_cancel_between_calls(self):
        with self.client.cancel_scope():
            self.assertTrue(self.client.ping())
            self.client.cancel()  # no call in progress, but the scope is open
            with self.assertRaises(podc.Cancelled):
                self.client.ping()
        self.assertTrue(self.client.ping())
        self.client.cancel()  # outside a scope with no call: void
        self.assertTrue(self.client.ping())

    def test_closed_client(self):
        c = podc.Client()
        c.close()
        c.close()
        with self.assertRaises(ValueError):
            c.ping()

    def test_exec_not_running_or_missing(self):
        with self.assertRaises(podc.NotFound):
            self.client.containers.exec(uname("nope"), [BUSYBOX, "true"])

    def test_logs(self):
        with self.sleeper() as svc:
            text = self.client.containers.logs(svc.name)
            self.assertIn("started\n", text)
            self.assertIn("warn\n", text)
            out, err = self.client.containers.logs(svc.name, split=True)
            self.assertEqual((out, err), ("started\n", "warn\n"))
            self.assertEqual(self.client.containers.logs(svc.name, stderr=False), "started\n")

    def test_create_start_wait_remove(self):
        name = self.track(uname("life"))
        cid = self.client.containers.create(BASE, name=name, command=[BUSYBOX, "sh", "-c", "exit 7"],
                                            labels={"podc.session": SESSION})
        self.assertEqual(len(cid), 64)
        self.client.containers.start(name)
        self.assertEqual(self.client.containers.wait(name, timeout_ms=30000), 7)
        self.client.containers.remove(name)
        self.assertFalse(self.client.containers.exists(name))


class TestNetworksImages(PodcTestCase):
    def test_network_ensure_remove(self):
        net = uname("net")
        try:
            self.assertTrue(self.client.networks.ensure(net, labels={"podc.session": SESSION}))
            self.assertFalse(self.client.networks.ensure(net))
            self.assertTrue(self.client.networks.exists(net))
            self.assertEqual(self.client.networks.inspect(net)["name"], net)
        finally:
            self.client.networks.remove(net)
        self.assertFalse(self.client.networks.exists(net))
        with self.assertRaises(podc.NotFound):
            self.client.networks.remove(net)

    def test_image_build_and_failure(self):
        self.assertTrue(self.client.images.exists(BASE))
        self.assertFalse(self.client.images.exists("localhost/podc-py-no-such-image:x"))
        ctx = tempfile.mkdtemp(prefix="podc-py-build-")
        tag = "localhost/%s:t" % uname("img")
        try:
            with open(os.path.join(ctx, "Containerfile"), "w") as f:
                f.write("FROM %s\nARG GREETING\nRUN %s sh -c 'echo built-$GREETING > /greeting'\n" % (BASE, BUSYBOX))
            lines = []
            iid = self.client.images.build(ctx, tag, build_args={"GREETING": "py"}, progress=lines.append,
                                           pull_never=True, labels={"podc.session": SESSION})
            self.assertEqual(len(iid), 64)
            self.assertTrue(any("STEP" in x for x in lines), lines)
            self.assertTrue(self.client.images.exists(tag))

            with open(os.path.join(ctx, "Fail.Containerfile"), "w") as f:
                f.write("FROM %s\nRUN %s sh -c 'echo failing-step-output; exit 3'\n" % (BASE, BUSYBOX))
            with self.assertRaises(podc.BuildFailed) as cm:
                self.client.images.build(ctx, uname("bad") + ":t", containerfile="Fail.Containerfile",
                                         pull_never=True)
            self.assertEqual(cm.exception.category, "build")
            self.assertIn("failing-step-output", cm.exception.log_tail or "")
        finally:
            shutil.rmtree(ctx, ignore_errors=True)
            try:
                self.client.images.remove(tag, force=True)
            except podc.PodcError:
                pass


class TestStreamsCopyEvents(PodcTestCase):
    def test_exec_and_logs_streaming(self):
        svc = self.sleeper()
        out = []
        code, so, se = self.client.containers.exec(svc.name, [BUSYBOX, "sh", "-c", "echo o; echo e >&2; exit 4"],
                                                   callback=lambda stream, data: out.append((stream, data)))
        self.assertEqual(code, 4)
        self.assertEqual(sorted(out), [(podc.STDOUT, b"o\n"), (podc.STDERR, b"e\n")])
        logs = []
        self.client.containers.stream_logs(svc.name, lambda stream, data: logs.append(data), follow=False)
        self.assertIn(b"started\n", logs)

    def test_copy_in_out_and_files(self):
        import io
        import tarfile
        svc = self.sleeper()
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tf:
            body = b"podc copy\n" * 3000
            ti = tarfile.TarInfo("conf/app.ini")
            ti.size = len(body)
            tf.addfile(ti, io.BytesIO(body))
        self.client.containers.copy_in(svc.name, "/srv", buf.getvalue())
        out = io.BytesIO()
        self.client.containers.copy_out(svc.name, "/srv/conf", out)
        out.seek(0)
        with tarfile.open(fileobj=out) as tf:
            self.assertEqual(tf.extractfile("conf/app.ini").read(), body)
        self.client.containers.put_file(svc.name, "/srv", "note.txt", "hello\n", mode=0o600)
        self.assertEqual(self.client.containers.get_file(svc.name, "/srv/note.txt"), b"hello\n")
        with self.assertRaises(podc.NotFound):
            self.client.containers.copy_out(svc.name, "/nonexistent")

    def test_events(self):
        name = self.track(uname("ev"))
        seen = []
        errors = []

        def watch():
            try:
                with podc.Client() as w:
                    w.events(lambda e: seen.append(e["action"]) or e["action"] == "start",
                             filters={"container": name, "type": "container"})
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)
        t = threading.Thread(target=watch)
        t.start()
        time.sleep(0.3)
        self.client.containers.create(BASE, name=name, command=[BUSYBOX, "sleep", "600"])
        self.client.containers.start(name)
        t.join(30)
        self.assertFalse(t.is_alive(), "no start event within 30 s")
        self.assertEqual(errors, [])
        self.assertEqual(seen[-1], "start")
        replay = []
        self.client.events(lambda e: replay.append(e["action"]), filters={"container": name}, since="5m",
                           follow=False)
        self.assertIn("create", replay)

    def test_images_list(self):
        d = tempfile.mkdtemp()
        try:
            with open(os.path.join(d, "Containerfile"), "w") as f:
                f.write("FROM %s\nRUN true\n" % BASE)
            tag = "localhost/%s:1" % uname("pylist")
            iid = self.client.images.build(d, tag=tag, labels={"podc.py.test": "list"}, pull_policy="never")
            try:
                found = [i for i in self.client.images.list(labels={"podc.py.test": "list"}) if i["id"] == iid]
                self.assertEqual(len(found), 1)
                self.assertEqual(found[0]["tags"], [tag])
                self.assertEqual(found[0]["labels"]["podc.py.test"], "list")
                self.assertGreater(found[0]["size"], 0)
            finally:
                self.client.images.remove(iid, force=True)
        finally:
            shutil.rmtree(d)


class TestStack(PodcTestCase):
    def test_graph_up_and_down(self):
        name = uname("stk")
        lines = []
        spec = StackSpec(name, session=SESSION, progress=lines.append)
        spec.service("web", image=HTTPSVC, ports={8080: 0}, checks=[HttpCheck(8080, "/healthz")],
                     timeout_ms=30000)
        spec.job("probe", image=BASE, command=[BUSYBOX, "sh", "-c", "getent hosts web"],
                 depends_on={"web": "healthy"})
        spec.service("after", image=BASE, command=[BUSYBOX, "sleep", "600"], depends_on={"probe": "completed"})
        self.assertEqual(spec.network, name + "_default")
        with spec.up(self.client) as st:
            self.assertEqual([m["name"] for m in st.members], ["web", "probe", "after"])
            self.assertEqual(st.members[1]["kind"], "job")
            status, _ = http("GET", st.service("web").url(8080, "/healthz"))
            self.assertEqual(status, 200)
            with self.assertRaises(KeyError):
                st.service("probe")
            rows = {r["member"]: r for r in st.status()}
            self.assertEqual(rows["probe"]["exit_code"], 0)
            self.assertEqual(rows["after"]["state"], "running")
        self.assertEqual(podc_stack.status(self.client, name), [])  # the block took it down
        self.assertTrue(any("started" in line for line in lines), lines)
        spec.close()

    def test_failing_job_and_cycle(self):
        name = uname("stkf")
        spec = StackSpec(name, session=SESSION)
        spec.service("db", image=BASE, command=[BUSYBOX, "sleep", "600"])
        spec.job("migrate", image=BASE, command=[BUSYBOX, "sh", "-c", "echo no such table >&2; exit 3"],
                 depends_on=["db"])
        spec.service("app", image=BASE, command=[BUSYBOX, "sleep", "600"], depends_on={"migrate": "completed"})
        with self.assertRaises(podc.HealthCheckFailed) as cm:
            spec.up(self.client)
        e = cm.exception
        self.assertEqual(e.exit_code, 3)
        self.assertEqual(e.details.get("member"), "migrate")
        self.assertEqual(e.details.get("waiting"), "app")
        self.assertIn("no such table", e.log_tail)
        self.assertEqual(podc_stack.status(self.client, name), [])
        spec.close()

        cyc = StackSpec(uname("cyc"))
        cyc.service("a", image=BASE, depends_on=["b"])
        cyc.service("b", image=BASE, depends_on=["a"])
        with self.assertRaises(podc.InvalidInput) as cm:
            cyc.up(self.client)
        self.assertIn("cycle", str(cm.exception))
        with self.assertRaises(podc.InvalidInput):
            cyc.service("c", image=BASE, depends_on={"a": "ready"})
        cyc.close()

    def test_compose_file(self):
        name = uname("cmp")
        warnings = []
        spec = StackSpec.compose(COMPOSE_DS, project=name, session=SESSION, on_warning=warnings.append,
                                 images={"datastorage": "localhost/podc-datastorage:test"})
        self.assertEqual(spec.name, name)
        with spec.up(self.client) as st:
            kinds = {m["name"]: m["kind"] for m in st.members}
            self.assertEqual(kinds, {"postgres": "service", "redis": "service", "migrate": "job",
                                     "datastorage": "service"})
            status, _ = http("GET", st.service("datastorage").url(8081, "/readyz"))
            self.assertEqual(status, 200)
        self.assertEqual(warnings, [])
        spec.close()
        with self.assertRaises(podc.InvalidInput) as cm:
            StackSpec.compose(COMPOSE_DS, strict=True, variables={"PROJECT": "bad name!"})
        self.assertEqual(cm.exception.details.get("field"), "name")


class TestDataStorage(PodcTestCase):
    def stack_leftovers(self, service):
        return self.client.containers.list(labels={"podc.ds.stack": service}, all=True)

    def test_stack_up_api_down(self):
        service = uname("ds")
        lines = []
        lock = threading.Lock()

        def progress(line):
            with lock:
                lines.append(line)

        try:
            with DataStorageStack.up(self.client, service,
                                     ports={"postgres": 0, "redis": 0, "api": 0, "metrics": 0, "health": 0},
                                     migrations_dir=MIGRATIONS, session=SESSION,
                                     images={"postgres": "localhost/podc-postgres:test",
                                             "redis": "localhost/podc-redis:test",
                                             "datastorage": "localhost/podc-datastorage:test"},
                                     timeout_ms=90000, progress=progress) as st:
                self.assertEqual(st.service, service)
                self.assertEqual(st.containers["postgres"], service + "_postgres_test")
                self.assertTrue(all(p > 0 for p in st.ports.values()), st.ports)
                self.assertIn(":***@", st.postgres_dsn_masked)
                self.assertNotIn("***", st.postgres_dsn)
                self.assertTrue(st.redis_addr.startswith("127.0.0.1:"))
                status, body = http("POST", st.api_url + "/api/v1/audit?msg=from-python")
                self.assertEqual(status, 201, body)
                status, _ = http("GET", st.health_url + "/readyz")
                self.assertEqual(status, 200)
                self.assertEqual(len(self.stack_leftovers(service)), 3)
                self.assertTrue(lines)
            self.assertEqual(self.stack_leftovers(service), [])
            self.assertFalse(self.client.networks.exists(service + "_test_network"))
        finally:
            podc.datastorage.down(self.client, service)  # idempotent

    def test_stack_reuse(self):
        service = uname("dsre")
        kw = dict(ports={"postgres": 0, "api": 0, "metrics": 0, "health": 0}, skip_redis=True, session=SESSION,
                  images={"postgres": "localhost/podc-postgres:test",
                          "datastorage": "localhost/podc-datastorage:test"},
                  timeout_ms=90000, reuse=True)
        try:
            cold = DataStorageStack.up(self.client, service, **kw)
            self.assertFalse(cold.reused)
            warm = DataStorageStack.up(self.client, service, **kw)
            self.assertTrue(warm.reused)
            self.assertEqual(warm.ports, cold.ports)
            self.assertLess(warm.up_ms, cold.up_ms)
            status, _ = http("GET", warm.health_url + "/readyz")
            self.assertEqual(status, 200)
        finally:
            podc.datastorage.down(self.client, service)
        self.assertEqual(self.stack_leftovers(service), [])

    def test_stack_bad_input(self):
        with self.assertRaises(podc.InvalidInput) as cm:
            DataStorageStack.up(self.client, uname("dsbad"), ports={"nope": 1})
        self.assertEqual(cm.exception.details["field"], "ports")
        with self.assertRaises(podc.InvalidInput):
            DataStorageStack.up(self.client, uname("dsbad"), migrations_dir="/nonexistent/migrations")


if __name__ == "__main__":
    unittest.main(verbosity=2)
