"""A small Theano: symbolic variables, a graph, compiled functions and symbolic gradients.

An expression such as ``f = (a - b + c) * d / e`` computes nothing: every
operator adds a node to a graph (a ``Variable`` that remembers its ``op`` and
its ``inputs``). ``function(inputs, outputs)`` turns the graph into a Python
callable; calling it gives the inputs values and evaluates the nodes in an
order where each comes after its inputs. ``grad(cost, wrt)`` differentiates
the graph symbolically: it walks the nodes backwards and asks each op for the
graph of its gradient, so the result is more graph, which ``function``
compiles like any other (and ``grad`` can differentiate again).

The book's listings 4-1 to 4-14 run with only their imports changed (and
Python 3's print): ``import theano.tensor as T`` becomes
``import exercises.ch4.graph as T``, ``import theano`` becomes
``import exercises.ch4.graph as theano``, and ``from theano import function``,
``from theano.ifelse import ifelse`` or
``from theano.tensor.shared_randomstreams import RandomStreams`` become
``from exercises.ch4.graph import ...`` (listings 4-10 to 4-12 also use
scikit-learn's metrics). What differs from Theano: shapes are numpy's at run
time (a (1, 3) array broadcasts like any numpy array); ``ifelse`` computes
both branches and returns one; ``scan`` runs forward only (no gradient);
comparisons give 0/1 as int8, as in Theano.

Slips of the book: listing 4-7 prints the cross-entropy again where the
squared error belongs (it is [[0.9604, 0.9604, 0]]); listing 4-10 labels both
accuracies "before"; listing 4-11's "RMSE" is the mean squared error;
listing 4-12 feeds a tanh output, which can be negative, into the binary
cross-entropy (nan); listing 4-13 builds z3 with hinge_b where hinge_c is meant.

The graph's pieces (variables, ops and the functions that build nodes) are
given at the top. You write, in order: ``toposort`` and ``evaluate`` (running
a graph), ``Function`` (compiled functions with updates and givens),
``unbroadcast`` (undoing numpy broadcasting), the gradient rules
``elemwise_grad``, ``reduce_grad`` and ``dot_grad``, then ``grad`` itself,
the ``Activation`` op and the two cross-entropies of ``nnet``, ``IfElse``
(ifelse and switch), ``Scan`` and ``RandomStreams``.

Inputs are never changed in place: building a graph, compiling it and calling the compiled
function leave the arrays, lists and dicts they are given as they were (``shared`` keeps its
own copy of its value). The tests check it after every call.
"""

import builtins

import numpy as np

# ---------------------------------------------------------------- the graph's pieces (given)


class Variable:
    """A node of the graph: a value that is not computed yet.

    ``op`` and ``inputs`` say how the value is computed (``op`` is None for the
    graph's leaves: inputs, constants and shared variables). ``ndim`` is known
    while the graph is built; ``dtype`` only for inputs ('float64', 'int32', ...).
    Python's operators build new nodes: ``a + b`` is ``add(a, b)``.
    """

    __array_ufunc__ = None  # numpy_array + variable calls variable.__radd__ instead of looping over the array

    def __init__(self, ndim, dtype=None, name=None, op=None, inputs=()):
        self.ndim = ndim
        self.dtype = dtype
        self.name = name
        self.op = op
        self.inputs = list(inputs)

    def __repr__(self):
        if self.name is not None:
            return self.name
        if self.op is None:
            return f"<{type(self).__name__} ndim={self.ndim}>"
        return f"{self.op}({', '.join(repr(i) for i in self.inputs)})"

    def __bool__(self):
        raise TypeError("a symbolic variable has no truth value yet: use ifelse or switch, not `if`")

    def __iter__(self):
        raise TypeError("a symbolic variable cannot be iterated over: index it, or use scan")

    # arithmetic
    def __add__(self, other):
        return add(self, other)

    def __radd__(self, other):
        return add(other, self)

    def __sub__(self, other):
        return sub(self, other)

    def __rsub__(self, other):
        return sub(other, self)

    def __mul__(self, other):
        return mul(self, other)

    def __rmul__(self, other):
        return mul(other, self)

    def __truediv__(self, other):
        return true_div(self, other)

    def __rtruediv__(self, other):
        return true_div(other, self)

    def __pow__(self, other):
        return pow(self, other)

    def __rpow__(self, other):
        return pow(other, self)

    def __neg__(self):
        return neg(self)

    def __abs__(self):
        return abs(self)

    # comparisons (== and != stay identity: variables are dictionary keys; use eq and neq)
    def __lt__(self, other):
        return lt(self, other)

    def __le__(self, other):
        return le(self, other)

    def __gt__(self, other):
        return gt(self, other)

    def __ge__(self, other):
        return ge(self, other)

    __hash__ = object.__hash__

    # tensor methods
    @property
    def T(self):
        return transpose(self)

    def dot(self, other):
        return dot(self, other)

    def sum(self, axis=None):
        return sum(self, axis)

    def mean(self, axis=None):
        return mean(self, axis)

    def max(self, axis=None):
        return max(self, axis)

    def argmax(self, axis=None):
        return argmax(self, axis)

    def __getitem__(self, index):
        return Subtensor(index)(self)

    def eval(self, values=None):
        """The value of this node, given ``{input variable: value}``."""
        return evaluate([self], dict(values or {}))[0]


