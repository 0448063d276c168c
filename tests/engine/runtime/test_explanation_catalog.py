"""Every explanation the control plane can write has a Japanese translation in the browser's catalog.

The explanations are found in the engine's source: the `explanation=` keyword of any call, and the explanation's
position in calls to the recorder (`ctx.events.record`) and to a class's own recording helpers (any method with an
`explanation` parameter, called on `self`). An explanation must be literal text: a string, a choice between strings,
a local name bound to one, or a lookup in a dict of them; anything built at run time fails here, because the browser
can only translate a template whose arguments travel beside it (`explanation_args`).
"""

import ast
import gettext
import inspect
import re
from pathlib import Path

import cluster_engine
from cluster_engine.runtime.events import EventRecorder

ENGINE = Path(cluster_engine.__file__).parent
CATALOG = ENGINE.parent / "locale" / "ja" / "LC_MESSAGES" / "djangojs.mo"
# the recorder's explanation position after `self`
RECORDER_POSITION = list(inspect.signature(EventRecorder.record).parameters).index("explanation") - 1


def explanation_position(function: ast.FunctionDef) -> int | None:
    names = [argument.arg for argument in function.args.args]
    return names.index("explanation") - 1 if "explanation" in names and names[0] == "self" else None


class ExplanationFinder:
    def __init__(self, path: Path):
        self.path = path
        self.module = ast.parse(path.read_text(), str(path))
        self.found: list[str] = []
        self.problems: list[str] = []

    def run(self) -> "ExplanationFinder":
        self._visit(self.module, helpers={}, function=None)
        return self

    def _visit(self, node: ast.AST, helpers: dict[str, int], function: ast.FunctionDef | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                methods = [item for item in child.body if isinstance(item, ast.FunctionDef)]
                own = {item.name: explanation_position(item) for item in methods}
                self._visit(child, {name: index for name, index in own.items() if index is not None}, function)
            elif isinstance(child, ast.FunctionDef):
                self._visit(child, helpers, child)
            else:
                if isinstance(child, ast.Call):
                    self._call(child, helpers, function)
                self._visit(child, helpers, function)

    def _call(self, call: ast.Call, helpers: dict[str, int], function: ast.FunctionDef | None) -> None:
        keyword = next((item.value for item in call.keywords if item.arg == "explanation"), None)
        if keyword is not None:
            return self._collect(keyword, function)
        func = call.func
        if not isinstance(func, ast.Attribute):
            return None
        receiver = func.value
        if isinstance(receiver, ast.Attribute) and receiver.attr == "events" and func.attr == "record":
            position = RECORDER_POSITION
        elif isinstance(receiver, ast.Name) and receiver.id == "self" and func.attr in helpers:
            position = helpers[func.attr]
        else:
            return None
        if position < len(call.args):
            self._collect(call.args[position], function)
        return None

    def _collect(self, expression: ast.expr, function: ast.FunctionDef | None) -> None:
        if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
            self.found.append(expression.value)
        elif isinstance(expression, ast.IfExp):
            self._collect(expression.body, function)
            self._collect(expression.orelse, function)
        elif isinstance(expression, ast.Dict):
            for value in expression.values:
                self._collect(value, function)
        elif isinstance(expression, ast.Subscript) and isinstance(expression.value, ast.Name):
            self._collect(expression.value, function)
        elif isinstance(expression, ast.Name) and self._forwarded(expression.id, function):
            pass  # a recording helper handing on its caller's explanation, found at that caller
        elif isinstance(expression, ast.Name) and self._bindings(expression.id, function):
            for value in self._bindings(expression.id, function):
                self._collect(value, function)
        else:
            self.problems.append(f"{self.path.name}:{expression.lineno} {ast.unparse(expression)}")

    @staticmethod
    def _forwarded(name: str, function: ast.FunctionDef | None) -> bool:
        return function is not None and name in [argument.arg for argument in function.args.args]

    def _bindings(self, name: str, function: ast.FunctionDef | None) -> list[ast.expr]:
        """What `name` is assigned in the enclosing function, else at module level."""
        for nodes in ([ast.walk(function)] if function else []) + [self.module.body]:
            values = [
                node.value
                for node in nodes
                if isinstance(node, ast.Assign)
                and any(isinstance(target, ast.Name) and target.id == name for target in node.targets)
            ]
            if values:
                return values
        return []


def engine_explanations() -> tuple[set[str], list[str]]:
    found, problems = set(), []
    for path in sorted(ENGINE.rglob("*.py")):
        finder = ExplanationFinder(path).run()
        found.update(finder.found)
        problems += finder.problems
    return found, problems


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_every_explanation_is_literal_text_or_a_literal_template():
    found, problems = engine_explanations()
    assert problems == []
    # one of each form the finder must reach: a keyword template, a choice of templates, a dict lookup,
    # a positional argument to a class's own helper, a local name, and a helper forwarding to another object
    assert {
        "The cloud's load balancer now sends traffic for {ip} to this Service's node ports.",
        "The {component} on {node} could not renew its lease in time, so it stops acting.",
        "The ReplicaSet had fewer pods than it wants, so it made another from its template.",
        "The Deployment could not create the ReplicaSet for its new pod template.",
        "The kubelet on this node started.",
        "The container's process is running.",
        "The pod's node stopped reporting, so the pod no longer counts as ready to serve traffic.",
        "The API server refused to place the pod on the chosen node; the scheduler will try again.",
        "The pod's node has a NoExecute taint the pod does not tolerate (any longer), so it is evicted.",
    } <= found


def test_every_explanation_has_a_japanese_translation_keeping_its_placeholders():
    with CATALOG.open("rb") as compiled:
        japanese = gettext.GNUTranslations(compiled)
    found, _ = engine_explanations()
    untranslated = sorted(text for text in found if japanese.gettext(text) == text)
    assert untranslated == []
    changed = sorted(text for text in found if placeholders(japanese.gettext(text)) != placeholders(text))
    assert changed == []


def test_an_explanation_built_at_run_time_is_reported(tmp_path):
    source = tmp_path / "component.py"
    source.write_text(
        "class Component:\n"
        "    def note(self, obj, reason, explanation):\n"
        "        self.ctx.events.record(obj, 'Normal', reason, 'message', 'me', explanation)\n"
        "\n"
        "    def run(self, obj, ip):\n"
        "        self.note(obj, 'Ready', f'ready at {ip}')\n"
        "        self.ctx.events.record(obj, 'Normal', 'Up', 'message', 'me', 'Up at ' + ip)\n"
        "        self.ctx.events.record(obj, 'Normal', 'Up', 'message', 'me', explanation='Up at {ip}.')\n"
    )
    finder = ExplanationFinder(source).run()
    assert finder.problems == ["component.py:6 f'ready at {ip}'", "component.py:7 'Up at ' + ip"]
    assert finder.found == ["Up at {ip}."]
