"""A run collected before midnight and reaching a test after it must not compare yesterday with today."""

import datetime as dt

from django.utils import timezone

TODAY = dt.date(2000, 1, 1)  # as if this module had been imported long before its test runs


def test_ivan_runs_past_midnight_and_his_module_today_is_the_day_the_test_runs():
    assert timezone.localdate() == TODAY