class Constant(Variable):
    """A leaf with a fixed value (numbers in expressions become constants)."""

    def __init__(self, value, name=None):
        super().__init__(np.ndim(value), np.asarray(value).dtype.name, name)
        self.value = value

    def __repr__(self):
        return self.name if self.name is not None else repr(self.value)


class SharedVariable(Variable):
    """A leaf whose value lives between calls: functions read it when called and may update it."""

    def __init__(self, value, name=None):
        value = np.array(value)
        super().__init__(value.ndim, value.dtype.name, name)
        self._value = value

    def get_value(self):
        """A copy of the current value (its dtype is kept: ints stay ints)."""
        return self._value.copy()

    def set_value(self, value):
        value = np.array(value)
        if value.ndim != self.ndim:
            raise TypeError(f"set_value: {self!r} holds {self.ndim}-d values, got {value.ndim}-d")
        self._value = value


class MissingInputError(ValueError):
    """A graph needs the value of an input that was not given."""


def as_variable(value):
    """``value`` itself if it is a node of the graph, else a constant node holding it."""
    if isinstance(value, Variable):
        return value
    if isinstance(value, (list, tuple)):
        value = np.asarray(value)
    return Constant(value)


def _input(ndim, dtype):
    def make(name=None):
        return Variable(ndim, dtype, name)

    make.__doc__ = f"A symbolic input: {ndim}-d values of dtype {dtype}."
    return make


def scalar(name=None, dtype="float64"):
    """A symbolic 0-d input."""
    return Variable(0, dtype, name)


def vector(name=None, dtype="float64"):
    """A symbolic 1-d input."""
    return Variable(1, dtype, name)


def matrix(name=None, dtype="float64"):
    """A symbolic 2-d input."""
    return Variable(2, dtype, name)


dscalar, dvector, dmatrix = _input(0, "float64"), _input(1, "float64"), _input(2, "float64")
iscalar, ivector, imatrix = _input(0, "int32"), _input(1, "int32"), _input(2, "int32")


def constant(value, name=None):
    """A constant node."""
    return Constant(value, name)


def shared(value, name=None):
    """A shared variable holding a copy of ``value``."""
    return SharedVariable(value, name)


class Op:
    """An operation. ``op(*inputs)`` adds a node to the graph; ``perform(*values)``
    computes its value with numpy; ``grad(inputs, output, g)`` returns the graph of
    dcost/d(input) for each input, given the node ``output`` and g = dcost/d(output),
    or None for an input no gradient flows to."""

    def __call__(self, *inputs):
        variables = [as_variable(i) for i in inputs]
        return Variable(self.output_ndim(*(v.ndim for v in variables)), op=self, inputs=variables)

    def output_ndim(self, *ndims):
        return builtins.max(ndims, default=0)

    def perform(self, *values):
        raise TypeError(f"{self} cannot be computed")

    def grad(self, inputs, output, g):
        raise TypeError(f"{self} has no gradient")

    def __repr__(self):
        return type(self).__name__


def _compare(ufunc):
    return lambda a, b: ufunc(a, b).astype(np.int8)


ELEMWISE = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "true_div": np.true_divide,
    "pow": np.power,
    "maximum": np.maximum,
    "neg": np.negative,
    "exp": np.exp,
    "log": np.log,
    "tanh": np.tanh,
    "abs": np.abs,
    "sgn": np.sign,
    "sqrt": np.sqrt,
    "lt": _compare(np.less),
    "le": _compare(np.less_equal),
    "gt": _compare(np.greater),
    "ge": _compare(np.greater_equal),
    "eq": _compare(np.equal),
    "neq": _compare(np.not_equal),
    "zeros_like": lambda a: np.zeros(np.shape(a)),
    "ones_like": lambda a: np.ones(np.shape(a)),
}


class Elemwise(Op):
    """An elementwise numpy function of one or two inputs, with numpy's broadcasting."""

    def __init__(self, kind):
        self.kind = kind

    def perform(self, *values):
        return ELEMWISE[self.kind](*values)

    def grad(self, inputs, output, g):
        return elemwise_grad(self.kind, inputs, output, g)

    def __repr__(self):
        return self.kind


class SumTo(Op):
    """sum_to(value, like): ``value`` summed down to the shape of ``like`` (undoes broadcasting)."""

    def output_ndim(self, value_ndim, like_ndim):
        return like_ndim

    def perform(self, value, like):
        return unbroadcast(value, np.shape(like))

    def grad(self, inputs, output, g):
        return [broadcast_to(g, inputs[0]), None]


