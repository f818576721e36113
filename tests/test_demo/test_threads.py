"""mfm_mm.demo.threads: the demo's torch thread count, measured unless asked for."""
import pytest
import torch

from mfm_mm.demo.threads import (candidate_threads, choose_num_threads, default_jobs, describe,
                                 usable_cores)


@pytest.fixture(autouse=True)
def keep_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_flag_wins_over_environment(monkeypatch):
    monkeypatch.setenv('MFM_DEMO_THREADS', '2')
    assert choose_num_threads(1) == (1, '--threads', {})
    assert torch.get_num_threads() == 1


def test_environment_variables_in_order(monkeypatch):
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    monkeypatch.setenv('MFM_DEMO_THREADS', '2')
    assert choose_num_threads()[:2] == (2, 'MFM_DEMO_THREADS')
    monkeypatch.delenv('MFM_DEMO_THREADS')
    assert choose_num_threads()[:2] == (1, 'OMP_NUM_THREADS')


def test_bad_count_names_its_source(monkeypatch):
    monkeypatch.setenv('MFM_DEMO_THREADS', 'two')
    with pytest.raises(ValueError, match="MFM_DEMO_THREADS: .* got 'two'"):
        choose_num_threads()


def test_measured_picks_the_fastest(monkeypatch):
    monkeypatch.delenv('MFM_DEMO_THREADS', raising=False)
    monkeypatch.delenv('OMP_NUM_THREADS', raising=False)
    count, source, timings = choose_num_threads(repeats=1)
    assert source == 'measured' and list(timings) == list(candidate_threads())
    assert count == min(timings, key=timings.get) and torch.get_num_threads() == count
    assert all(0 < seconds < 5 for seconds in timings.values())
    assert describe(1, 'measured', {1: 0.0414, 2: 0.18}) == (
        'torch threads: 1 (measured: 1 -> 41 ms, 2 -> 180 ms)')
    assert describe(2, '--threads', {}) == 'torch threads: 2 (--threads)'


def test_candidates_are_powers_of_two_up_to_the_cores():
    counts = candidate_threads()
    assert counts[0] == 1 and all(b == 2 * a for a, b in zip(counts, counts[1:]))


def test_default_replaces_the_measurement_not_the_request(monkeypatch):
    monkeypatch.delenv('MFM_DEMO_THREADS', raising=False)
    monkeypatch.delenv('OMP_NUM_THREADS', raising=False)
    assert choose_num_threads(default=1) == (1, 'one per run', {})
    assert choose_num_threads(2, default=1) == (2, '--threads', {})
    monkeypatch.setenv('OMP_NUM_THREADS', '2')
    assert choose_num_threads(default=1)[:2] == (2, 'OMP_NUM_THREADS')


def test_jobs_share_the_cores_between_runs(monkeypatch):
    monkeypatch.setattr('os.sched_getaffinity', lambda pid: {0, 1, 2, 3})
    assert usable_cores() == 4
    assert [default_jobs(threads) for threads in (1, 2, 3, 4, 8)] == [4, 2, 1, 1, 1]
