"""Pull and push tests of the podc Python bindings against the REAL podman service and the REAL
loopback registries of tests/env/registry.sh (nothing but 127.0.0.1 is ever contacted).

Needs, from `eval "$(tests/env/podman-service.sh)" && eval "$(tests/env/registry.sh)"`:
PODC_REGISTRY (anonymous, plain HTTP; the service's registries.conf rewrites docker.io to it),
PODC_AUTH_REGISTRY (htpasswd, plain HTTP), PODC_REGISTRY_USER, PODC_REGISTRY_PASSWORD.
Every test FAILS (does not skip) when one is missing.
"""

import base64
import json
import os
import re
import shutil
import sys
import tempfile
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # bindings/python

import podc  # noqa: E402
from podc.datastorage import DataStorageStack  # noqa: E402
from podc.service import Service, TcpCheck  # noqa: E402

BASE = "localhost/podc-base:latest"
HTTPSVC = "localhost/podc-httpsvc:test"
REDIS_UPSTREAM = "docker.io/library/redis:7-alpine"
REDIS_LOCAL = "localhost/podc-redis:test"  # the same image under a name this file never removes
SESSION = "podc-py-%d" % os.getpid()
ENV_VARS = ("PODC_REGISTRY", "PODC_AUTH_REGISTRY", "PODC_REGISTRY_USER", "PODC_REGISTRY_PASSWORD")
HEX64 = re.compile(r"^[0-9a-f]{64}$")

_counter = [0]
_MANIFEST_TYPES = ", ".join(["application/vnd.oci.image.manifest.v1+json",
                             "application/vnd.docker.distribution.manifest.v2+json",
                             "application/vnd.oci.image.index.v1+json",
                             "application/vnd.docker.distribution.manifest.list.v2+json"])
