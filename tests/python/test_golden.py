"""Every shipped config's summary against its golden file (tests/golden/, written by update.py).

The golden files pin the numbers: any change to a result, however small, fails here and shows
as a diff of the golden files in review. The comparison is of text in which each double is
printed as the shortest string that reads back as itself, so it is exact.
"""

import difflib
import json

import pytest

from conftest import ROOT, load_module

golden = load_module(ROOT / "tests" / "golden" / "update.py", "salvosim_golden")

HOW_TO_UPDATE = (
    f"If the change is intended, regenerate the golden files with `{golden.REGENERATE}` "
    "and say in CHANGELOG.md which numbers changed and why."
)


@pytest.mark.parametrize("config", golden.configs(), ids=lambda config: config.stem)
def test_summary_matches_golden_file(salvosim_exe, config):
    path = golden.golden_path(config)
    assert path.is_file(), f"{config.name} has no golden file {path.relative_to(ROOT)}. {HOW_TO_UPDATE}"
    expected = path.read_text()
    recorded = json.loads(expected)
    actual = golden.summary_text(salvosim_exe, config, recorded["trials"], recorded["seed"])
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(),
            actual.splitlines(),
            str(path.relative_to(ROOT)),
            f"salvosim run {config.relative_to(ROOT)}",
            lineterm="",
            n=2,
        )
        pytest.fail(
            f"{config.name}: the summary differs from its golden file.\n"
            + "\n".join(list(diff)[:60])
            + f"\n{HOW_TO_UPDATE}",
            pytrace=False,
        )


def test_every_golden_file_has_its_config():
    configs = {config.stem for config in golden.configs()}
    stale = [path.name for path in sorted(golden.GOLDEN_DIR.glob("*.json")) if path.stem not in configs]
    assert not stale, f"golden files without a config in configs/: {stale}. {HOW_TO_UPDATE}"
