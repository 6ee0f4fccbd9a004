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


def test_history_credits_reverse_mode_werbos_and_the_neocognitron_before_1986():
    """Backpropagation: Linnainmaa 1970 and Werbos 1974 before Rumelhart et al. 1986; CNNs: Fukushima 1980."""
    sources = {m.source: m.year for m in facts.MILESTONES}
    assert sources["linnainmaa1970representation"] == 1970 and sources["werbos1974beyond"] == 1974
    assert sources["fukushima1980neocognitron"] == 1980 < sources["lecun1989backpropagation"]
    first, second = sources["linnainmaa1970representation"], sources["werbos1974beyond"]
    assert first < second < sources["rumelhart1986learning"]


def test_synapses_per_neuron_divide_counts_of_the_same_region():
    """Pakkenberg et al. 2003 (neocortical synapses) over Pakkenberg & Gundersen 1997 (neocortical
    neurons): about 6,500 (men) to 7,900 (women) per neuron; not over Azevedo's whole-cortex count."""
    regions = facts.BRAIN_REGIONS
    assert {f.source for f in regions.values()} <= BIB_KEYS
    synapses = facts.BRAIN["neocortical synapses"].value
    men, women = (synapses / regions[f"neocortical neurons, {sex}"].value for sex in ("men", "women"))
    assert 6_500 <= round(men, -2) < round(women, -2) <= 7_900
    parts = regions["cerebral cortex neurons"].value + regions["cerebellum neurons"].value
    assert parts < facts.BRAIN["neurons"].value


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


def test_privacy_facts_cite_the_bibliography():
    assert {f.source for f in facts.PRIVACY.values()} <= BIB_KEYS


def test_privacy_facts_reproduce_with_dp_accounting():
    """noise 1.1, batch 256, 60 epochs of 60,000, delta 1e-5: epsilon 2.60 (RDP) and 2.38 (PLD)."""
    from companion.nn import dp

    s = facts.DP_SGD_EXAMPLE
    steps = dp.steps_for(s["epochs"], s["examples"], s["batch_size"])
    assert steps == 14_062
    q = s["batch_size"] / s["examples"]
    for accountant, key in (("rdp", "epsilon RDP"), ("pld", "epsilon PLD")):
        eps = dp.epsilon(s["noise_multiplier"], q, steps, s["delta"], accountant)
        assert round(eps, 2) == facts.PRIVACY[key].value


def test_training_compute_cites_the_bibliography_and_grows_with_the_years():
    runs = sorted(facts.TRAINING_COMPUTE.values())
    assert {r.source for r in runs} <= BIB_KEYS
    assert [r.flops for r in runs] == sorted(r.flops for r in runs)
    assert facts.TRAINING_COMPUTE["GPT-3 175B"].flops == 3.14e23


def test_training_compute_matches_the_units_and_the_6nd_rule_of_its_sources():
    """A petaflop/s-day is 1e15 x 86,400 FLOPs; C = 6 N D (eq-ch5-train-flops with F_fwd = 2N)."""
    pfs_day = 1e15 * 86_400
    tc = facts.TRAINING_COMPUTE
    assert tc["GPT-3 175B"].flops == pytest.approx(3.64e3 * pfs_day, rel=0.01)
    assert tc["AlexNet"].flops == pytest.approx(0.0054 * pfs_day, rel=0.01)
    assert tc["GPT-3 175B"].flops == pytest.approx(6 * 175e9 * 300e9, rel=0.01)
    assert tc["Chinchilla"].flops == pytest.approx(6 * 70e9 * 1.4e12, rel=0.03)


def test_training_energy_cites_the_bibliography_and_is_consistent_with_the_compute():
    """1,287 MWh over 10,000 GPUs for 14.8 days is ~362 W per GPU (a V100's rating is 300 W plus
    its share of the host); 3.14e23 FLOPs in that time is ~25 TFLOP/s per GPU, below a V100's
    125 TFLOP/s tensor-core peak."""
    e = facts.TRAINING_ENERGY
    assert {f.source for f in e.values()} <= BIB_KEYS
    assert e["GPT-3 175B energy"].value == 1287.0
    seconds = e["GPT-3 175B days"].value * 86_400
    gpus = e["GPT-3 175B processors"].value
    watts_per_gpu = e["GPT-3 175B energy"].value * 3.6e9 / seconds / gpus
    assert 200 < watts_per_gpu < 500
    flops_per_gpu = facts.TRAINING_COMPUTE["GPT-3 175B"].flops / seconds / gpus
    assert 1e13 < flops_per_gpu < 1.25e14


def test_mnist1d_table_cites_the_bibliography_and_shows_the_spatial_prior():
    """Greydanus (2020): a CNN beats the MLP on MNIST-1D and loses most of that lead when the features
    are shuffled; linear and MLP models, which have no notion of neighbouring features, do not care."""
    table, rerun = facts.MNIST1D, facts.MNIST1D_RERUN
    assert {f.source for f in [*table.values(), *rerun.values()]} <= BIB_KEYS
    acc = {k: f.value for k, f in table.items()}
    assert (acc["logistic regression"], acc["MLP"], acc["CNN"]) == (0.32, 0.68, 0.94)
    assert acc["logistic regression"] < acc["MLP"] < acc["GRU"] < acc["CNN"] < acc["human"]
    assert acc["MLP, shuffled"] == acc["MLP"]
    assert acc["logistic regression, shuffled"] == acc["logistic regression"]
    assert acc["CNN, shuffled"] < acc["MLP, shuffled"] < acc["CNN"]
    # the authors' own rerun of the same code lands within 3 percentage points of the table
    for name, fact in rerun.items():
        assert abs(fact.value - table[name].value) <= 0.03, name


def test_optdigits_writers_match_the_description_shipped_with_scikit_learn():
    """scikit-learn's digits are the UCI test set: its description states the writer split and its size."""
    from sklearn.datasets import load_digits

    d, digits = facts.OPTDIGITS, load_digits()
    assert {f.source for f in d.values()} <= BIB_KEYS
    assert len(digits.target) == d["test images"].value
    description = " ".join(digits.DESCR.split())
    assert "copy of the test set of the UCI ML hand-written digits" in description
    w = {k: int(d[k].value) for k in ("writers", "training-set writers", "test-set writers")}
    assert (f"total of {w['writers']} people, {w['training-set writers']} contributed to the training "
            f"set and different {w['test-set writers']} to the test set") in description
    assert w["training-set writers"] + w["test-set writers"] == w["writers"]


def test_scale_facts_cite_the_bibliography():
    for name, fact in facts.SCALE.items():
        assert fact.source in BIB_KEYS, name
        assert fact.value > 0 and fact.unit, name
    # Goyal et al.: 8,192 images per step over 256 GPUs is 32 per GPU, Keras's default batch
    scale = facts.SCALE
    per_gpu = scale["ResNet-50 in one hour, batch"].value / scale["ResNet-50 in one hour, GPUs"].value
    assert per_gpu == 32
    assert scale["compute doubling since 2010"].value < scale["compute doubling before 2010"].value
