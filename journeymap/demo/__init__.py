"""The demo workspace that `manage.py seed_demo` builds (see `seed.seed_demo`)."""