class BroadcastTo(Op):
    """broadcast_to(value, like, axis): ``value`` copied to the shape of ``like``; with an
    axis, ``value`` lacks that axis (it was summed away) and is repeated along it."""

    def __init__(self, axis=None):
        self.axis = axis

    def output_ndim(self, value_ndim, like_ndim):
        return like_ndim

    def perform(self, value, like):
        value = np.asarray(value) if self.axis is None else np.expand_dims(value, self.axis)
        return np.array(np.broadcast_to(value, np.shape(like)))

    def grad(self, inputs, output, g):
        return [sum_to(g, inputs[0]) if self.axis is None else sum(g, self.axis), None]


REDUCE = {
    "sum": lambda x, axis: np.sum(x, axis=axis),
    "max": lambda x, axis: np.max(x, axis=axis),
    "argmax": lambda x, axis: np.argmax(x, axis=axis),
    "count": lambda x, axis: float(np.size(x) if axis is None else np.shape(x)[axis]),
}


class Reduce(Op):
    """A reduction over one axis, or over all of them (axis None): sum, max, argmax, or
    count (how many elements are reduced, for the mean)."""

    def __init__(self, kind, axis=None):
        self.kind, self.axis = kind, axis

    def output_ndim(self, ndim):
        return 0 if self.axis is None or self.kind == "count" else ndim - 1

    def perform(self, x):
        return REDUCE[self.kind](x, self.axis)

    def grad(self, inputs, output, g):
        return reduce_grad(self.kind, self.axis, inputs[0], output, g)

    def __repr__(self):
        return self.kind if self.axis is None else f"{self.kind}{{axis={self.axis}}}"


class Dot(Op):
    """numpy's dot for ranks 0 to 2: a product with a scalar, the inner product of
    vectors, matrix-vector and matrix-matrix products."""

    def output_ndim(self, a, b):
        return builtins.max(a, b) if a == 0 or b == 0 else a + b - 2

    def perform(self, a, b):
        return np.dot(a, b)

    def grad(self, inputs, output, g):
        return dot_grad(inputs[0], inputs[1], g)


class Outer(Op):
    """The outer product of two vectors: out[i, j] = a[i] * b[j]."""

    def output_ndim(self, a, b):
        return 2

    def perform(self, a, b):
        return np.outer(a, b)

    def grad(self, inputs, output, g):
        a, b = inputs
        return [dot(g, b), dot(a, g)]  # sum_j g[i, j] b[j] and sum_i g[i, j] a[i]


class Transpose(Op):
    """Axes reversed (a matrix transposed; vectors and scalars unchanged)."""

    def perform(self, x):
        return np.transpose(x)

    def grad(self, inputs, output, g):
        return [transpose(g)]


class Subtensor(Op):
    """x[index] for a constant index: ints, slices, tuples of them, integer lists."""

    def __init__(self, index):
        if isinstance(index, Variable) or (isinstance(index, tuple) and any(isinstance(i, Variable) for i in index)):
            raise TypeError("indices must be numbers or slices, not symbolic variables")
        self.index = index

    def output_ndim(self, ndim):
        return np.zeros((2,) * ndim)[self.index].ndim

    def perform(self, x):
        return np.asarray(x)[self.index]

    def grad(self, inputs, output, g):
        return [IndexGrad(self.index)(g, inputs[0])]

    def __repr__(self):
        return f"getitem[{self.index}]"


class IndexGrad(Op):
    """The gradient of x[index]: zeros shaped like x with g added at ``index``."""

    def __init__(self, index):
        self.index = index

    def output_ndim(self, g_ndim, x_ndim):
        return x_ndim

    def perform(self, g, x):
        out = np.zeros(np.shape(x))
        np.add.at(out, self.index, g)
        return out

    def grad(self, inputs, output, g):
        return [Subtensor(self.index)(g), None]


class Stack(Op):
    """Values of one shape stacked along a new first axis (``max([a, b])`` uses it)."""

    def output_ndim(self, *ndims):
        return builtins.max(ndims, default=0) + 1

    def perform(self, *values):
        return np.stack(np.broadcast_arrays(*values))

    def grad(self, inputs, output, g):
        return [sum_to(g[i], x) for i, x in enumerate(inputs)]


class Draw(Op):
    """A random variable: every evaluation calls ``sample()`` for a fresh value."""

    def __init__(self, sample, ndim):
        self.sample, self.ndim = sample, ndim

    def output_ndim(self):
        return self.ndim

    def perform(self):
        return np.asarray(self.sample())


# the functions that build nodes (Theano's names)


def add(a, b):
    return Elemwise("add")(a, b)


def sub(a, b):
    return Elemwise("sub")(a, b)


def mul(a, b):
    return Elemwise("mul")(a, b)


def true_div(a, b):
    return Elemwise("true_div")(a, b)


def pow(a, b):
    return Elemwise("pow")(a, b)


def maximum(a, b):
    return Elemwise("maximum")(a, b)


def neg(x):
    return Elemwise("neg")(x)


def exp(x):
    return Elemwise("exp")(x)


def log(x):
    return Elemwise("log")(x)


def tanh(x):
    return Elemwise("tanh")(x)


def abs(x):
    return Elemwise("abs")(x)


