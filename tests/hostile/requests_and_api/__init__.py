"""Hostile requests against pages and the API, on one committed demo data set (see conftest.py).

A package of its own: the committed data lives only while these tests run, apart from the other
hostile-input tests, which make their own people and rows."""
