"""`make run` keeps its background worker alive: scripts/run_worker.sh restarts it when it dies."""

import os
import signal
import subprocess
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "run_worker.sh"


def test_a_worker_that_dies_is_started_again_and_stops_with_the_server(tmp_path):
    starts = tmp_path / "starts"
    # A "worker" that dies at once, like db_worker did on «database is locked».
    worker = f"echo started >> {starts}; exit 1"
    process = subprocess.Popen(
        [str(SCRIPT), "sh", "-c", worker],
        env={**os.environ, "WORKER_RESTART_DELAY": "0.2"},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
            not starts.exists() or len(starts.read_text().splitlines()) < 3
        ):
            time.sleep(0.1)
        assert len(starts.read_text().splitlines()) >= 3
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "перезапуск" in err


def test_stopping_the_supervisor_stops_a_running_worker(tmp_path):
    pid_file = tmp_path / "pid"
    worker = f"echo $$ > {pid_file}; exec sleep 60"
    process = subprocess.Popen([str(SCRIPT), "sh", "-c", worker], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not pid_file.exists():
            time.sleep(0.05)
        time.sleep(0.2)
        worker_pid = int(pid_file.read_text())
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    time.sleep(0.2)
    try:
        os.kill(worker_pid, 0)
    except ProcessLookupError:
        return
    # a zombie not yet reaped by init is gone too
    state = Path(f"/proc/{worker_pid}/stat").read_text().split()[2]
    assert state == "Z"