def sgn(x):
    return Elemwise("sgn")(x)


def sqrt(x):
    return Elemwise("sqrt")(x)


def sqr(x):
    """x * x: the same node used twice, so its gradient is 2 x g."""
    x = as_variable(x)
    return mul(x, x)


def lt(a, b):
    return Elemwise("lt")(a, b)


def le(a, b):
    return Elemwise("le")(a, b)


def gt(a, b):
    return Elemwise("gt")(a, b)


def ge(a, b):
    return Elemwise("ge")(a, b)


def eq(a, b):
    return Elemwise("eq")(a, b)


def neq(a, b):
    return Elemwise("neq")(a, b)


def zeros_like(x):
    return Elemwise("zeros_like")(x)


def ones_like(x):
    return Elemwise("ones_like")(x)


def sum_to(value, like):
    return SumTo()(value, like)


def broadcast_to(value, like, axis=None):
    return BroadcastTo(axis)(value, like)


def sum(x, axis=None):
    return Reduce("sum", axis)(x)


def mean(x, axis=None):
    x = as_variable(x)
    return true_div(sum(x, axis), Reduce("count", axis)(x))


def max(x, axis=None):
    """The largest element (along ``axis``); a list of variables is stacked first."""
    if isinstance(x, (list, tuple)):
        x = Stack()(*x)
    return Reduce("max", axis)(x)


def argmax(x, axis=None):
    return Reduce("argmax", axis)(x)


def dot(a, b):
    return Dot()(a, b)


def outer(a, b):
    return Outer()(a, b)


def transpose(x):
    return Transpose()(x)


def switch(condition, then, otherwise):
    """Elementwise choice: then where condition is nonzero, otherwise elsewhere."""
    return IfElse(elementwise=True)(condition, then, otherwise)


def ifelse(condition, then, otherwise):
    """One whole branch: ``then`` if the scalar condition is nonzero, else ``otherwise``."""
    return IfElse(elementwise=False)(condition, then, otherwise)


def sigmoid(x):
    return Activation("sigmoid")(x)


def ultra_fast_sigmoid(x):
    return Activation("ultra_fast_sigmoid")(x)


def softplus(x):
    return Activation("softplus")(x)


def relu(x):
    return Activation("relu")(x)


def softmax(x):
    return Activation("softmax")(x)


class nnet:
    """theano.tensor.nnet as the book uses it: T.nnet.sigmoid(x), T.nnet.binary_crossentropy(p, y), ..."""

    def sigmoid(x):
        return sigmoid(x)

    def ultra_fast_sigmoid(x):
        return ultra_fast_sigmoid(x)

    def softplus(x):
        return softplus(x)

    def relu(x):
        return relu(x)

    def softmax(x):
        return softmax(x)

    def binary_crossentropy(output, target):
        return binary_crossentropy(output, target)

    def categorical_crossentropy(coding_dist, true_dist):
        return categorical_crossentropy(coding_dist, true_dist)


def function(inputs, outputs=None, updates=(), givens=None):
    """Compile a graph into a callable: see ``Function``."""
    return Function(inputs, outputs, updates, givens)


def scan(fn, sequences=None, outputs_info=None, non_sequences=None, n_steps=None):
    """A loop in the graph: step t computes ``fn(*sequence items at t, previous result,
    *non_sequences)`` (without a previous result when ``outputs_info`` is None), for
    ``n_steps`` steps (default: the sequences' length). Returns ``(results, updates)``:
    the results of every step stacked along a new first axis, and no updates ({})."""

    def as_list(items):
        if items is None:
            return []
        return [as_variable(i) for i in (items if isinstance(items, (list, tuple)) else [items])]

    sequences, non_sequences = as_list(sequences), as_list(non_sequences)
    initial = None if outputs_info is None else as_variable(outputs_info)
    if n_steps is None:
        if not sequences:
            raise TypeError("scan: give n_steps or sequences")
        n_steps = Reduce("count", 0)(sequences[0])
    items = [Variable(s.ndim - 1, s.dtype) for s in sequences]
    previous = [] if initial is None else [Variable(initial.ndim, initial.dtype)]
    constants = [Variable(v.ndim, v.dtype) for v in non_sequences]
    step = as_variable(fn(*items, *previous, *constants))
    op = Scan(step, items, previous[0] if previous else None, constants)
    return op(n_steps, *([] if initial is None else [initial]), *sequences, *non_sequences), {}


# ---------------------------------------------------------------- running a graph


def toposort(outputs):
    """The nodes the outputs depend on (the outputs included), each listed once, every
    node after all of its inputs.

    Walk the graph from the outputs towards the leaves, remembering the nodes already
    visited: a node reached along several paths (x in x * x, or a diamond) is listed
    once, and a deep graph with shared nodes is walked in time proportional to its
    number of nodes, not its number of paths. Use a loop with an explicit stack, not
    recursion: graphs can be deeper than Python's recursion limit.

    Inputs:
    - outputs: a list of Variables

    Returns:
    - order: a list of Variables
    """
    ### BEGIN SOLUTION
    order, visited = [], set()
    stack = [(output, False) for output in reversed(outputs)]
    while stack:
        node, inputs_listed = stack.pop()
        if inputs_listed:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        stack.extend((i, False) for i in reversed(node.inputs))
    ### END SOLUTION
    return order


