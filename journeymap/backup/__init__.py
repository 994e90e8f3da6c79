"""Back up one workspace to a file and restore it (docs/backups.md).

`plan` finds every model whose rows belong to a workspace by walking foreign keys, `dump`
streams those rows to one gzip'd JSON-lines file, `load` restores them in one transaction.
"""
