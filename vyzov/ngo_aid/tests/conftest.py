"""The aid fixtures, shared by the test modules of the app."""

from .test_ngo_aid import (  # noqa: F401
    forms,
    irkutsk,
    khabarovsk,
    operator_irkutsk,
    operator_khabarovsk,
)
