"""The chapter 8 optimizer race (experiments/ch8_optimizers.py), in a quick version."""

SCRIPT = "ch8_optimizers"  # the experiment fixture (conftest.py) imports experiments/ch8_optimizers.py


def test_quick_run_writes_figure_and_table(experiment, tmp_path, capsys):
    out = tmp_path / "optimizers.png"
    curves = experiment.main(
        ["--steps", "60", "--samples", "500", "--hidden", "20", "--batch-size", "8", "--out", str(out)]
    )
    assert out.exists() and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "a PNG figure is written"
    assert set(curves) == set(experiment.RULES), "one curve per update rule"
    assert all(len(losses) == 60 for losses in curves.values()), "one validation loss per step"
    printed = capsys.readouterr().out
    for rule in experiment.RULES:
        assert rule in printed, f"the table lists {rule}"


def test_adaptive_rules_learn_the_moons(experiment):
    curves = experiment.run(
        steps=150, n_samples=600, n_val=200, hidden_dim=20, batch_size=16, rules=["adam", "rmsprop", "sgd_momentum"]
    )
    for rule, losses in curves.items():
        assert losses[-1] < 0.8 * losses[0], (
            f"{rule}: the validation loss should fall, got {losses[0]:.3f} -> {losses[-1]:.3f}"
        )
