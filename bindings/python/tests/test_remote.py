"""Remote podman tests of the podc Python bindings: tcp://, ssh:// and named connections,
against the REAL second podman service (tcp://) and the REAL sshd of the test environment.

Needs, from `eval "$(tests/env/podman-service.sh)" && eval "$(tests/env/sshd.sh)"`:
PODC_TCP_URI (tcp://127.0.0.1:18123, a podman `system service tcp://...`), PODC_SSH_URI
(ssh://root@127.0.0.1:2222/run/podman/podman.sock), PODC_SSH_HOME (a HOME whose ~/.ssh holds
the key and known_hosts) and PODC_SSH_KEY. Every test FAILS (does not skip) when one is
missing. Every environment variable a test changes is restored when it ends.
"""

import os
import shutil
import sys
import tempfile
import threading
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # bindings/python

import podc  # noqa: E402
from podc.service import HttpCheck, Service  # noqa: E402

HTTPSVC = "localhost/podc-httpsvc:test"
SESSION = "podc-py-remote-%d" % os.getpid()
ENV_VARS = ("PODC_TCP_URI", "PODC_SSH_URI", "PODC_SSH_HOME", "PODC_SSH_KEY")
# every variable that picks the service: unset unless a test sets it
DISCOVERY_VARS = ("CONTAINER_CONNECTION", "CONTAINER_HOST", "CONTAINER_SSHKEY", "DOCKER_HOST")
# the endpoints are on loopback: never through a proxy from the environment
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))

_counter = [0]


def uname(tag):
    _counter[0] += 1
    return "podc-py-%d-r%s%d" % (os.getpid(), tag, _counter[0])


