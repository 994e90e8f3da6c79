"""`make reliability`: the scenarios of docs/reliability.md, run through nginx in front of
several server processes (deploy/stack.py), printed as one table."""
