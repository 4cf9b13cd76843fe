"""Benchmarks and the national data generator: `manage.py bench`, `manage.py generate_national`."""
