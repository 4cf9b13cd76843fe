"""Both background imports (the register's list of children and the monitoring figures) tell their
progress by one rule (`cases.models.ImportProgress`)."""

import pytest

from vyzov.cases.models import ImportJob, ImportStatus
from vyzov.monitoring.models import FigureImportJob


@pytest.mark.parametrize("job_class", [ImportJob, FigureImportJob])
def test_progress_of_both_imports(job_class):
    assert job_class(status=ImportStatus.VALIDATING, total_rows=0, processed_rows=0).progress_percent == 0
    halfway = job_class(status=ImportStatus.VALIDATING, total_rows=200, processed_rows=102)
    assert (halfway.progress_percent, halfway.is_running) == (51, True)
    # A count past the total (rows added while reading) never shows more than 100 %.
    assert job_class(status=ImportStatus.IMPORTING, total_rows=10, processed_rows=12).progress_percent == 100


@pytest.mark.parametrize("job_class", [ImportJob, FigureImportJob])
@pytest.mark.parametrize(
    ("status", "running"),
    [
        (ImportStatus.QUEUED, True),
        (ImportStatus.IMPORTING, True),
        (ImportStatus.NEEDS_DECISION, False),
        (ImportStatus.DONE, False),
        (ImportStatus.FAILED, False),
    ],
)
def test_only_queued_checking_and_writing_jobs_are_running(job_class, status, running):
    assert job_class(status=status).is_running is running
