"""Demo content (`seed_demo`) and bulk benchmark data (`seed_scale`).

The top of the import layers: it may import accounts, articles and community, and none of them imports
it, so a production deployment can leave "demo" out of INSTALLED_APPS and lose nothing but the two
commands.
"""