def evaluate(outputs, values):
    """The values of ``outputs``, computing each node of the graph once.

    Go through ``toposort(outputs)``: a node whose value is in ``values`` keeps it; a
    Constant gives its ``value``; a SharedVariable its current value (``get_value()``,
    read now, at evaluation time); a node with an op gets ``op.perform(*values of its
    inputs)``. Any other leaf is an input nobody gave a value: raise MissingInputError.

    Inputs:
    - outputs: a list of Variables
    - values: dict {Variable: value} of the inputs (left unchanged)

    Returns:
    - a list of numpy arrays, one per output (0-d arrays for scalars)
    """
    ### BEGIN SOLUTION
    computed = dict(values)
    for node in toposort(outputs):
        if node in computed:
            continue
        if isinstance(node, Constant):
            computed[node] = node.value
        elif isinstance(node, SharedVariable):
            computed[node] = node.get_value()
        elif node.op is not None:
            computed[node] = node.op.perform(*[computed[i] for i in node.inputs])
        else:
            raise MissingInputError(f"no value was given for the input {node!r}")
    ### END SOLUTION
    return [np.asarray(computed[output]) for output in outputs]


class Function:
    """A compiled graph: ``f = function(inputs, outputs, updates, givens)``, then ``f(*values)``.

    A call:
    1. casts each value to its input's dtype (a TypeError if that would lose
       information, such as 2.5 for an int input) and checks its ndim (TypeError);
    2. evaluates the outputs and the new values of the updates in ONE evaluation,
       with the shared variables' values of before the call; ``givens`` pairs
       (variable, expression) make the graph use the expression's value (computed
       from the inputs) wherever the variable appears;
    3. only then assigns every update (shared.set_value(new value)): all updates
       of a call see the same old values, and the outputs are those of before
       the updates.

    Inputs of the constructor:
    - inputs: list of input Variables, in the order of the call's arguments
    - outputs: one Variable (a call returns one array) or a list (a call returns a list)
    - updates: pairs (shared variable, expression of its new value), or a dict
    - givens: pairs (variable, expression replacing it), or a dict, or None

    Returns of a call:
    - one numpy array, or a list of them
    """

    def __init__(self, inputs, outputs=None, updates=(), givens=None):
        ### BEGIN SOLUTION
        self.inputs = list(inputs)
        self.single = outputs is not None and not isinstance(outputs, (list, tuple))
        outputs = [] if outputs is None else [outputs] if self.single else outputs
        self.outputs = [as_variable(o) for o in outputs]
        updates = updates.items() if isinstance(updates, dict) else updates
        self.updates = [(variable, as_variable(new)) for variable, new in updates]
        for variable, _ in self.updates:
            if not isinstance(variable, SharedVariable):
                raise TypeError(f"function: only shared variables can be updated, not {variable!r}")
        givens = givens.items() if isinstance(givens, dict) else givens or ()
        self.givens = [(variable, as_variable(expression)) for variable, expression in givens]
        ### END SOLUTION

    def __call__(self, *args):
        ### BEGIN SOLUTION
        if len(args) != len(self.inputs):
            raise TypeError(f"this function takes {len(self.inputs)} arguments, got {len(args)}")
        values = {}
        for variable, value in zip(self.inputs, args):
            value = np.asarray(value)
            if variable.dtype is not None:
                if not np.can_cast(value.dtype, variable.dtype, casting="same_kind"):
                    raise TypeError(f"{variable!r} holds {variable.dtype}; {value.dtype} values would lose information")
                value = value.astype(variable.dtype)
            if value.ndim != variable.ndim:
                raise TypeError(f"{variable!r} is {variable.ndim}-d, got a {value.ndim}-d value")
            values[variable] = value
        if self.givens:
            replaced = evaluate([expression for _, expression in self.givens], values)
            values.update((variable, value) for (variable, _), value in zip(self.givens, replaced))
        results = evaluate(self.outputs + [new for _, new in self.updates], values)
        outputs = results[: len(self.outputs)]
        for (variable, _), value in zip(self.updates, results[len(self.outputs) :]):
            variable.set_value(value)
        ### END SOLUTION
        return outputs[0] if self.single else outputs


# ---------------------------------------------------------------- gradients


def unbroadcast(value, shape):
    """Sum ``value`` down to ``shape``: the inverse of numpy's broadcasting for gradients.

    When x of shape ``shape`` was broadcast to value's shape, each element of x was
    used many times, so its gradient is the sum of the gradients of its copies: sum
    over the leading axes that broadcasting added, then (keeping them) over the axes
    where ``shape`` has length 1 and value does not.

    Inputs:
    - value: numpy array, shape broadcast from ``shape``
    - shape: tuple

    Returns:
    - numpy array of shape ``shape``
    """
    ### BEGIN SOLUTION
    value = np.asarray(value)
    extra = value.ndim - len(shape)
    if extra > 0:
        value = value.sum(axis=tuple(range(extra)))
    axes = tuple(axis for axis, length in enumerate(shape) if length == 1 and value.shape[axis] != 1)
    if axes:
        value = value.sum(axis=axes, keepdims=True)
    ### END SOLUTION
    return value


