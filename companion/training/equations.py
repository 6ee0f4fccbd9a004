"""The map from chapter 3's numbered equations to the code that implements them and the tests that check them.

:data:`EQUATIONS` lists, for every equation label ``eq-ch3-...`` of chapter 3, the section it appears
in, the functions that implement it (each names the label in its docstring or its module's) and the
tests in ``tests/training`` that check it.  :func:`check_table` verifies that every function exists
and names its label; ``tests/training/test_equations.py`` checks the rest against the repository
(every listed test exists, every label defined in the chapter's notebooks is listed).
"""

from __future__ import annotations

import importlib
import inspect
from typing import NamedTuple

__all__ = ["EQUATIONS", "Equation", "check_table", "counts", "resolve", "unnamed_labels"]


class Equation(NamedTuple):
    """One row of the table: label, section label, implementing functions, tests (``file::name``)."""

    label: str
    section: str
    functions: tuple[str, ...]
    tests: tuple[str, ...]


#: Every numbered equation of chapter 3, in the order of the chapter.
EQUATIONS: tuple[Equation, ...] = (
    Equation('eq-ch3-var-forward', 'ch3-initialisation',
             ('companion.training.init_experiments.forward_variance',
              'companion.training.init_experiments.propagate'),
             ('tests/training/test_init_experiments.py::test_forward_variance_matches_sampling',)),
    Equation('eq-ch3-glorot', 'ch3-initialisation',
             ('companion.training.init_experiments.glorot_variance',),
             ('tests/training/test_init_experiments.py::test_glorot_variance_matches_keras_initializer',)),
    Equation('eq-ch3-he', 'ch3-initialisation',
             ('companion.training.init_experiments.he_variance',),
             ('tests/training/test_init_experiments.py::test_he_variance_matches_keras_and_keeps_relu_signal',)),
    Equation('eq-ch3-layer', 'ch3-forward',
             ('companion.nn.layers.Dense.forward',
              'companion.training.backprop.mlp_forward',
              'companion.training.loop.forward'),
             ('tests/training/test_forward_and_loss.py::test_layer_equation_by_hand',)),
    Equation('eq-ch3-activations', 'ch3-forward',
             ('companion.nn.activations.relu',
              'companion.nn.activations.sigmoid',
              'companion.nn.activations.tanh',
              'companion.nn.activations.relu_derivative',
              'companion.nn.activations.sigmoid_derivative',
              'companion.nn.activations.tanh_derivative'),
             ('tests/training/test_forward_and_loss.py::test_activation_derivatives_match_central_differences',)),
    Equation('eq-ch3-nll', 'ch3-loss',
             ('companion.training.loss.negative_log_likelihood',
              'companion.nn.losses.sparse_categorical_crossentropy'),
             ('tests/training/test_forward_and_loss.py::test_nll_equals_keras_cross_entropy',)),
    Equation('eq-ch3-softmax', 'ch3-loss',
             ('companion.training.loss.naive_softmax',),
             ('tests/training/test_forward_and_loss.py::test_naive_softmax_overflows',)),
    Equation('eq-ch3-softmax-stable', 'ch3-loss',
             ('companion.nn.activations.softmax',),
             ('tests/training/test_forward_and_loss.py::test_softmax_is_shift_invariant_and_stable',)),
    Equation('eq-ch3-mse', 'ch3-loss',
             ('companion.nn.losses.mean_squared_error',),
             ('tests/training/test_forward_and_loss.py::test_mse',)),
    Equation('eq-ch3-ce-grad', 'ch3-loss',
             ('companion.training.loss.softmax_cross_entropy_gradient',
              'companion.nn.losses.SparseCategoricalCrossentropy'),
             ('tests/training/test_forward_and_loss.py::test_cross_entropy_gradient_is_p_minus_y',)),
    Equation('eq-ch3-chain', 'ch3-backprop',
             ('companion.training.backprop.graph_example',),
             ('tests/training/test_backprop.py::test_graph_example_by_hand_and_numerically',)),
    Equation('eq-ch3-backprop', 'ch3-backprop',
             ('companion.training.backprop.mlp_gradients',
              'companion.training.loop.backward',
              'companion.nn.layers.Dense.backward'),
             ('tests/training/test_backprop.py::test_mlp_gradients_match_central_differences',
              'tests/training/test_backprop.py::test_mlp_gradients_match_companion_nn')),
    Equation('eq-ch3-central', 'ch3-backprop',
             ('companion.nn.gradcheck.numerical_gradient',),
             ('tests/training/test_backprop.py::test_central_difference_error_is_second_order',)),
    Equation('eq-ch3-gd', 'ch3-update',
             ('companion.nn.optimizers.SGD',),
             ('tests/training/test_update.py::test_gradient_descent',)),
    Equation('eq-ch3-quadratic', 'ch3-update',
             ('companion.training.surfaces.quadratic', 'companion.training.surfaces.quadratic_gradient'),
             ('tests/training/test_update.py::test_quadratic_and_rosenbrock',)),
    Equation('eq-ch3-lr', 'ch3-update',
             ('companion.training.surfaces.gd_factor',),
             ('tests/training/test_update.py::test_learning_rate_factor',)),
    Equation('eq-ch3-minibatch', 'ch3-update',
             ('companion.nn.model.Sequential.compute_gradients',),
             ('tests/training/test_update.py::test_minibatch_gradient_is_mean_of_example_gradients',)),
    Equation('eq-ch3-momentum', 'ch3-update',
             ('companion.nn.optimizers.SGD',),
             ('tests/training/test_update.py::test_momentum',)),
    Equation('eq-ch3-nesterov', 'ch3-update',
             ('companion.training.surfaces.nesterov_path', 'companion.nn.optimizers.SGD'),
             ('tests/training/test_update.py::test_nesterov_is_keras_sgd_nesterov_at_the_lookahead_point',)),
    Equation('eq-ch3-rmsprop', 'ch3-update',
             ('companion.nn.optimizers.RMSprop',),
             ('tests/training/test_update.py::test_rmsprop',)),
    Equation('eq-ch3-adam', 'ch3-update',
             ('companion.nn.optimizers.AdamAlgorithm1',),
             ('tests/training/test_update.py::test_adam_algorithm1',)),
    Equation('eq-ch3-adam-keras', 'ch3-update',
             ('companion.nn.optimizers.Adam',),
             ('tests/training/test_update.py::test_adam_keras_form_is_algorithm1_with_epsilon_hat',)),
    Equation('eq-ch3-rosenbrock', 'ch3-update',
             ('companion.training.surfaces.rosenbrock', 'companion.training.surfaces.rosenbrock_gradient'),
             ('tests/training/test_update.py::test_quadratic_and_rosenbrock',)),
    Equation('eq-ch3-steps', 'ch3-iterate',
             ('companion.training.loop.steps_per_epoch',),
             ('tests/training/test_loop.py::test_steps_per_epoch',)),
    Equation('eq-ch3-epoch-loss', 'ch3-iterate',
             ('companion.training.loop.train_by_hand',),
             ('tests/training/test_loop.py::test_train_by_hand_equals_model_fit',)),
    Equation('eq-ch3-early-stop', 'ch3-iterate',
             ('companion.training.loop.early_stopping_epoch',),
             ('tests/training/test_loop.py::test_early_stopping_epoch_matches_callback',)),
)


