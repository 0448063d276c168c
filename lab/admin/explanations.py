"""What an admin save or action did, shown after it as the page shows it: the kubectl command that makes the same
change and the YAML diff the API server applied (see `lab.edit_explanations`), HTML-escaped, the diff coloured."""

from django.contrib import messages
from django.utils.html import format_html, format_html_join

from .. import kubectl_equivalents as kubectl
from ..edit_explanations import Explanation, announce, explain

# The colours `kubectl diff` gets from a colouring pager: additions green, removals red, hunk headers cyan.
LINE_STYLES = {"+": "color:#116329;background:#dafbe1", "-": "color:#82071e;background:#ffebe9", "@": "color:#0550ae"}
BLOCK_STYLE = "margin:.4em 0;padding:.4em;white-space:pre-wrap;font-family:ui-monospace,Menlo,Consolas,monospace"


def explanation_html(explanation: Explanation) -> str:
    """The command and the diff as safe HTML: every character of both is escaped."""
    lines = format_html_join(
        "",
        '<span style="{}">{}</span>',
        (
            (LINE_STYLES.get(line[:1], "") if not line.startswith(("---", "+++")) else "", line)
            for line in _lines(explanation.diff)
        ),
    )
    return format_html(
        '<div class="kubelab-explanation">What this did: <pre class="kubelab-command" style="{}">{}</pre>'
        '<pre class="kubelab-diff" style="{}">{}</pre></div>',
        BLOCK_STYLE,
        explanation.command,
        BLOCK_STYLE,
        lines or "(no visible change)",
    )


def _lines(diff: str) -> list[str]:
    return diff.splitlines(keepends=True)


def report(modeladmin, request, cluster, command: str, changes: list[tuple[dict | None, dict | None]]) -> None:
    """Show the admin user what the write did, and tell every page of the cluster."""
    explanation = explain(command, changes, request.user.get_username())
    announce(cluster.pk, explanation)
    modeladmin.message_user(request, explanation_html(explanation), messages.INFO)


def report_form_write(modeladmin, request, form) -> None:
    """After a YAML form's save: `kubectl create -f -` with what was sent, or `kubectl patch --type=merge` with
    exactly what the edit changed (what `kubectl edit` would send); nothing when the save changed nothing."""
    if form.written_change is None:
        return
    before, sent, written = form.written_change
    metadata = written["metadata"]
    if before is None:
        command = kubectl.create(sent)
    else:
        command = kubectl.patch(written["kind"], metadata.get("namespace"), metadata["name"], before, sent)
    if command is not None:
        report(modeladmin, request, form.instance.cluster, command, [(before, written)])
