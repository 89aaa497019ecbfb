# CLI tests (owned by the CLI work): the built tool against the real podman service.
TESTS += tests/cli/test_cli.sh
EXTRA_DIST += tests/cli/test_cli.sh
