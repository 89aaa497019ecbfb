# CLI tests (owned by the CLI work)
