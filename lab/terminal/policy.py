"""What a terminal line may ask of kubectl, and the argv it becomes.

The line is split as a POSIX shell splits words (shlex), but nothing runs it except kubectl itself: no shell, no
pipes, no redirections, no substitutions, no other program. kubectl may only talk to the lab's own API with the
credentials the lab hands it, so every flag that changes the target or the credentials is refused, and so is every
subcommand or flag that reaches beyond the API: a container's processes (exec, attach, debug), files on the server
(cp, kustomize directories, --from-file, template files), ports (port-forward, proxy) or other programs (plugins,
edit's editor, diff's diff). `-f` reads only `-`, the editor pane's text, which is fed on kubectl's standard input.
Subcommands are allowed by name, so an unknown one never makes kubectl look for a plugin.
"""

import shlex
from dataclasses import dataclass

from django.utils.translation import gettext as _

PROGRAM = "kubectl"
OPERATORS = "|;&<>"
SUBSTITUTIONS = ("`", "$(", "${")

ALLOWED_COMMANDS = frozenset(
    {
        "annotate",
        "api-resources",
        "api-versions",
        "apply",
        "auth",
        "autoscale",
        "certificate",
        "cluster-info",
        "completion",
        "cordon",
        "create",
        "delete",
        "describe",
        "drain",
        "events",
        "explain",
        "expose",
        "get",
        "help",
        "label",
        "logs",
        "options",
        "patch",
        "replace",
        "rollout",
        "run",
        "scale",
        "set",
        "taint",
        "top",
        "uncordon",
        "version",
        "wait",
    }
)


def _refused_commands() -> dict[str, str]:
    return {
        "exec": _("it runs a process inside a container, beyond the Kubernetes API"),
        "attach": _("it attaches to a container's process, beyond the Kubernetes API"),
        "cp": _("it copies files between containers and this machine"),
        "port-forward": _("it opens a port on the lab's server"),
        "proxy": _("it opens a port on the lab's server"),
        "debug": _("it starts a debugging container with a shell"),
        "plugin": _("plugins are other programs on the lab's server"),
        "config": _("the terminal's kubeconfig is made by the lab for you; it cannot be changed or shown"),
        "kustomize": _("it reads directories on the lab's server"),
        "edit": _(
            "it opens an editor on the lab's server; write the manifest in the editor pane and apply it with -f -"
        ),
        "diff": _("it runs the diff program on the lab's server"),
        "alpha": _("alpha commands are not offered here"),
    }


# Flags that would send kubectl elsewhere or with other credentials; upstream's names (kubectl options).
TARGET_FLAGS = (
    "--server",
    "--kubeconfig",
    "--token",
    "--context",
    "--cluster",
    "--user",
    "--as",
    "--as-group",
    "--as-uid",
    "--as-user-extra",
    "--certificate-authority",
    "--client-certificate",
    "--client-key",
    "--insecure-skip-tls-verify",
    "--tls-server-name",
    "--username",
    "--password",
    "--cache-dir",
    "--proxy-url",
)
# Flags that read or write files on the server.
FILE_FLAGS = (
    "--kuberc",
    "--kustomize",
    "--from-file",
    "--from-env-file",
    "--template",
    "--output-directory",
    "--profile-output",
)
FILE_OUTPUT_FORMATS = ("go-template-file", "jsonpath-file", "custom-columns-file", "template-file")
# kubectl's global flags that take a value as the next word (kubectl options): skipped when looking for the
# subcommand, so that `kubectl --context other get pods` is refused for its flag, not for an unknown command "other".
GLOBAL_VALUE_FLAGS = frozenset(
    {"-n", "--namespace", "--request-timeout", "-v", "--v", "--vmodule", "--profile", "--log-flush-frequency", "-s"}
    | {flag for flag in TARGET_FLAGS if flag != "--insecure-skip-tls-verify"}
    | {"--kuberc", "--profile-output"}
)
# Short flags that take a value (the rest of the word, or the next word): -n ns, -o yaml, -l app=web, -c name, ...
SHORT_VALUE_FLAGS = frozenset("noclLvfskpe")
LOGS_SHORT_BOOLEANS = frozenset("pf")  # kubectl logs -p is --previous, -f --follow


def _short_value_flags(subcommand: str | None) -> frozenset[str]:
    return SHORT_VALUE_FLAGS - LOGS_SHORT_BOOLEANS if subcommand == "logs" else SHORT_VALUE_FLAGS


class Refused(Exception):
    """A line the terminal will not run; the message says why and what to do instead."""


@dataclass(frozen=True)
class Command:
    args: tuple[str, ...]  # kubectl's arguments, the program's name left out
    subcommand: str | None
    reads_editor: bool  # `-f -`: the editor pane's text goes to kubectl's standard input
    streaming: bool  # runs until interrupted (`get -w`, `logs -f`, `rollout status`, `wait`)

    @property
    def line(self) -> str:
        return shlex.join([PROGRAM, *self.args])


def parse(line: str) -> Command:
    """The command a line asks for, or Refused saying why not."""
    for substitution in SUBSTITUTIONS:
        if substitution in line:
            raise Refused(
                _("There is no shell here: %(text)s (command substitution) is not available.") % {"text": substitution}
            )
    words = _split(line)
    if not words:
        raise Refused(_("Type a kubectl command, for example: kubectl get pods"))
    if words[0] != PROGRAM:
        raise Refused(
            _("Only kubectl runs here: start the line with kubectl (not %(program)s).") % {"program": words[0]}
        )
    args = words[1:]
    subcommand = _subcommand(args)
    if subcommand is not None and subcommand not in ALLOWED_COMMANDS:
        reason = _refused_commands().get(subcommand)
        if reason is None:
            raise Refused(
                _('kubectl %(command)s is not available here: unknown command "%(command)s" for "kubectl"')
                % {"command": subcommand}
            )
        raise Refused(
            _("kubectl %(command)s is not available here: %(reason)s.") % {"command": subcommand, "reason": reason}
        )
    reads_editor = _check_flags(args, subcommand)
    return Command(tuple(args), subcommand, reads_editor, _streams(args, subcommand))