# loopback only, never through a proxy from the environment
_LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def registry_delete(registry, repo, tag):
    """Deletes repo:tag's manifest from a loopback registry (Docker registry API v2). Returns
    the HTTP status of the DELETE (202), or that of the lookup (404: nothing to delete; 405:
    the registry does not allow deletes)."""
    assert registry.startswith("127.0.0.1:") or registry.startswith("localhost:"), registry
    base = "http://%s/v2/%s/manifests/" % (registry, repo)
    try:
        req = urllib.request.Request(base + tag, method="HEAD", headers={"Accept": _MANIFEST_TYPES})
        with _LOOPBACK.open(req, timeout=10) as r:
            digest = r.headers["Docker-Content-Digest"]
        with _LOOPBACK.open(urllib.request.Request(base + digest, method="DELETE"), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def uname(tag):
    _counter[0] += 1
    return "podc-py-%d-%s%d" % (os.getpid(), tag, _counter[0])


class PullTestCase(unittest.TestCase):
    def setUp(self):
        missing = [v for v in ENV_VARS if not os.environ.get(v)]
        if missing:
            self.fail("%s not set: run `eval \"$(tests/env/podman-service.sh)\" && "
                      "eval \"$(tests/env/registry.sh)\"` first (loopback registries)" % ", ".join(missing))
        self.reg = os.environ["PODC_REGISTRY"]
        self.auth_reg = os.environ["PODC_AUTH_REGISTRY"]
        self.user = os.environ["PODC_REGISTRY_USER"]
        self.password = os.environ["PODC_REGISTRY_PASSWORD"]
        for name, addr in (("PODC_REGISTRY", self.reg), ("PODC_AUTH_REGISTRY", self.auth_reg)):
            self.assertTrue(addr.startswith("127.0.0.1:") or addr.startswith("localhost:"),
                            "%s=%s is not a loopback registry" % (name, addr))
        self.client = podc.Client()
        self.images = self.client.images
        self._untag = []
        self._containers = []

    def tearDown(self):
        for ref in self._untag:
            try:
                self.images.remove(ref)  # a name of several: untags only
            except podc.NotFound:
                pass
        for name in self._containers:
            try:
                self.client.containers.remove(name, force=True, ignore_missing=True)
            except podc.PodcError:
                pass
        self.client.close()

    @classmethod
    def tearDownClass(cls):
        with podc.Client() as c:
            podc.cleanup(c, SESSION)

    def untag_at_end(self, ref):
        self._untag.append(ref)
        return ref

    def image_id(self, ref):
        return self.images.inspect(ref)["Id"]

    def assert_no_secret(self, exc, *secrets):
        texts = [str(exc), repr(exc), json.dumps(exc.json), exc.server_message or "", exc.cause or "",
                 json.dumps(exc.details)]
        for secret in secrets:
            for t in texts:
                self.assertNotIn(secret, t)


class TestPull(PullTestCase):
    def test_pull_upstream_name_policy_always_progress(self):
        lines = []
        iid = self.images.pull(REDIS_UPSTREAM, policy="always", progress=lines.append)
        self.assertRegex(iid, HEX64)
        self.assertEqual(iid, self.image_id(REDIS_UPSTREAM))
        self.assertEqual(iid, self.image_id(REDIS_LOCAL))
        text = "\n".join(lines)
        self.assertIn("Trying to pull " + REDIS_UPSTREAM, text)
        self.assertTrue(any("manifest" in x or "Copying" in x for x in lines), lines)
        self.assertFalse(any("\n" in x for x in lines), "one call per line, without the newline")
        digest = self.images.digest(REDIS_UPSTREAM)
        self.assertTrue(digest and digest.startswith("sha256:"), digest)
        # policy missing: present, nothing fetched (no progress at all)
        quiet = []
        self.assertEqual(self.images.pull(REDIS_UPSTREAM, progress=quiet.append), iid)
        self.assertEqual(quiet, [])

    def test_progress_stops_or_raises(self):
        seen = []

        def stop(line):
            seen.append(line)
            return True

        with self.assertRaises(podc.Cancelled):
            self.images.pull(REDIS_UPSTREAM, policy="always", progress=stop)
        self.assertEqual(len(seen), 1)

        class Boom(Exception):
            pass

        def boom(_line):
            raise Boom("from the progress callback")

        with self.assertRaises(Boom) as cm:
            self.images.pull(REDIS_UPSTREAM, policy="always", progress=boom)
        self.assertIsInstance(cm.exception.__cause__, podc.Cancelled)

    def test_wrong_credentials_auth_error(self):
        wrong = "podc-wrong-%d-%s" % (os.getpid(), base64.b32encode(os.urandom(10)).decode())
        ref = "%s/podc/httpsvc:test" % self.auth_reg
        with self.assertRaises(podc.AuthError) as cm:
            self.images.pull(ref, tls_verify=False, credentials=(self.user, wrong), retries=1,
                             policy="always")
        e = cm.exception
        self.assertIsInstance(e, podc.PodcError)
        self.assertEqual((e.code, e.category), (-14, "auth"))
        self.assertEqual(e.details.get("registry"), self.auth_reg)
        self.assert_no_secret(e, wrong, self.password)
        # nor in the options' repr
        self.assertNotIn(wrong, repr(podc.PullOptions(credentials=(self.user, wrong))))
        # no credentials at all (an empty auth file: nothing is found) is the same category
        d = tempfile.mkdtemp(prefix="podc-py-auth-")
        try:
            path = os.path.join(d, "auth.json")
            with open(path, "w") as f:
                json.dump({"auths": {}}, f)
            with self.assertRaises(podc.AuthError):
                self.images.pull(ref, tls_verify=False, authfile=path, retries=1, policy="always")
        finally:
            shutil.rmtree(d, ignore_errors=True)
        # push with wrong credentials too
        with self.assertRaises(podc.AuthError) as cm:
            self.images.push(HTTPSVC, "%s/podc-bind-%d/denied:1" % (self.auth_reg, os.getpid()),
                             tls_verify=False, credentials=(self.user, wrong), retries=1)
        self.assert_no_secret(cm.exception, wrong, self.password)

    def test_right_credentials_and_authfile(self):
        ref = self.untag_at_end("%s/podc/httpsvc:test" % self.auth_reg)
        iid = self.images.pull(ref, policy="always", tls_verify=False, credentials=(self.user, self.password))
        self.assertRegex(iid, HEX64)
        self.assertEqual(iid, self.image_id(HTTPSVC))
        self.assertEqual(iid, self.image_id(ref))
        # the same credentials from an auth file (podman's auth.json format)
        d = tempfile.mkdtemp(prefix="podc-py-auth-")
        try:
            path = os.path.join(d, "auth.json")
            token = base64.b64encode(("%s:%s" % (self.user, self.password)).encode()).decode()
            with open(path, "w") as f:
                json.dump({"auths": {self.auth_reg: {"auth": token}}}, f)
            self.assertEqual(self.images.pull(ref, policy="always", tls_verify=False, authfile=path), iid)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_missing_tag_not_found(self):
        ref = "%s/library/redis:podc-no-such-tag-%d" % (self.reg, os.getpid())
        with self.assertRaises(podc.NotFound) as cm:
            self.images.pull(ref, tls_verify=False, retries=1)
        self.assertEqual(cm.exception.category, "not_found")
        self.assertFalse(self.images.exists(ref))
        # policy never: no local image is not found either, and nothing is fetched
        with self.assertRaises(podc.NotFound):
            self.images.pull("%s/podc/httpsvc:podc-never-%d" % (self.reg, os.getpid()), policy="never",
                             tls_verify=False)

    def test_push_then_pull_back(self):
        repo = "podc-bind-%d/x" % os.getpid()
        dest = self.untag_at_end("%s/%s:1" % (self.reg, repo))

        def delete_pushed():
            status = registry_delete(self.reg, repo, "1")
            self.assertIn(status, (202, 404, 405), "deleting %s:1 from %s" % (repo, self.reg))
        self.addCleanup(delete_pushed)
        want = self.image_id(HTTPSVC)
        lines = []
        digest = self.images.push(HTTPSVC, dest, tls_verify=False, progress=lines.append)
        self.assertTrue(digest is None or digest.startswith("sha256:"), digest)
        self.assertTrue(lines, "push reported no progress")
        if self.images.exists(dest):  # podman does not tag on push; be sure the pull fetches
            self.images.remove(dest)
        iid = self.images.pull(dest, policy="always", tls_verify=False)
        self.assertEqual(iid, want)
        self.assertEqual(self.image_id(dest), want)
        if digest is not None:
            self.assertEqual(self.images.digest(dest), digest)
        # a missing local image cannot be pushed
        with self.assertRaises(podc.NotFound):
            self.images.push("localhost/podc-py-no-such-image-%d:x" % os.getpid(), dest, tls_verify=False)

    def test_bad_options_nothing_sent(self):
        ref = "%s/podc/httpsvc:test" % self.reg
        cases = [({"policy": "sometimes"}, "policy"), ({"platform": "linux"}, "platform"),
                 ({"retries": 11}, "retries"), ({"retries": 0}, "retries"),
                 ({"credentials": ("", "x")}, "credentials"),
                 ({"credentials": (self.user, self.password), "identity_token": "t"}, "credentials"),
                 ({"timeout_ms": -1}, "timeout_ms")]
        for kw, field in cases:
            with self.assertRaises(podc.InvalidInput, msg=kw) as cm:
                self.images.pull(ref, **kw)
            self.assertEqual(cm.exception.details.get("field"), field, kw)
            self.assert_no_secret(cm.exception, self.password)
        with self.assertRaises(podc.InvalidInput) as cm:
            self.images.pull("Bad Ref!")
        self.assertEqual(cm.exception.http_status, 0)
        # an auth file the OS refuses (a directory) is a local file error, not bad input
        with self.assertRaises(podc.LocalFileError) as cm:
            self.images.pull(ref, authfile="/")
        self.assertEqual((cm.exception.category, cm.exception.details.get("path")), ("local_file", "/"))
        with self.assertRaises(podc.InvalidInput):
            self.images.pull(ref, authfile="/nonexistent/podc-auth.json")
        self.assertEqual(podc.PULL_POLICIES, ("missing", "always", "newer", "never"))
        self.assertEqual(podc.pull.pull_policy_name(2), "newer")

    def test_build_pull_policy(self):
        ctx = tempfile.mkdtemp(prefix="podc-py-build-")
        tag = "localhost/%s:t" % uname("pullpol")
        try:
            with open(os.path.join(ctx, "Containerfile"), "w") as f:
                f.write("FROM %s\nLABEL podc.test=pull-policy\n" % BASE)
            iid = self.images.build(ctx, tag, pull_policy="never", labels={"podc.session": SESSION})
            self.assertRegex(iid, HEX64)
            with open(os.path.join(ctx, "Missing.Containerfile"), "w") as f:
                f.write("FROM %s/library/podc-no-such-base-%d:1\n" % (self.reg, os.getpid()))
            with self.assertRaises(podc.PodcError):
                self.images.build(ctx, uname("nobase") + ":t", containerfile="Missing.Containerfile",
                                  pull_policy="never")
            with self.assertRaises(podc.InvalidInput):
                self.images.build(ctx, tag, pull_policy="always", pull_never=True)
        finally:
            shutil.rmtree(ctx, ignore_errors=True)
            try:
                self.images.remove(tag, force=True)
            except podc.PodcError:
                pass


class TestServicePull(PullTestCase):
    def test_service_pulls_absent_image(self):
        self.assertEqual(self.image_id(REDIS_UPSTREAM), self.image_id(REDIS_LOCAL),
                         "%s must carry the image of %s too (tests/env/registry.sh)" % (REDIS_UPSTREAM, REDIS_LOCAL))
        self.images.remove(REDIS_UPSTREAM)  # only this name: the image stays under REDIS_LOCAL
        try:
            self.assertFalse(self.images.exists(REDIS_UPSTREAM))
            self.assertTrue(self.images.exists(REDIS_LOCAL))
            # policy never: nothing is pulled, nothing is created
            never = self._track(uname("never"))
            with self.assertRaises(podc.NotFound):
                Service.start(self.client, name=never, image=REDIS_UPSTREAM, pull="never", session=SESSION,
                              timeout_ms=30000)
            self.assertFalse(self.client.containers.exists(never))
            self.assertFalse(self.images.exists(REDIS_UPSTREAM))
            # policy missing (the default) pulls it first
            name = self._track(uname("redis"))
            lines = []
            with Service.start(self.client, name=name, image=REDIS_UPSTREAM, session=SESSION,
                               pull={"policy": "missing", "retries": 2, "backoff_ms": 200},
                               ports={6379: 0}, checks=[TcpCheck(6379)], timeout_ms=60000,
                               progress=lines.append) as svc:
                self.assertTrue(self.images.exists(REDIS_UPSTREAM))
                self.assertEqual(self.client.containers.inspect(svc.name)["ImageName"], REDIS_UPSTREAM)
                self.assertTrue(any(("pulling %s: " % REDIS_UPSTREAM) in x for x in lines), lines)
            self.assertFalse(self.client.containers.exists(name))
        finally:
            if not self.images.exists(REDIS_UPSTREAM):  # put the name back for everyone else
                self.images.tag(REDIS_LOCAL, "docker.io/library/redis", "7-alpine")

    def _track(self, name):
        self._containers.append(name)
        return name

    def test_datastorage_pull_auth_error_leaves_nothing(self):
        service = uname("dspull")
        wrong = "podc-wrong-ds-%d" % os.getpid()
        try:
            with self.assertRaises(podc.AuthError) as cm:
                DataStorageStack.up(self.client, service, session=SESSION,
                                    ports={"postgres": 0, "redis": 0, "api": 0, "metrics": 0, "health": 0},
                                    images={"redis": "%s/podc/httpsvc:test" % self.auth_reg},
                                    pull=podc.PullOptions(policy="always", tls_verify=False,
                                                          credentials=(self.user, wrong), retries=1))
            self.assert_no_secret(cm.exception, wrong, self.password)
            self.assertEqual(self.client.containers.list(labels={"podc.ds.stack": service}), [])
            self.assertFalse(self.client.networks.exists(service + "_test_network"))
        finally:
            podc.datastorage.down(self.client, service)


if __name__ == "__main__":
    unittest.main(verbosity=2)