def elemwise_grad(kind, inputs, output, g):
    """The gradient graphs of an elementwise op, one per input (None: no gradient).

    With out = op(a) or op(a, b) and g = dcost/dout (all elementwise, broadcast):
      add: g, g            sub: g, -g            mul: g*b, g*a
      true_div: g/b, -g*a/b**2                   pow: g*b*a**(b-1), g*out*log(a)
      maximum: g*(a >= b), g*(a < b)             neg: -g
      exp: g*out           log: g/a              tanh: g*(1 - out**2)
      sqrt: g/(2*out)      abs: g*sgn(a)
      comparisons (lt le gt ge eq neq), sgn, zeros_like, ones_like: None.
    Broadcasting used an input of smaller shape several times: sum each gradient back
    to its input's shape with ``sum_to(gradient, input)``.

    Inputs:
    - kind: the op's name, such as "mul"
    - inputs: list of the node's input Variables
    - output: the node itself (out)
    - g: Variable, dcost/dout

    Returns:
    - a list with one Variable or None per input
    """
    ### BEGIN SOLUTION
    a, b = inputs[0], inputs[-1]  # (b is a again for the one-input ops, which do not use it)
    rules = {
        "add": lambda: [g, g],
        "sub": lambda: [g, -g],
        "mul": lambda: [g * b, g * a],
        "true_div": lambda: [g / b, -g * a / (b * b)],
        "pow": lambda: [g * b * a ** (b - 1), g * output * log(a)],
        "maximum": lambda: [g * ge(a, b), g * lt(a, b)],
        "neg": lambda: [-g],
        "exp": lambda: [g * output],
        "log": lambda: [g / a],
        "tanh": lambda: [g * (1 - output * output)],
        "sqrt": lambda: [g / (2 * output)],
        "abs": lambda: [g * sgn(a)],
    }
    grads = rules[kind]() if kind in rules else [None] * len(inputs)
    return [None if d is None else sum_to(d, x) for d, x in zip(grads, inputs)]
    ### END SOLUTION


def reduce_grad(kind, axis, x, output, g):
    """The gradient graph of a reduction of x (along ``axis``, or of all of x if None).

      sum: every element of x gets g: broadcast_to(g, x, axis)
      max: only the largest elements get g: broadcast_to(g, x, axis) * eq(x, broadcast_to(output, x, axis))
      argmax, count: None (they are flat almost everywhere)

    Inputs:
    - kind: "sum", "max", "argmax" or "count"
    - axis: int or None
    - x: the input Variable
    - output: the node itself
    - g: Variable, dcost/doutput

    Returns:
    - a list of one Variable (or None)
    """
    ### BEGIN SOLUTION
    if kind == "sum":
        return [broadcast_to(g, x, axis)]
    if kind == "max":
        return [broadcast_to(g, x, axis) * eq(x, broadcast_to(output, x, axis))]
    return [None]
    ### END SOLUTION


def dot_grad(a, b, g):
    """The gradient graphs of out = dot(a, b), for a and b of ranks 0 to 2.

    A scalar operand makes dot a product: like mul (g*b, g*a, each summed to its
    input's shape). Otherwise, by the ranks of (a, b):
      (1, 1) out scalar: g*b, g*a
      (2, 1) out vector: outer(g, b), dot(a.T, g)
      (1, 2) out vector: dot(b, g), outer(a, g)
      (2, 2) out matrix: dot(g, b.T), dot(a.T, g)

    Inputs:
    - a, b: the input Variables
    - g: Variable, dcost/dout

    Returns:
    - [ga, gb]: Variables shaped like a and b
    """
    ### BEGIN SOLUTION
    if a.ndim == 0 or b.ndim == 0:
        return [sum_to(g * b, a), sum_to(g * a, b)]
    if a.ndim == 1 and b.ndim == 1:
        return [g * b, g * a]
    if a.ndim == 2 and b.ndim == 1:
        return [outer(g, b), dot(a.T, g)]
    if a.ndim == 1 and b.ndim == 2:
        return [dot(b, g), outer(a, g)]
    if a.ndim == 2 and b.ndim == 2:
        return [dot(g, b.T), dot(a.T, g)]
    ### END SOLUTION
    raise TypeError(f"dot of {a.ndim}-d and {b.ndim}-d values is not supported")


