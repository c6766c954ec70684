"""A part added the way every new part is: one folder and one line in INSTALLED_APPS.

tests/test_architecture.py installs it and checks that its page, its navigation link and
its demo data appear with nothing else edited."""
