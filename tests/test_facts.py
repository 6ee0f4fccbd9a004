import pathlib
import re

import pytest

from companion import facts

BIB = (pathlib.Path(__file__).resolve().parents[1] / "references.bib").read_text()
BIB_KEYS = set(re.findall(r"@\w+\{([^,]+),", BIB))


def test_every_fact_and_milestone_cites_an_entry_of_the_bibliography():
    sources = [f.source for f in facts.BRAIN.values()] + [f.source for f in facts.MODELS.values()]
    sources += [m.source for m in facts.MILESTONES]
    missing = sorted(set(sources) - BIB_KEYS)
    assert not missing


def test_milestones_are_in_order_and_include_the_classics():
    years = [m.year for m in facts.MILESTONES]
    assert years == sorted(years)
    assert {1943, 1949, 1958, 1969, 1986, 1989, 2012, 2017} <= set(years)


def test_brain_neuron_count_is_the_measured_one():
    assert facts.BRAIN["neurons"].value == pytest.approx(86.1e9)


def test_dense_parameter_count():
    assert facts.dense_parameter_count([100, 64, 64, 10]) == 11_274
    assert facts.dense_parameter_count([2, 1]) == 3
    with pytest.raises(ValueError, match="at least one layer"):
        facts.dense_parameter_count([5])
    with pytest.raises(ValueError, match="positive integers"):
        facts.dense_parameter_count([5, 0])


def test_dense_parameter_count_matches_keras():
    from companion import tf as ctf

    ctf.setup(seed=0)
    assert ctf.article_model().count_params() == facts.dense_parameter_count([100, 64, 64, 10])


@pytest.mark.parametrize("name", ["MobileNetV2", "ResNet50"])
def test_model_parameter_counts_match_keras_applications(name):
    from companion import tf as ctf

    _, keras = ctf.setup(seed=0)
    model = getattr(keras.applications, name)(weights=None)
    assert model.count_params() == facts.MODELS[name].value