def grad(cost, wrt):
    """Symbolic gradients: graphs computing dcost/dw for each w in ``wrt``.

    Reverse mode over the graph: start with dcost/dcost = ones_like(cost); go through
    toposort([cost]) backwards, so that a node is visited after every node that uses
    it; a visited node with an op and a gradient g asks ``op.grad(inputs, node, g)``
    for its inputs' gradients and ADDS each to the gradient collected so far for that
    input (a node used twice, as x in x * x, gets both contributions). A w the cost
    does not depend on gets zeros_like(w). Nothing is computed here: the results are
    new nodes, which ``function`` compiles (and ``grad`` can differentiate again).

    Inputs:
    - cost: a 0-d Variable (TypeError otherwise)
    - wrt: a Variable, or a list of them

    Returns:
    - a Variable shaped like wrt, or a list of them (when wrt is a list)
    """
    ### BEGIN SOLUTION
    cost = as_variable(cost)
    if cost.ndim != 0:
        raise TypeError(f"grad: the cost must be a scalar, got a {cost.ndim}-d variable (sum or average it first)")
    targets = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
    grads = {cost: ones_like(cost)}
    for node in reversed(toposort([cost])):
        if node.op is None or node not in grads:
            continue
        for x, gx in zip(node.inputs, node.op.grad(node.inputs, node, grads[node])):
            if gx is not None:
                grads[x] = grads[x] + gx if x in grads else gx
    result = [grads[w] if w in grads else zeros_like(w) for w in targets]
    ### END SOLUTION
    return result if isinstance(wrt, (list, tuple)) else result[0]


# ---------------------------------------------------------------- nnet

UFS_SLOPE, UFS_LIMIT = 0.0458812946797165, 0.99505475368673