def resolve(dotted: str) -> object:
    """The object named by ``dotted`` (``package.module.attribute...``)."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for name in parts[i:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


def counts() -> dict[str, int]:
    """How many equations, implementing functions and tests the table lists.

    Examples
    --------
    >>> counts()["equations"] == len(EQUATIONS)
    True
    """
    return {
        "equations": len(EQUATIONS),
        "functions": len({f for eq in EQUATIONS for f in eq.functions}),
        "tests": len({t for eq in EQUATIONS for t in eq.tests}),
    }


def unnamed_labels() -> list[str]:
    """Rows whose implementing function does not exist or does not name the row's equation label.

    A function names its label in its docstring or in its module's.  Empty when the table and the
    code agree.

    Returns
    -------
    list of str
        One message per problem, ``"<function> does not name <label>"``.
    """
    problems = []
    for eq in EQUATIONS:
        for dotted in eq.functions:
            try:
                obj = resolve(dotted)
            except (ImportError, AttributeError):
                problems.append(f"{dotted} (listed for {eq.label}) does not exist")
                continue
            module = inspect.getmodule(obj)
            docs = (inspect.getdoc(obj) or "") + ((module.__doc__ if module else None) or "")
            if eq.label not in docs:
                problems.append(f"{dotted} does not name {eq.label} in its docstring or its module's")
    return problems


def check_table(root: object = None) -> dict[str, int]:
    """Check that every function of the table exists and names its equation label; the counts.

    The checks against the repository (each listed test exists in ``tests/training``, each label
    defined in ``chapters/03-training`` is listed) are tests, in
    ``tests/training/test_equations.py``; ``root``, the repository's root, is accepted for
    compatibility and not used.

    Returns
    -------
    dict
        :func:`counts`: equations, functions and tests listed.

    Raises
    ------
    ValueError
        Naming every function that does not exist or does not name its label.
    """
    problems = unnamed_labels()
    if problems:
        raise ValueError("the equation table disagrees with the code: " + "; ".join(problems))
    return counts()
