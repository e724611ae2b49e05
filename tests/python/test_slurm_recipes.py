"""The Slurm recipes of configs/slurm/, run outside Slurm: the batch scripts with Slurm's
environment variables set by hand, and srun and scontrol replaced by stand-ins on PATH. Two
array tasks then the merge give the sweep a run in one piece gives; the shard count comes from
the array, which must be 1-N without gaps; a missing shard is named with the command that
reruns it; the allocation's memory reaches salvosim; a task stopped before the time limit is
requeued, a failed one is not."""

import os
import shutil
import subprocess

import pytest
from test_sweep_files import assert_same_content

from conftest import ROOT

SLURM = ROOT / "configs" / "slurm"
SCRIPTS = sorted(SLURM.glob("*.sbatch")) + [SLURM / "salvosim_slurm.sh"]

# Stand-ins for Slurm's commands: srun drops its options and runs the command (a step of one
# task); scontrol writes its arguments to a file, to be read back.
SRUN = '#!/bin/sh\nwhile [ "${1#-}" != "$1" ]; do shift; done\nexec "$@"\n'
SCONTROL = '#!/bin/sh\necho "$@" >>"$SCONTROL_LOG"\n'


@pytest.fixture
def cluster(tmp_path, salvosim_exe, configs_dir):
    """A tiny sweep (three points of 300 trials over the example), the stand-ins, and the
    environment every job of the recipes sees; run(script, **slurm_variables) runs one."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("srun", SRUN), ("scontrol", SCONTROL)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    sweep = tmp_path / "tiny.toml"
    sweep.write_text(
        f"""
[sweep]
name = "tiny"
base = "{configs_dir / "example.toml"}"
trials = 300
seed = 5