class Activation(Op):
    """The activations of theano.tensor.nnet, applied elementwise (softmax: along the last axis).

      sigmoid(x) = 1 / (1 + exp(-x)), computed without overflow for large |x|
      ultra_fast_sigmoid(x) = (z(x/2) + 1) / 2, Theano's piecewise approximation, with z odd and,
          for u = |x/2|: z = 1.5 u / (1 + u) for u < 1.7; 0.935409070603099 + 0.0458812946797165 (u - 1.7)
          for u < 3; 0.99505475368673 beyond
      softplus(x) = log(1 + exp(x)), without overflow
      relu(x) = max(x, 0)
      softmax(x) = exp(x - max) / sum(exp(x - max)) along the last axis

    Gradients, with out the node's value and g = dcost/dout:
      sigmoid: g*out*(1 - out)    softplus: g*sigmoid(x)    relu: g*(x > 0)
      softmax: out*(g - broadcast_to(sum(g*out, axis=-1), out, axis=-1))
      ultra_fast_sigmoid: g/4 * dz/du, where dz/du = 1.5/(1 + u)**2 for u < 1.7,
          0.0458812946797165 for u < 3, and 0 beyond
    """

    def __init__(self, kind):
        self.kind = kind

    def perform(self, x):
        ### BEGIN SOLUTION
        x = np.asarray(x, dtype=np.float64)
        if self.kind == "sigmoid":
            return np.exp(-np.logaddexp(0.0, -x))
        if self.kind == "ultra_fast_sigmoid":
            u = np.abs(x / 2)
            z = np.where(
                u < 1.7, 1.5 * u / (1 + u), np.where(u < 3, 0.935409070603099 + UFS_SLOPE * (u - 1.7), UFS_LIMIT)
            )
            return 0.5 * np.sign(x) * z + 0.5
        if self.kind == "softplus":
            return np.logaddexp(0.0, x)
        if self.kind == "relu":
            return np.maximum(x, 0.0)
        if self.kind == "softmax":
            e = np.exp(x - np.max(x, axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)
        ### END SOLUTION
        raise ValueError(f"unknown activation {self.kind}")

    def grad(self, inputs, output, g):
        x = inputs[0]
        ### BEGIN SOLUTION
        if self.kind == "sigmoid":
            return [g * output * (1 - output)]
        if self.kind == "ultra_fast_sigmoid":
            u = abs(x / 2)
            slope = lt(u, 1.7) * (1.5 / sqr(1 + u)) + ge(u, 1.7) * lt(u, 3) * UFS_SLOPE
            return [g * 0.25 * slope]
        if self.kind == "softplus":
            return [g * sigmoid(x)]
        if self.kind == "relu":
            return [g * gt(x, 0)]
        if self.kind == "softmax":
            return [output * (g - broadcast_to(sum(g * output, axis=-1), output, axis=-1))]
        ### END SOLUTION
        raise ValueError(f"unknown activation {self.kind}")

    def __repr__(self):
        return self.kind


def binary_crossentropy(output, target):
    """Elementwise binary cross-entropy: -(target log(output) + (1 - target) log(1 - output)).

    Built from the graph's ops (so ``grad`` differentiates it). Mind the order:
    the model's probabilities first, the targets second.

    An output made by ``sigmoid(z)`` rounds to exactly 1 (or 0) once |z| > 37 or so,
    and then log(1 - output) is -inf: the loss and its gradient become nan. For such
    an output use z itself, as Theano's graph optimiser did:
    -log(sigmoid(z)) = softplus(-z) and -log(1 - sigmoid(z)) = softplus(z), finite
    for every z. (A sigmoid node ``output`` has ``output.op`` an Activation of kind
    "sigmoid" and ``output.inputs == [z]``.)

    Inputs:
    - output: Variable, probabilities in (0, 1)
    - target: Variable of the same shape, targets in [0, 1]

    Returns:
    - a Variable of the same shape (average it for a loss)
    """
    ### BEGIN SOLUTION
    output = as_variable(output)
    if isinstance(output.op, Activation) and output.op.kind == "sigmoid":
        z = output.inputs[0]
        return target * softplus(-z) + (1 - target) * softplus(z)
    return -(target * log(output) + (1 - target) * log(1 - output))
    ### END SOLUTION


def categorical_crossentropy(coding_dist, true_dist):
    """Cross-entropy of each row: -sum(true_dist * log(coding_dist)) along the last axis.

    Inputs:
    - coding_dist: Variable (N, C), the model's probabilities (rows sum to 1)
    - true_dist: Variable (N, C), one-hot or soft targets

    Returns:
    - a Variable (N,), one cross-entropy per row
    """
    ### BEGIN SOLUTION
    return -sum(true_dist * log(coding_dist), axis=-1)
    ### END SOLUTION


# ---------------------------------------------------------------- control flow and randomness


class IfElse(Op):
    """ifelse(condition, then, otherwise) and switch(condition, then, otherwise).

    ``IfElse(elementwise=False)`` (ifelse): the condition is a scalar; the value is the
    whole of ``then`` if it is nonzero, else the whole of ``otherwise``.
    ``IfElse(elementwise=True)`` (switch): numpy's where, elementwise with broadcasting.

    Gradients: none for the condition; g goes to the branch that was chosen and zeros
    to the other, ifelse(condition, g, zeros_like(g)) and ifelse(condition, zeros_like(g), g)
    (with switch, each summed back to its input's shape with sum_to).
    """

    def __init__(self, elementwise):
        self.elementwise = elementwise

    def perform(self, condition, then, otherwise):
        ### BEGIN SOLUTION
        if self.elementwise:
            return np.where(condition, then, otherwise)
        return then if np.asarray(condition).item() else otherwise
        ### END SOLUTION

    def grad(self, inputs, output, g):
        condition, then, otherwise = inputs
        ### BEGIN SOLUTION
        zeros = zeros_like(g)
        if self.elementwise:
            return [None, sum_to(switch(condition, g, zeros), then), sum_to(switch(condition, zeros, g), otherwise)]
        return [None, ifelse(condition, g, zeros), ifelse(condition, zeros, g)]
        ### END SOLUTION

    def __repr__(self):
        return "switch" if self.elementwise else "ifelse"


class Scan(Op):
    """The loop that ``scan`` builds. Its graph for one step, ``step``, reads placeholder
    variables: ``items`` (one per sequence: the sequence's item at this step),
    ``previous`` (the previous step's result; None without outputs_info) and
    ``constants`` (one per non-sequence).

    The node's inputs are (n_steps, [initial value,] *sequences, *non_sequences).
    ``perform`` runs the step n_steps times: step t evaluates ``step`` with the
    placeholders given the sequences' items t, the previous result (the initial
    value at t = 0) and the non-sequences; it returns the results of all steps
    stacked along a new first axis. Forward only: there is no gradient.
    """

    def __init__(self, step, items, previous, constants):
        self.step, self.items, self.previous, self.constants = step, items, previous, constants

    def output_ndim(self, *ndims):
        return self.step.ndim + 1

    def perform(self, n_steps, *values):
        ### BEGIN SOLUTION
        rest = list(values)
        current = rest.pop(0) if self.previous is not None else None
        sequences, constants = rest[: len(self.items)], rest[len(self.items) :]
        results = []
        for t in range(int(n_steps)):
            given = dict(zip(self.items, [s[t] for s in sequences]))
            given.update(zip(self.constants, constants))
            if self.previous is not None:
                given[self.previous] = current
            current = evaluate([self.step], given)[0]
            results.append(current)
        ### END SOLUTION
        return np.stack(results) if results else np.zeros((0,))


class RandomStreams:
    """Theano's RandomStreams(seed): random variables whose value is drawn afresh
    every time a function computes them.

    The streams hold one seed generator, np.random.RandomState(seed). Each
    ``normal`` makes a new random variable with its own generator,
    np.random.RandomState(seed_generator.randint(2 ** 30)), created once; each
    evaluation draws ``generator.normal(avg, std, size)`` from it, so successive
    calls give successive draws (with seed 42 these are the book's numbers).

    Returns of ``normal``: a Variable of ndim len(size).
    """

    def __init__(self, seed=None):
        ### BEGIN SOLUTION
        self.seeds = np.random.RandomState(seed)
        ### END SOLUTION

    def normal(self, size=(), avg=0.0, std=1.0):
        ### BEGIN SOLUTION
        generator = np.random.RandomState(self.seeds.randint(2**30))

        def sample():
            return generator.normal(avg, std, size)

        ### END SOLUTION
        return Draw(sample, len(size))()
