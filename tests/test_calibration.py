"""A light version of the Libya calibration check.

The full one: ``python -m sim.experiments.calibration``.
"""

from sim.experiments.calibration import FRONT_BAND_KM, check


def test_libya_front_stalls_in_tripolis_southern_reaches_by_december_2019():
    res = check("libya_2019.toml", range(40))
    # the seed article: stalled "along Tripoli's southern reaches" on 5 December 2019; the
    # target is >= 60 % of runs (docs/calibration.md: 0.79 [0.76, 0.81] over 1,000 runs
    # since the LNA draws its Gharyan garrison to the front, 0.70 on these 40 seeds)
    assert res.in_band >= 0.6, res.lines()
    assert res.not_fallen >= 0.85, res.lines()
    # the offensive did move: the LNA is closer than its start line (Aziziya, 46 km)
    assert (res.front_km < 46).mean() >= 0.6
    assert (
        FRONT_BAND_KM[0] <= float(sorted(res.front_km)[len(res.front_km) // 2]) <= FRONT_BAND_KM[1]
    )


def test_casualties_in_the_first_three_months_are_of_the_who_order_of_magnitude():
    res = check("libya_2019.toml", range(20))
    # WHO, July 2019: 6,606 killed and wounded; the model counts fighters only
    assert 2000 <= float(sorted(res.casualties_13)[10]) <= 12000


def test_check_refuses_a_scenario_it_cannot_measure(capsys) -> None:
    """A theatre whose run does not reach 5 Dec 2019 gets one line naming it, and exit 2."""
    from sim.cli.calibration_check import main

    assert main(["teaching_line.toml", "--seeds", "2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "teaching_line" in err[0] and "2019-12-05" in err[0]
    assert main(["no_such_file.toml", "--seeds", "2"]) == 2
    assert "no_such_file.toml" in capsys.readouterr().err