[[axis]]
path = "threat.shahed.count"
name = "drones"
values = [10, 40, 80]
"""
    )
    out_dir = tmp_path / "results"
    base = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "SLURM_SUBMIT_DIR": str(ROOT),
        "SLURM_CPUS_PER_TASK": "1",
        "SLURM_MEM_PER_NODE": "2048",
        "SWEEP": str(sweep),
        "OUT_DIR": str(out_dir),
        "SALVOSIM": salvosim_exe,
        "SCONTROL_LOG": str(tmp_path / "scontrol.log"),
    }

    def run(script, **variables):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM_", "SALVOSIM"))}
        env.update(base)
        env.update({k: str(v) for k, v in variables.items()})
        return subprocess.run(
            ["bash", str(SLURM / script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    return run, sweep, out_dir, tmp_path


def array_task(run, task, count=2, low=1, high=None, **variables):
    high = count if high is None else high
    return run(
        "sweep_array.sbatch",
        SLURM_ARRAY_JOB_ID=4242,
        SLURM_JOB_ID=5000 + task,
        SLURM_ARRAY_TASK_ID=task,
        SLURM_ARRAY_TASK_COUNT=count,
        SLURM_ARRAY_TASK_MIN=low,
        SLURM_ARRAY_TASK_MAX=high,
        **variables,
    )


def test_two_tasks_then_the_merge_give_the_unsharded_sweep(cluster, salvosim_exe):
    run, sweep, out_dir, tmp_path = cluster
    for task in (1, 2):
        done = array_task(run, task)
        assert done.returncode == 0, done.stderr
        assert f"shard {task}/2" in done.stdout
    assert sorted(p.name for p in out_dir.iterdir()) == ["shard-1-of-2.h5", "shard-2-of-2.h5"]
    merged = run("merge.sbatch")
    assert merged.returncode == 0, merged.stderr
    assert "merged 2 shards (3 points)" in merged.stdout
    whole = tmp_path / "whole.h5"
    subprocess.run([salvosim_exe, "sweep", str(sweep), "--out", str(whole), "--threads", "1"], check=True)
    assert_same_content(whole, out_dir / "sweep.h5")


def test_a_task_stopped_by_the_time_limit_requeues_itself_and_goes_on(cluster):
    """srun's stand-in sends SIGTERM to salvosim as --signal=TERM@120 would: the task ends with
    143 and asks scontrol to requeue it; run again (as Slurm would, SLURM_RESTART_COUNT=1), it
    goes on and writes its shard."""
    run, _, out_dir, tmp_path = cluster
    bin_dir = tmp_path / "bin"
    srun = bin_dir / "srun"
    srun.write_text('#!/bin/sh\nwhile [ "${1#-}" != "$1" ]; do shift; done\n"$@" &\nkill -TERM $!\nwait $!\n')
    stopped = array_task(run, 1)
    assert stopped.returncode == 143, stopped.stderr
    assert (tmp_path / "scontrol.log").read_text() == "requeue 5001\n"
    assert not (out_dir / "shard-1-of-2.h5").exists()

    srun.write_text(SRUN)
    resumed = array_task(run, 1, SLURM_RESTART_COUNT=1)
    assert resumed.returncode == 0, resumed.stderr
    assert (out_dir / "shard-1-of-2.h5").is_file()
    assert (tmp_path / "scontrol.log").read_text() == "requeue 5001\n"  # not again


def test_a_missing_shard_is_named_with_the_command_that_reruns_it(cluster):
    run, sweep, out_dir, _ = cluster
    for task in (1, 3):
        assert array_task(run, task, count=3).returncode == 0
    (out_dir / "shard-2-of-3.h5.checkpoint").mkdir()  # as a task stopped partway leaves it
    merged = run("merge.sbatch")
    assert merged.returncode == 2
    assert not (out_dir / "sweep.h5").exists()
    assert "shard 2 of 3 is incomplete" in merged.stderr
    command = f"SHARDS=3 SWEEP={sweep} OUT_DIR={out_dir} SALVOSIM="
    assert command in merged.stderr
    assert "sbatch --array=2 configs/slurm/sweep_array.sbatch" in merged.stderr

    # The rerun, as printed: an array of one task, told N by SHARDS; then the merge succeeds.
    (out_dir / "shard-2-of-3.h5.checkpoint").rmdir()
    rerun = array_task(run, 2, count=1, low=2, high=2, SHARDS=3)
    assert rerun.returncode == 0, rerun.stderr
    assert "shard 2/3" in rerun.stdout
    assert run("merge.sbatch").returncode == 0


def test_several_missing_shards_are_listed_together(cluster):
    run, _, out_dir, _ = cluster
    assert array_task(run, 2, count=4).returncode == 0
    merged = run("merge.sbatch")
    assert merged.returncode == 2
    for shard in (1, 3, 4):
        assert f"shard {shard} of 4 is missing: no {out_dir}/shard-{shard}-of-4.h5" in merged.stderr
    assert "sbatch --array=1,3,4 " in merged.stderr


def test_a_merge_with_no_shards_is_refused(cluster):
    run, _, out_dir, _ = cluster
    merged = run("merge.sbatch")
    assert merged.returncode == 2
    assert f"no shard files (shard-I-of-N.h5) in {out_dir}" in merged.stderr


@pytest.mark.parametrize(
    "count, low, high, message",
    [
        (2, 0, 1, "the array starts at 0, not 1"),
        (2, 1, 3, "the array has gaps (2 tasks from 1 to 3)"),
    ],
)
def test_an_array_not_1_to_n_is_refused(cluster, count, low, high, message):
    run, _, out_dir, _ = cluster
    refused = array_task(run, low, count=count, low=low, high=high)
    assert refused.returncode == 2
    assert message in refused.stderr
    assert not out_dir.exists()  # refused before anything ran


def test_a_task_outside_shards_is_refused(cluster):
    run, _, _, _ = cluster
    refused = array_task(run, 4, count=1, low=4, high=4, SHARDS=3)
    assert refused.returncode == 2
    assert "array task 4 is not a shard of 1 to 3" in refused.stderr


def test_the_memory_limit_is_the_allocation(cluster):
    """salvosim is held to --mem: with 1 MB it refuses the sweep, naming that limit."""
    run, _, out_dir, _ = cluster
    refused = array_task(run, 1, SLURM_MEM_PER_NODE=1)
    assert refused.returncode == 2
    assert "memory limit 1M per process" in refused.stderr
    assert "more than the memory limit of 1.0 MiB" in refused.stderr
    assert not (out_dir / "shard-1-of-2.h5").exists()


def test_the_mpi_job_runs_the_sweep_with_each_rank_s_share_of_memory(cluster, salvosim_exe):
    """sweep_mpi.sbatch, its srun a single process here: the sweep comes out whole, and --mem
    is shared by the ranks of a node (64 MB among 32 ranks: 2 MB each, too little)."""
    run, sweep, _, tmp_path = cluster
    out = tmp_path / "mpi" / "sweep.h5"
    done = run("sweep_mpi.sbatch", OUT=out, SLURM_JOB_ID=6000, SLURM_NTASKS_PER_NODE=1)
    assert done.returncode == 0, done.stderr
    whole = tmp_path / "whole.h5"
    subprocess.run([salvosim_exe, "sweep", str(sweep), "--out", str(whole), "--threads", "1"], check=True)
    assert_same_content(whole, out)

    refused = run("sweep_mpi.sbatch", OUT=tmp_path / "small.h5", SLURM_MEM_PER_NODE=64, SLURM_NTASKS_PER_NODE=32)
    assert refused.returncode == 2
    assert "memory limit 2M per process" in refused.stderr
    assert "more than the memory limit of 2.0 MiB" in refused.stderr


def helper(tmp_path, call, **variables):
    """Calls a function of salvosim_slurm.sh in bash with these variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    env.update({k: str(v) for k, v in variables.items()})
    return subprocess.run(
        ["bash", "-c", f'source "{SLURM / "salvosim_slurm.sh"}" && {call}'],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )


@pytest.mark.parametrize(
    "variables, per_node, limit",
    [
        ({"SLURM_MEM_PER_NODE": 16384}, 1, "16384M"),
        ({"SLURM_MEM_PER_NODE": 65536}, 32, "2048M"),  # --mem shared by 32 ranks on a node
        ({"SLURM_MEM_PER_CPU": 1000, "SLURM_CPUS_PER_TASK": 4}, 1, "4000M"),
        ({"SLURM_MEM_PER_NODE": 0}, 1, ""),  # --mem=0, the whole node: salvosim's own limit
        ({}, 1, ""),
    ],
)
def test_memory_limit_from_the_allocation(tmp_path, variables, per_node, limit):
    done = helper(tmp_path, f"salvosim_slurm_memory_limit {per_node}", **variables)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == limit


@pytest.mark.parametrize("status, restarts, requeued", [(143, 0, True), (143, 5, False), (2, 0, False), (0, 0, False)])
def test_a_task_stopped_before_the_time_limit_is_requeued(tmp_path, status, restarts, requeued):
    """Exit code 143 (salvosim stopped by --signal=TERM@120) requeues the task, at most
    MAX_REQUEUES times; a failure or success does not."""
    stub = tmp_path / "bin"
    stub.mkdir()
    (stub / "scontrol").write_text(SCONTROL)
    (stub / "scontrol").chmod(0o755)
    log = tmp_path / "scontrol.log"
    done = helper(
        tmp_path,
        f"salvosim_slurm_after_step {status}",
        PATH=f"{stub}{os.pathsep}{os.environ['PATH']}",
        SCONTROL_LOG=log,
        SLURM_JOB_ID=777,
        SLURM_RESTART_COUNT=restarts,
    )
    assert done.returncode == status
    assert (log.read_text() if log.exists() else "") == ("requeue 777\n" if requeued else "")
    if status == 143 and not requeued:
        assert "not requeued" in done.stderr


def test_the_scripts_pass_bash_n_and_shellcheck():
    for script in SCRIPTS:
        checked = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert checked.returncode == 0, f"{script}: {checked.stderr}"
    if shutil.which("shellcheck") is None:
        pytest.skip("no shellcheck (scripts/setup.sh installs it)")
    checked = subprocess.run(
        ["shellcheck", "-x", *[str(s.relative_to(ROOT)) for s in SCRIPTS]], cwd=ROOT, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