def _split(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=OPERATORS)
    lexer.whitespace_split = True
    try:
        words = list(lexer)
    except ValueError as error:  # "No closing quotation", "No escaped character"
        raise Refused(_("The line cannot be read: %(error)s.") % {"error": str(error).lower()}) from None
    for word in words:
        if word and set(word) <= set(OPERATORS):
            raise Refused(_operator_message(word))
    return words


def _operator_message(operator: str) -> str:
    if operator.startswith("|") and operator != "||":
        what = _("a pipe")
    elif operator[0] in "<>":
        what = _("a redirection")
    else:
        what = _("a command separator")
    return _("There is no shell here: %(operator)s (%(what)s) is not available; run one kubectl command at a time.") % {
        "operator": operator,
        "what": what,
    }


def _subcommand(args: list[str]) -> str | None:
    """The first word that is not a flag nor a global flag's value (`kubectl -n kube-system get pods`: get)."""
    skip = False
    for word in args:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in GLOBAL_VALUE_FLAGS
        else:
            return word
    return None


def _check_flags(args: list[str], subcommand: str | None) -> bool:
    """Refuse what reaches beyond the API; True when the command reads the editor pane (`-f -`)."""
    reads_editor = False
    expects_filename = False
    for index, word in enumerate(args):
        if expects_filename:
            reads_editor |= _filename(word)
            expects_filename = False
            continue
        if word == "--":
            break  # what follows is a container's command (kubectl run ... -- sh), kubectl's to pass along
        if word.startswith("--"):
            name, has_value, value = word.partition("=")
            _check_long(name)
            if name == "--filename":
                if has_value:
                    reads_editor |= _filename(value)
                else:
                    expects_filename = True
            elif name in ("--output",) and has_value:
                _check_output(value)
            elif name == "--output" and index + 1 < len(args):
                _check_output(args[index + 1])
        elif word.startswith("-") and len(word) > 1:
            wants_filename, output = _check_short(word, subcommand)
            if wants_filename is True:
                expects_filename = True
            elif isinstance(wants_filename, str):
                reads_editor |= _filename(wants_filename)
            if output == "" and index + 1 < len(args):
                _check_output(args[index + 1])
            elif output:
                _check_output(output)
    if expects_filename:
        raise Refused(_("-f needs a value: -f - applies the editor pane's text."))
    return reads_editor


def _check_long(name: str) -> None:
    if name in TARGET_FLAGS:
        raise Refused(
            _("%(flag)s is not available here: the terminal talks only to this cluster, as you.") % {"flag": name}
        )
    if name in FILE_FLAGS:
        raise Refused(
            _(
                "%(flag)s is not available here: it reads or writes files on the lab's server; use the editor pane and -f -."
            )
            % {"flag": name}
        )


def _check_short(word: str, subcommand: str | None) -> tuple[bool | str, str | None]:
    """Walk a word of short flags as pflag does (-Aw is -A -w; -oyaml is -o yaml): (the filename flag's state: True
    when its value is the next word, the value itself, or False; the output flag's value, "" when it is the next
    word, None when absent)."""
    for position, letter in enumerate(word[1:], start=1):
        rest = word[position + 1 :].removeprefix("=")
        if letter == "s":
            raise Refused(_("-s (--server) is not available here: the terminal talks only to this cluster, as you."))
        if letter == "k":
            raise Refused(
                _(
                    "-k (--kustomize) is not available here: it reads directories on the lab's server; use the editor pane and -f -."
                )
            )
        if letter == "f" and subcommand != "logs":  # kubectl logs -f is --follow
            return (rest or True), None
        if letter == "o":
            return False, rest
        if letter in _short_value_flags(subcommand):
            return False, None
    return False, None


def _check_output(value: str) -> None:
    if value.partition("=")[0] in FILE_OUTPUT_FORMATS:
        raise Refused(
            _("-o %(format)s is not available here: it reads a file on the lab's server; give the template inline.")
            % {"format": value.partition("=")[0]}
        )


def _filename(value: str) -> bool:
    if value != "-":
        raise Refused(
            _(
                "-f %(path)s is not available here: the terminal cannot read files; put the manifest in the editor pane and use -f -."
            )
            % {"path": value}
        )
    return True


def _streams(args: list[str], subcommand: str | None) -> bool:
    if subcommand in ("get", "events"):
        return "w" in _short_letters(args, subcommand) or any(
            word.partition("=")[0] in ("--watch", "--watch-only") and not word.endswith("=false") for word in args
        )
    if subcommand == "logs":
        return "f" in _short_letters(args, subcommand) or any(word in ("--follow", "--follow=true") for word in args)
    if subcommand == "rollout":
        return "status" in args
    return subcommand == "wait"


def _short_letters(args: list[str], subcommand: str | None) -> set[str]:
    """The short boolean flags of a command line (-Aw gives A and w), up to the first that takes a value."""
    letters = set()
    for word in args:
        if word == "--":
            break
        if word.startswith("-") and not word.startswith("--"):
            for letter in word[1:]:
                letters.add(letter)
                if letter in _short_value_flags(subcommand):
                    break
    return letters
