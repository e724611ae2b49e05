"""Readers that trust nothing (docs/hdf5-format.md#damaged-files): damaged, truncated, foreign
and incomplete files make salvosim.read, salvosim.read_sweep and `salvosim merge` fail with a
clear error naming the file and the path inside it (BadFileError in Python, exit code 2 on
the command line), never a crash. The checksum is recomputed here from its documentation
(zlib.crc32), independently of the C++ code that writes it."""

import os
import subprocess
import zlib

import h5py
import numpy as np
import pytest
import xarray as xr

import salvosim

USER_BLOCK = 512


def reseal(path):
    """Rewrites the checksum of a file edited with h5py, as docs/hdf5-format.md says."""
    with open(path, "r+b") as f:
        f.seek(USER_BLOCK)
        rest = f.read()
        f.seek(0)
        header = f"salvosim checksum 1\ncrc32 {zlib.crc32(rest):08x}\nbytes {len(rest)}\n"
        f.write(header.encode().ljust(USER_BLOCK, b"\0"))


def flip_bit(path, offset, bit=0):
    data = bytearray(path.read_bytes())
    data[offset] ^= 1 << bit
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def results_file(configs_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("damaged") / "run.h5"
    salvosim.run(
        salvosim.load(configs_dir / "example.toml"), trials=300, seed=5, per_trial=True, per_threat=True
    ).to_hdf5(path)
    return path


@pytest.fixture(scope="module")
def shards(salvosim_exe, configs_dir, tmp_path_factory):
    work = tmp_path_factory.mktemp("shards")
    (work / "small.toml").write_text(f"""[sweep]
name = "small"
base = "{configs_dir / "example.toml"}"
mode = "grid"
trials = 50
seed = 1

[[axis]]
path = "threat.shahed.count"
values = [10, 20, 30]

[[axis]]
path = "layer.upper-tier.interceptors"
name = "magazine"
values = [10, 40]
""")
    paths = []
    for k in (1, 2):
        out = work / f"shard{k}.h5"
        subprocess.run(
            [os.path.abspath(salvosim_exe), "sweep", "small.toml", "--out", out.name, "--shard", f"{k}/2", "-t", "1"],
            cwd=work,
            check=True,
            capture_output=True,
        )
        paths.append(out)
    return paths


def copy(source, target):
    target.write_bytes(source.read_bytes())
    return target


def test_files_carry_a_checksum_that_zlib_agrees_with(results_file):
    data = results_file.read_bytes()
    header = data[:USER_BLOCK].rstrip(b"\0").decode().splitlines()
    assert header == [
        "salvosim checksum 1",
        f"crc32 {zlib.crc32(data[USER_BLOCK:]):08x}",
        f"bytes {len(data) - USER_BLOCK}",
    ]
    with h5py.File(results_file, "r") as f:  # HDF5 tools find the file after the user block
        assert f.attrs["filetype"] == "salvosim-results"
        assert list(f.attrs["version"]) == [1, 2]
    assert xr.open_dataset(results_file, engine="h5netcdf", group="summary").fate_mean.dims == ("selection", "fate")


@pytest.mark.parametrize("where", [0, 100, 511, 512, 1000, -5000, -1])
def test_a_flipped_bit_is_refused_as_damage(results_file, tmp_path, where):
    damaged = copy(results_file, tmp_path / "damaged.h5")
    flip_bit(damaged, where if where >= 0 else len(damaged.read_bytes()) + where, bit=3)
    with pytest.raises(salvosim.BadFileError, match=str(damaged)):
        salvosim.read(damaged)


@pytest.mark.parametrize("fraction", [0.0, 0.01, 0.5, 0.999])
def test_a_truncated_file_is_refused(results_file, tmp_path, fraction):
    data = results_file.read_bytes()
    damaged = tmp_path / "cut.h5"
    damaged.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(salvosim.BadFileError, match=str(damaged)):
        salvosim.read(damaged)


def test_foreign_files_are_refused(results_file, shards, tmp_path):
    text = tmp_path / "text.h5"
    text.write_text("hello\n")
    with pytest.raises(salvosim.BadFileError, match="not a salvosim file"):
        salvosim.read(text)
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(salvosim.BadFileError, match="not a salvosim results file"):
        salvosim.read(foreign)
    with pytest.raises(salvosim.BadFileError, match="not a salvosim sweep file"):
        salvosim.read_sweep(results_file)
    with pytest.raises(salvosim.BadFileError, match="not a salvosim results file"):
        salvosim.read(shards[0])


@pytest.mark.parametrize(
    "path",
    [
        "summary/fate_mean",
        "summary/rate_quantile",
        "summary/threat_cost",
        "scenario/text",
        "per_trial/engaged",
        "per_trial/layer_metrics",
        "per_threat/fate",
        "per_threat/intercept_layer",
    ],
)
def test_a_missing_dataset_is_named(results_file, tmp_path, path):
    damaged = copy(results_file, tmp_path / "incomplete.h5")
    with h5py.File(damaged, "r+") as f:
        del f[path]
    with pytest.raises(salvosim.BadFileError, match="damaged"):  # the checksum no longer matches
        salvosim.read(damaged)
    reseal(damaged)
    with pytest.raises(salvosim.BadFileError, match=f"{damaged}: missing dataset /{path}"):
        salvosim.read(damaged)


def test_a_missing_per_threat_tier_is_named(configs_dir, tmp_path):
    """A file of a scenario with tiers holds each threat's tier; without it, reading says so."""
    res = salvosim.run(
        salvosim.load(configs_dir.parent / "tests" / "data" / "configs" / "tiers.toml"),
        trials=50,
        seed=3,
        per_threat=True,
    )
    path = tmp_path / "tiers.h5"
    res.to_hdf5(path)
    with h5py.File(path, "r+") as f:
        del f["per_threat/target_tier"]
    reseal(path)
    with pytest.raises(salvosim.BadFileError, match=f"{path}: missing dataset /per_threat/target_tier"):
        salvosim.read(path)


def test_per_trial_rows_must_match_the_trials(results_file, tmp_path):
    short = copy(results_file, tmp_path / "short.h5")
    with h5py.File(short, "r+") as f:
        rows = f["per_trial/fates"][()]
        del f["per_trial/fates"]
        f["per_trial/fates"] = rows[:-1]
    reseal(short)
    shapes = r"/per_trial/fates has shape \(299, 2, 5\), expected \(300, 2, 5\)"
    with pytest.raises(salvosim.BadFileError, match=shapes):
        salvosim.read(short)

    real = copy(results_file, tmp_path / "real.h5")
    with h5py.File(real, "r+") as f:
        fates = f["per_threat/fate"][()]
        del f["per_threat/fate"]
        f["per_threat/fate"] = fates.astype(np.float32)
    reseal(real)
    with pytest.raises(salvosim.BadFileError, match="/per_threat/fate is not a dataset of integers"):
        salvosim.read(real)


def test_files_without_a_checksum_are_still_read_and_checked(results_file, tmp_path):
    """A file of format 1.1 or older starts with HDF5's signature: no checksum to check."""
    old = tmp_path / "old.h5"
    old.write_bytes(results_file.read_bytes()[USER_BLOCK:])
    assert salvosim.read(old).fate_mean.equals(salvosim.read(results_file).fate_mean)
    with h5py.File(old, "r+") as f:
        del f["summary/rate_se"]
    with pytest.raises(salvosim.BadFileError, match="missing dataset /summary/rate_se"):
        salvosim.read(old)


@pytest.mark.parametrize("path", ["axes/magazine", "points/magazine", "summary/fate_mean", "summary/rate_mean"])
def test_merge_and_read_sweep_refuse_an_incomplete_shard(salvosim_exe, shards, tmp_path, path):
    damaged = [copy(shard, tmp_path / shard.name) for shard in shards]
    for shard in damaged:  # in both: the shards still agree with each other
        with h5py.File(shard, "r+") as f:
            del f[path]
        reseal(shard)
    said = "/axes" if path.startswith("axes/") else f"/{path}"
    with pytest.raises(salvosim.BadFileError, match=said):
        salvosim.read_sweep(damaged[0])
    out = tmp_path / "merged.h5"
    done = subprocess.run(
        [salvosim_exe, "merge", *map(str, damaged), "--out", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 2, done.stderr
    assert str(damaged[0]) in done.stderr and said in done.stderr
    assert not out.exists()


def test_merge_refuses_a_bit_flipped_shard_with_exit_code_2(salvosim_exe, shards, tmp_path):
    damaged = copy(shards[0], tmp_path / "flipped.h5")
    flip_bit(damaged, len(damaged.read_bytes()) // 3)
    done = subprocess.run(
        [salvosim_exe, "merge", str(damaged), str(shards[1]), "--out", str(tmp_path / "m.h5")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2, done.stderr
    assert f"{damaged}: damaged" in done.stderr


def test_a_mutation_campaign_ends_cleanly(salvosim_exe):
    """A small run of tests/hdf5_mutations.py: every damaged file read by the command line and
    by Python ends with exit code 0 or 2, or a Python exception; no signal, no hang."""
    import pathlib
    import sys

    script = pathlib.Path(__file__).resolve().parents[1] / "hdf5_mutations.py"
    done = subprocess.run(
        [sys.executable, str(script), "--salvosim", salvosim_exe, "--count", "100", "--seed", "2"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "100 damaged files" in done.stdout
