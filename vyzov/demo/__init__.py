"""Demo data for every role: loaded by `manage.py load_demo`, never imported by the runtime apps."""
