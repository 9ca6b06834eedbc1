"""A tidy tree layout of a :class:`Graph` (pure): parent above child, no overlaps.

Leaves take consecutive slots and a parent is centred over its children. A parent whose
children are all leaves stacks them in columns under it, so a wide fan-out stays
narrow. Large trees are folded to stay legible: past ``max_children`` siblings, healthy
ones fold into one "+N zones" box; past ``max_boxes`` boxes or ``max_slots`` columns,
healthy subtrees fold from the deepest level up. A zone with a finding, and its path
from the root, is never folded. Zones apart from the tree (unmanaged delegations,
orphans) sit in a row below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from zonecut.graph.model import Graph, Group, Node, NodeKind, Status, worst

BOX_W = 250
BOX_H = 50
H_GAP = 24
V_GAP = 56
STACK_GAP = 12
STACK_ROWS = 8
STACK_INDENT = 20
MARGIN = 24
TITLE_H = 110
APART_GAP = 56


@dataclass(frozen=True)
class Fold:
    """Zones hidden under one box: ``count`` zones, their worst status."""

    id: str
    parent: str
    count: int
    status: Status
    sample: tuple[str, ...]


@dataclass(frozen=True)
class Box:
    id: str
    x: float
    y: float
    node: Node | None = None
    fold: Fold | None = None
    stacked: bool = False  # drawn in a column under its parent (linked from the side)

    @property
    def cx(self) -> float:
        return self.x + BOX_W / 2

    @property
    def bottom(self) -> float:
        return self.y + BOX_H


@dataclass(frozen=True)
class Layout:
    boxes: tuple[Box, ...]
    width: float
    height: float
    apart_y: float | None  # where the row of zones apart from the tree starts
    hidden: int  # zones folded away

    @cached_property
    def by_id(self) -> dict[str, Box]:
        return {box.id: box for box in self.boxes}


class _Tree:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        tree = [n for n in graph.nodes if n.group is Group.TREE]
        ids = {n.id for n in tree}
        self.children: dict[str | None, list[Node]] = {}
        for node in tree:
            parent = node.parent if node.parent in ids else None
            self.children.setdefault(parent, []).append(node)
        account_of = {n.name: n.account_id or "" for n in tree if n.kind is NodeKind.ZONE}
        keys = graph.account_keys

        def order(node: Node) -> tuple[str, str, int]:
            account = node.account_id or account_of.get(node.name, "")
            return (keys.get(account, account), node.name, node.kind is not NodeKind.ZONE)

        for items in self.children.values():
            items.sort(key=order)
        self.size: dict[str, int] = {}
        self.health: dict[str, Status] = {}
        for root in self.children.get(None, []):
            self._measure(root)

    def _measure(self, root: Node) -> None:
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            kids = self.children.get(node.id, [])
            if not done:
                stack.append((node, True))
                stack.extend((kid, False) for kid in kids)
                continue
            self.size[node.id] = 1 + sum(self.size[k.id] for k in kids)
            self.health[node.id] = worst([node.status, *(self.health[k.id] for k in kids)])


def _fold(tree: _Tree, kids: Sequence[Node], parent: str, tag: str) -> Fold:
    count = sum(tree.size[k.id] for k in kids)
    return Fold(id=f"fold:{parent}:{tag}", parent=parent, count=count,
                status=worst(tree.health[k.id] for k in kids),
                sample=tuple(k.name for k in kids[:3]))


def _visible(tree: _Tree, max_children: int, max_boxes: int, max_slots: int
             ) -> tuple[dict[str | None, list[Node | Fold]], int]:
    shown: dict[str | None, list[Node | Fold]] = {}
    for parent, kids in tree.children.items():
        if parent is not None and len(kids) > max_children:
            sick = [k for k in kids if tree.health[k.id] is not Status.OK]
            well = [k for k in kids if tree.health[k.id] is Status.OK]
            room = max(max_children - 1 - len(sick), 0)
            kept = set(id(k) for k in sick + well[:room])
            rest = [k for k in well[room:]]
            row: list[Node | Fold] = [k for k in kids if id(k) in kept]
            if rest:
                row.append(_fold(tree, rest, parent, "more"))
            shown[parent] = row
        else:
            shown[parent] = list(kids)

    def count() -> int:
        total = 0
        todo: list[str | None] = [None]
        while todo:
            for item in shown.get(todo.pop(), []):
                total += 1
                if isinstance(item, Node):
                    todo.append(item.id)
        return total

    def slots(item: str | None) -> int:
        """Columns the subtree of ``item`` takes (as :func:`layout` places it)."""
        row = shown.get(item, [])
        if not row:
            return 1
        if all(not shown.get(k.id) for k in row) and len(row) > 2:
            return (len(row) + STACK_ROWS - 1) // STACK_ROWS
        return sum(slots(k.id) if isinstance(k, Node) else 1 for k in row)

    depth: dict[str, int] = {}
    todo: list[tuple[str | None, int]] = [(None, 0)]
    while todo:
        parent, level = todo.pop()
        for item in shown.get(parent, []):
            if isinstance(item, Node):
                depth[item.id] = level
                todo.append((item.id, level + 1))
    for level in range(max(depth.values(), default=0), 0, -1):
        if count() <= max_boxes and slots(None) <= max_slots:
            break
        for parent_id, level_of in depth.items():
            row = shown.get(parent_id, [])
            if level_of != level - 1 or not row:
                continue
            sick = [i for i in row if isinstance(i, Node) and tree.health[i.id] is not Status.OK]
            well = [i for i in row if isinstance(i, Node) and tree.health[i.id] is Status.OK]
            folds = [i for i in row if isinstance(i, Fold)]
            if not well and len(folds) <= 1:
                continue
            hidden = sum(tree.size[n.id] for n in well) + sum(f.count for f in folds)
            shown[parent_id] = [*sick, Fold(
                id=f"fold:{parent_id}:all", parent=parent_id, count=hidden,
                status=worst([Status.OK, *(f.status for f in folds)]),
                sample=tuple(n.name for n in well[:3]))]
    hidden = 0
    reach: list[str | None] = [None]
    while reach:
        for item in shown.get(reach.pop(), []):
            if isinstance(item, Fold):
                hidden += item.count
            else:
                reach.append(item.id)
    return shown, hidden


def layout(graph: Graph, *, max_children: int = 24, max_boxes: int = 240,
           max_slots: int = 40) -> Layout:
    """Where every box goes. Deterministic: the same graph gives the same picture."""
    tree = _Tree(graph)
    shown, hidden = _visible(tree, max_children, max_boxes, max_slots)
    boxes: list[Box] = []
    slot = BOX_W + H_GAP
    cursor = [0.0]  # next free x for a subtree

    def place(item: Node | Fold, level: int, top: float) -> float:
        """Lay ``item`` and what is below it out from ``cursor``; return its x."""
        y = top + level * (BOX_H + V_GAP)
        kids = shown.get(item.id, []) if isinstance(item, Node) else []
        if kids and all(not shown.get(k.id) for k in kids) and len(kids) > 2:
            columns = (len(kids) + STACK_ROWS - 1) // STACK_ROWS
            x = cursor[0] + (columns - 1) * slot / 2
            for index, kid in enumerate(kids):
                column, row = divmod(index, STACK_ROWS)
                boxes.append(_box(kid, cursor[0] + column * slot + STACK_INDENT,
                                  y + BOX_H + V_GAP + row * (BOX_H + STACK_GAP), True))
            cursor[0] += columns * slot + STACK_INDENT
            boxes.append(_box(item, x, y))
            return x
        if not kids:
            x = cursor[0]
            cursor[0] += slot
            boxes.append(_box(item, x, y))
            return x
        xs = [place(kid, level + 1, top) for kid in kids]
        x = (xs[0] + xs[-1]) / 2
        boxes.append(_box(item, x, y))
        return x

    top = TITLE_H
    for root in shown.get(None, []):
        place(root, 0, top)
    tree_bottom = max((b.bottom for b in boxes), default=top)
    apart = [n for n in graph.nodes if n.group is not Group.TREE]
    apart_y: float | None = None
    if apart:
        apart_y = tree_bottom + APART_GAP
        per_row = max(int(max(cursor[0], 4 * slot) // slot), 1)
        for index, node in enumerate(apart):
            row, column = divmod(index, per_row)
            boxes.append(_box(node, column * slot, apart_y + 28 + row * (BOX_H + STACK_GAP)))
    right = max((b.x + BOX_W for b in boxes), default=BOX_W)
    bottom = max((b.bottom for b in boxes), default=top)
    shifted = tuple(Box(b.id, b.x + MARGIN, b.y, b.node, b.fold, b.stacked) for b in boxes)
    return Layout(boxes=shifted, width=right + 2 * MARGIN, height=bottom + MARGIN,
                  apart_y=apart_y, hidden=hidden)


def _box(item: Node | Fold, x: float, y: float, stacked: bool = False) -> Box:
    if isinstance(item, Fold):
        return Box(item.id, x, y, fold=item, stacked=stacked)
    return Box(item.id, x, y, node=item, stacked=stacked)