def http_get(url, timeout=10):
    try:
        with _DIRECT.open(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class RemoteTestCase(unittest.TestCase):
    def setUp(self):
        missing = [v for v in ENV_VARS if not os.environ.get(v)]
        if missing:
            self.fail("%s not set: run `eval \"$(tests/env/podman-service.sh)\" && "
                      "eval \"$(tests/env/sshd.sh)\"` first (the tcp:// service and the sshd)"
                      % ", ".join(missing))
        self.tcp_uri = os.environ["PODC_TCP_URI"]
        self.ssh_uri = os.environ["PODC_SSH_URI"]
        self.ssh_home = os.environ["PODC_SSH_HOME"]
        self.ssh_key = os.environ["PODC_SSH_KEY"]
        self.assertTrue(self.tcp_uri.startswith("tcp://"), self.tcp_uri)
        self.assertTrue(self.ssh_uri.startswith("ssh://"), self.ssh_uri)
        self.tcp_host = self.tcp_uri[len("tcp://"):].rsplit(":", 1)[0]
        self.ssh_host = self.ssh_uri[len("ssh://"):].split("/", 1)[0].rsplit("@", 1)[-1].rsplit(":", 1)[0]
        self._saved_env = {}
        self._clients = []

    def tearDown(self):
        for c in self._clients:
            c.close()
        for k, v in self._saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    def setenv(self, **kw):
        """Sets (str) or unsets (None) variables until the test ends (then restored)."""
        for k, v in kw.items():
            self._saved_env.setdefault(k, os.environ.get(k))
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    def no_discovery_env(self):
        self.setenv(**{k: None for k in DISCOVERY_VARS})

    def ssh_env(self, home=None):
        """HOME with the key and known_hosts; no agent (only the key files are tried)."""
        self.setenv(HOME=home or self.ssh_home, SSH_AUTH_SOCK=None)

    def client(self, *args, **kw):
        c = podc.Client(*args, **kw)
        self._clients.append(c)
        return c

    def tmpdir(self):
        d = tempfile.mkdtemp(prefix="podc-py-remote-")
        self.addCleanup(shutil.rmtree, d, True)
        return d

    @classmethod
    def tearDownClass(cls):
        with podc.Client() as c:  # the default service: the same storage as tcp:// and ssh://
            podc.cleanup(c, SESSION)


class TestRemoteClients(RemoteTestCase):
    def test_tcp_client(self):
        c = self.client(uri=self.tcp_uri, timeout_ms=30000)
        self.assertEqual(c.scheme, "tcp")
        self.assertEqual(c.uri, self.tcp_uri)
        self.assertEqual(c.host, self.tcp_host)
        self.assertIsNone(c.socket_path)
        self.assertEqual(c.socket_source, "option")
        self.assertTrue(c.ping())
        self.assertTrue(c.version()["server"])
        self.assertIn("tcp", repr(c))

    def test_ssh_client(self):
        self.ssh_env()
        c = self.client(uri=self.ssh_uri)
        self.assertEqual(c.scheme, "ssh")
        self.assertEqual(c.uri, self.ssh_uri)
        self.assertEqual(c.host, self.ssh_host)
        self.assertEqual(c.socket_path, "/run/podman/podman.sock")
        self.assertEqual(c.socket_source, "option")
        self.assertTrue(c.ping())
        self.assertTrue(c.version()["server"])

    def test_ssh_key_from_container_sshkey(self):
        # a HOME with known_hosts but no key: only $CONTAINER_SSHKEY can authenticate
        home = self.tmpdir()
        os.mkdir(os.path.join(home, ".ssh"), 0o700)
        shutil.copy(os.path.join(self.ssh_home, ".ssh", "known_hosts"), os.path.join(home, ".ssh"))
        self.no_discovery_env()
        self.ssh_env(home)
        with self.assertRaises(podc.AuthError) as cm:
            self.client(uri=self.ssh_uri)
        self.assertEqual(cm.exception.category, "auth")
        self.assertEqual(cm.exception.code, -14)
        self.setenv(CONTAINER_HOST=self.ssh_uri, CONTAINER_SSHKEY=self.ssh_key)
        c = self.client()
        self.assertEqual(c.socket_source, "CONTAINER_HOST")
        self.assertEqual(c.scheme, "ssh")
        self.assertTrue(c.ping())

    def test_like_tcp_and_ssh(self):
        self.ssh_env()
        for uri in (self.tcp_uri, self.ssh_uri):
            with self.subTest(uri=uri):
                a = self.client(uri=uri)
                b = a.like()
                self._clients.append(b)
                c = podc.Client.new_like(a)
                self._clients.append(c)
                for x in (b, c):
                    self.assertIsNot(x.handle.value, a.handle.value)
                    self.assertEqual((x.uri, x.scheme, x.host, x.socket_source),
                                     (a.uri, a.scheme, a.host, a.socket_source))
                # the copies are independent: calls side by side on two threads
                errors = []

                def pings(cl):
                    try:
                        for _ in range(20):
                            cl.ping()
                    except Exception as e:  # reported below
                        errors.append(e)
                threads = [threading.Thread(target=pings, args=(cl,)) for cl in (a, b, c)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(60)
                self.assertEqual(errors, [])
                b.close()
                self.assertTrue(a.ping())  # closing a copy leaves the original alone

    def test_service_over_ssh(self):
        self.ssh_env()
        c = self.client(uri=self.ssh_uri)
        name = uname("web")
        svc = Service.start(c, name=name, image=HTTPSVC, ports={8080: 0},
                            checks=[HttpCheck(8080, "/healthz")], session=SESSION, timeout_ms=60000)
        with svc:
            self.assertEqual(svc.host, c.host)
            self.assertEqual(svc.host, self.ssh_host)
            port = svc.host_port(8080)
            self.assertGreater(port, 0)
            url = svc.url(8080, "/healthz")
            self.assertEqual(url, "http://%s:%d/healthz" % (svc.host, port))
            status, _ = http_get(url)
            self.assertEqual(status, 200)
            listed = c.containers.list(labels={"podc.session": SESSION}, name="^%s$" % name)
            self.assertEqual([x["state"] for x in listed], ["running"])
        # leaving the block stopped and removed it
        self.assertFalse(c.containers.exists(name))


class TestRemoteErrors(RemoteTestCase):
    def test_container_host_dead_no_fallback(self):
        self.no_discovery_env()
        self.setenv(CONTAINER_HOST="tcp://127.0.0.1:1")
        with self.assertRaises(podc.TransportError) as cm:
            self.client(connect_timeout_ms=3000)  # the local socket answers, but is not used
        e = cm.exception
        self.assertEqual(e.category, "transport")
        self.assertIn("127.0.0.1:1", str(e))

    def test_unknown_scheme(self):
        with self.assertRaises(podc.InvalidInput) as cm:
            self.client(uri="http://127.0.0.1:18123")
        self.assertEqual(cm.exception.details.get("field"), "uri")
        self.assertEqual(cm.exception.category, "invalid_input")
        self.no_discovery_env()
        self.setenv(CONTAINER_HOST="ftp://127.0.0.1/podman.sock")
        with self.assertRaises(podc.InvalidInput) as cm:
            self.client()
        self.assertEqual(cm.exception.details.get("field"), "uri")

    def test_uri_and_connection_both(self):
        with self.assertRaises(podc.InvalidInput):
            self.client(uri=self.tcp_uri, connection="x")


class TestNamedConnections(RemoteTestCase):
    def write_conf(self, extra=""):
        d = self.tmpdir()
        conf = os.path.join(d, "containers.conf")
        with open(conf, "w") as f:
            f.write('[engine]\nactive_service = "x"\n[engine.service_destinations.x]\nuri = "%s"\n%s'
                    % (self.tcp_uri, extra))
        # only this file names services: no podman-connections.json in a fresh HOME either
        self.no_discovery_env()
        self.setenv(CONTAINERS_CONF=conf, HOME=d, XDG_CONFIG_HOME=None)
        return conf

    def test_default_connection(self):
        self.write_conf()
        c = self.client()
        self.assertEqual(c.socket_source, "default connection x")
        self.assertEqual(c.uri, self.tcp_uri)
        self.assertEqual(c.scheme, "tcp")
        self.assertEqual(c.host, self.tcp_host)
        self.assertTrue(c.ping())
        d = c.like()  # no discovery again
        self._clients.append(d)
        self.assertEqual(d.socket_source, "default connection x")

    def test_named_connection_option_and_env(self):
        self.write_conf('[engine.service_destinations.dead]\nuri = "tcp://127.0.0.1:1"\n')
        c = self.client(connection="x")
        self.assertEqual(c.socket_source, "connection x")
        self.assertEqual(c.uri, self.tcp_uri)
        self.assertTrue(c.ping())
        self.setenv(CONTAINER_CONNECTION="x")
        c = self.client()
        self.assertEqual(c.socket_source, "CONTAINER_CONNECTION x")
        self.assertTrue(c.ping())
        # a named service is used or fails: no fallback to the default connection
        with self.assertRaises(podc.TransportError):
            self.client(connection="dead", connect_timeout_ms=3000)
        with self.assertRaises(podc.NotFound) as cm:
            self.client(connection="podc-no-such-connection")
        self.assertEqual(cm.exception.category, "not_found")


if __name__ == "__main__":
    unittest.main()
