"""The chapter 10 experiment (experiments/ch10_transfers.py): kernel against transfer time, in a quick version."""

import numpy as np

SCRIPT = "ch10_transfers"  # the experiment fixture (conftest.py) imports experiments/ch10_transfers.py
PNG = b"\x89PNG\r\n\x1a\n"


def test_quick_run_plots_kernel_and_transfer_times(experiment, tmp_path, capsys):
    results = experiment.main(["--quick", "--device", "0", "--repeat", "2", "--out", str(tmp_path)])
    assert (tmp_path / "transfers_device0.png").read_bytes()[:8] == PNG, "the figure is written"
    result = results[0]
    assert result["sizes"] == experiment.QUICK_SIZES
    for name in ("vector_add", "matmul_fast"):
        assert np.all(result[f"{name}_kernel_s"] > 0), f"{name}: kernel times from profiling events"
        assert np.all(result[f"{name}_transfer_s"] >= 0), f"{name}: the whole call is never shorter than the kernel"
    # one addition per three floats moved: the copies dominate at every size (the book's figure 10-4)
    assert np.all(result["vector_add_transfer_share"] > 0.5)
    # 2n^3 operations per 3n^2 floats: the transfers' share falls as n grows
    share = result["matmul_fast_transfer_share"]
    assert share[-1] < share[0]
    assert "transfer %" in capsys.readouterr().out
