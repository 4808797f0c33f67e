"""Formulas of derived metrics: text → a small expression tree, never ``eval``.

The text is parsed with ``ast`` (Python's own parser, which executes nothing) and the tree is
walked against a whitelist: numbers, names, ``metric.VALUE`` (one value of a breakdown),
``+ - * /``, unary minus, parentheses and the aggregate functions over media below. Anything
else (attributes of attributes, subscripts, comparisons, keyword arguments, strings outside a
product-type argument, ``**``) is refused with a message naming it.

``sum(x)``, ``avg(x)``, ``max(x)``, ``min(x)`` evaluate ``x`` (an expression in media scope) for
each media of the period and aggregate; a second argument restricts them to one product type:
``avg(reach, REELS)``. ``count()`` / ``count(STORY)`` counts media.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass

AGGREGATES = ("sum", "avg", "max", "min", "count")
PRODUCT_TYPES = ("FEED", "REELS", "STORY")
MAX_LENGTH = 500
_OPERATORS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}
_REFUSED_OPERATORS: dict[type[ast.operator], str] = {
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
}


class FormulaError(ValueError):
    """A formula that does not parse or uses something not allowed; ``column`` is 1-based."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return self.message + (f" (at character {self.column})" if self.column else "")


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Ref:
    """A metric or derived metric by name; ``value`` picks one breakdown value (FOLLOWER)."""

    name: str
    value: str | None = None
    column: int = 0

    @property
    def text(self) -> str:
        return f"{self.name}.{self.value}" if self.value else self.name


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Expr


@dataclass(frozen=True)
class Binary:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Aggregate:
    function: str
    operand: Expr | None  # None for count()
    product_type: str | None = None
    column: int = 0


Expr = Num | Ref | Unary | Binary | Aggregate


@functools.lru_cache(maxsize=1024)
def parse(text: str) -> Expr:
    """The expression tree of ``text``; raises FormulaError. The tree is immutable, so the
    formulas every spec of a run shares (the built-ins, an agency base's) are parsed once."""
    if not text.strip():
        raise FormulaError("the formula is empty")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise FormulaError("invalid syntax", error.offset) from None
    return _node(tree.body, inside_aggregate=False)


def _col(node: ast.AST) -> int:
    return int(getattr(node, "col_offset", 0)) + 1


def _node(node: ast.expr, *, inside_aggregate: bool) -> Expr:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError(f"{node.value!r} is not a number", _col(node))
        return Num(float(node.value))
    if isinstance(node, ast.Name):
        return Ref(node.id, column=_col(node))
    if isinstance(node, ast.Attribute):
        if not isinstance(node.value, ast.Name):
            raise FormulaError("write a breakdown value as metric.VALUE", _col(node))
        return Ref(node.value.id, node.attr, column=_col(node))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _node(node.operand, inside_aggregate=inside_aggregate)
        return operand if isinstance(node.op, ast.UAdd) else Unary("-", operand)
    if isinstance(node, ast.BinOp):
        op = _OPERATORS.get(type(node.op))
        if op is None:
            shown = _REFUSED_OPERATORS.get(type(node.op), type(node.op).__name__)
            raise FormulaError(f"operator {shown} is not allowed; use + - * /", _col(node))
        return Binary(
            op,
            _node(node.left, inside_aggregate=inside_aggregate),
            _node(node.right, inside_aggregate=inside_aggregate),
        )
    if isinstance(node, ast.Call):
        return _call(node, inside_aggregate=inside_aggregate)
    raise FormulaError(f"{_describe(node)} is not allowed in a formula", _col(node))


def _call(node: ast.Call, *, inside_aggregate: bool) -> Aggregate:
    if not isinstance(node.func, ast.Name):
        raise FormulaError("only sum, avg, max, min and count can be called", _col(node))
    name = node.func.id
    if name not in AGGREGATES:
        raise FormulaError(f"unknown function {name!r}", _col(node))
    if inside_aggregate:
        raise FormulaError(f"{name}() cannot be used inside another aggregate", _col(node))
    if node.keywords:
        raise FormulaError(f"{name}() takes no keyword arguments", _col(node))
    args = list(node.args)
    wanted = "count([PRODUCT_TYPE])" if name == "count" else f"{name}(EXPRESSION[, PRODUCT_TYPE])"
    if name == "count":
        if len(args) > 1:
            raise FormulaError(f"expected {wanted}", _col(node))
        product = _product_type(args[0]) if args else None
        return Aggregate(name, None, product, _col(node))
    if not 1 <= len(args) <= 2:
        raise FormulaError(f"expected {wanted}", _col(node))
    operand = _node(args[0], inside_aggregate=True)
    product = _product_type(args[1]) if len(args) == 2 else None
    return Aggregate(name, operand, product, _col(node))


def _product_type(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        text = node.id
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    else:
        raise FormulaError("expected a product type: FEED, REELS or STORY", _col(node))
    if text not in PRODUCT_TYPES:
        raise FormulaError(
            f"unknown product type {text!r}; expected FEED, REELS or STORY", _col(node)
        )
    return text


def _describe(node: ast.AST) -> str:
    names = {
        ast.Compare: "a comparison",
        ast.BoolOp: "and/or",
        ast.Subscript: "a subscript [ ]",
        ast.Lambda: "lambda",
        ast.IfExp: "if/else",
        ast.Tuple: "a tuple",
        ast.List: "a list",
        ast.Dict: "a dict",
        ast.Set: "a set",
        ast.JoinedStr: "an f-string",
        ast.Starred: "*",
        ast.NamedExpr: ":=",
    }
    for kind, text in names.items():
        if isinstance(node, kind):
            return text
    if isinstance(node, ast.UnaryOp):
        return "operator " + ("not" if isinstance(node.op, ast.Not) else "~")
    return type(node).__name__


def refs(expr: Expr, *, inside_aggregate: bool = False) -> Iterator[tuple[Ref, bool]]:
    """Every name the expression uses, with whether it sits inside an aggregate (media scope)."""
    if isinstance(expr, Ref):
        yield expr, inside_aggregate
    elif isinstance(expr, Unary):
        yield from refs(expr.operand, inside_aggregate=inside_aggregate)
    elif isinstance(expr, Binary):
        yield from refs(expr.left, inside_aggregate=inside_aggregate)
        yield from refs(expr.right, inside_aggregate=inside_aggregate)
    elif isinstance(expr, Aggregate) and expr.operand is not None:
        yield from refs(expr.operand, inside_aggregate=True)


def aggregates(expr: Expr) -> Iterator[Aggregate]:
    if isinstance(expr, Aggregate):
        yield expr
    elif isinstance(expr, Unary):
        yield from aggregates(expr.operand)
    elif isinstance(expr, Binary):
        yield from aggregates(expr.left)
        yield from aggregates(expr.right)
