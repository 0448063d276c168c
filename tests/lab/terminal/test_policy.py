"""The terminal's line policy: what becomes kubectl's argv, and every refusal with the message it gives."""

import pytest
from django.utils import translation

from lab.terminal.policy import Refused, parse


@pytest.fixture(autouse=True)
def english():
    """Refusals are in the reader's language; these tests read the English ones."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("line", "args"),
    [
        ("kubectl get nodes", ("get", "nodes")),
        ("  kubectl   get pods -o wide ", ("get", "pods", "-o", "wide")),
        ("kubectl scale deployment web --replicas=5", ("scale", "deployment", "web", "--replicas=5")),
        ("kubectl get pods -l 'app in (web)'", ("get", "pods", "-l", "app in (web)")),
        ("kubectl -n kube-system get pods", ("-n", "kube-system", "get", "pods")),
        (
            'kubectl patch deploy web -p \'{"spec":{"replicas":2}}\'',
            ("patch", "deploy", "web", "-p", '{"spec":{"replicas":2}}'),
        ),
        (
            "kubectl get pods -o jsonpath='{.items[*].metadata.name}'",
            ("get", "pods", "-o", "jsonpath={.items[*].metadata.name}"),
        ),
        (
            'kubectl create job fail --image=busybox -- sh -c "sleep 5; exit 1"',
            ("create", "job", "fail", "--image=busybox", "--", "sh", "-c", "sleep 5; exit 1"),
        ),
        ("kubectl completion bash", ("completion", "bash")),
        ("kubectl", ()),
    ],
)
def test_an_accepted_line_is_the_exact_argv(line, args):
    command = parse(line)
    assert command.args == args
    assert not command.reads_editor


@pytest.mark.parametrize(
    "line",
    [
        "kubectl apply -f -",
        "kubectl apply -f=-",
        "kubectl apply -f-",
        "kubectl create --filename -",
        "kubectl replace --filename=-",
    ],
)
def test_dash_f_dash_reads_the_editor_pane(line):
    assert parse(line).reads_editor


@pytest.mark.parametrize(
    ("line", "streaming"),
    [
        ("kubectl get pods -w", True),
        ("kubectl get pods --watch", True),
        ("kubectl get pods -Aw", True),
        ("kubectl get pods --watch-only", True),
        ("kubectl get pods", False),
        ("kubectl logs web-1 -f", True),
        ("kubectl logs -pf web-1", True),
        ("kubectl logs web-1 --follow", True),
        ("kubectl logs web-1", False),
        ("kubectl rollout status deployment/web", True),
        ("kubectl rollout history deployment/web", False),
        ("kubectl wait --for=condition=Ready pod/web-1", True),
    ],
)
def test_streaming_commands_are_recognised(line, streaming):
    assert parse(line).streaming is streaming


def test_logs_f_is_follow_not_a_file():
    command = parse("kubectl logs -f web-1")
    assert command.args == ("logs", "-f", "web-1") and not command.reads_editor


REFUSALS = [
    ("", "Type a kubectl command, for example: kubectl get pods"),
    ("ls -la", "Only kubectl runs here: start the line with kubectl (not ls)."),
    ("sudo kubectl get pods", "Only kubectl runs here: start the line with kubectl (not sudo)."),
    (
        "kubectl get pods | grep web",
        "There is no shell here: | (a pipe) is not available; run one kubectl command at a time.",
    ),
    (
        "kubectl get pods; rm -rf /",
        "There is no shell here: ; (a command separator) is not available; run one kubectl command at a time.",
    ),
    (
        "kubectl get pods && ls",
        "There is no shell here: && (a command separator) is not available; run one kubectl command at a time.",
    ),
    (
        "kubectl get pods > out.txt",
        "There is no shell here: > (a redirection) is not available; run one kubectl command at a time.",
    ),
    (
        "kubectl apply -f - < /etc/passwd",
        "There is no shell here: < (a redirection) is not available; run one kubectl command at a time.",
    ),
    ("kubectl get pods `id`", "There is no shell here: ` (command substitution) is not available."),
    ("kubectl get pods $(id)", "There is no shell here: $( (command substitution) is not available."),
    ("kubectl get pods 'web", "The line cannot be read: no closing quotation."),
    (
        "kubectl exec -it web-1 -- sh",
        "kubectl exec is not available here: it runs a process inside a container, beyond the Kubernetes API.",
    ),
    (
        "kubectl -n default attach web-1",
        "kubectl attach is not available here: it attaches to a container's process, beyond the Kubernetes API.",
    ),
    (
        "kubectl cp web-1:/etc/passwd .",
        "kubectl cp is not available here: it copies files between containers and this machine.",
    ),
    (
        "kubectl port-forward svc/web 8080:80",
        "kubectl port-forward is not available here: it opens a port on the lab's server.",
    ),
    ("kubectl proxy", "kubectl proxy is not available here: it opens a port on the lab's server."),
    (
        "kubectl debug node/worker-1 -it --image=busybox",
        "kubectl debug is not available here: it starts a debugging container with a shell.",
    ),
    ("kubectl plugin list", "kubectl plugin is not available here: plugins are other programs on the lab's server."),
    (
        "kubectl config view --raw",
        "kubectl config is not available here: the terminal's kubeconfig is made by the lab for you; it cannot be changed or shown.",
    ),
    ("kubectl kustomize /etc", "kubectl kustomize is not available here: it reads directories on the lab's server."),
    (
        "kubectl edit deploy web",
        "kubectl edit is not available here: it opens an editor on the lab's server; write the manifest in the editor pane and apply it with -f -.",
    ),
    ("kubectl diff -f -", "kubectl diff is not available here: it runs the diff program on the lab's server."),
    ("kubectl evil", 'kubectl evil is not available here: unknown command "evil" for "kubectl"'),
    (
        "kubectl get pods --server=https://example.com",
        "--server is not available here: the terminal talks only to this cluster, as you.",
    ),
    (
        "kubectl get pods -s https://example.com",
        "-s (--server) is not available here: the terminal talks only to this cluster, as you.",
    ),
    (
        "kubectl get pods -Ashttps://example.com",
        "-s (--server) is not available here: the terminal talks only to this cluster, as you.",
    ),
    (
        "kubectl get pods --kubeconfig /root/.kube/config",
        "--kubeconfig is not available here: the terminal talks only to this cluster, as you.",
    ),
    ("kubectl get pods --token=abc", "--token is not available here: the terminal talks only to this cluster, as you."),
    (
        "kubectl get pods --context other",
        "--context is not available here: the terminal talks only to this cluster, as you.",
    ),
    (
        "kubectl get pods --cluster other",
        "--cluster is not available here: the terminal talks only to this cluster, as you.",
    ),
    ("kubectl get pods --user admin", "--user is not available here: the terminal talks only to this cluster, as you."),
    (
        "kubectl get pods --as system:admin",
        "--as is not available here: the terminal talks only to this cluster, as you.",
    ),
    (
        "kubectl get pods --certificate-authority=/tmp/ca",
        "--certificate-authority is not available here: the terminal talks only to this cluster, as you.",
    ),
    (
        "kubectl get pods --insecure-skip-tls-verify",
        "--insecure-skip-tls-verify is not available here: the terminal talks only to this cluster, as you.",
    ),
    (
        "kubectl get pods --username=a",
        "--username is not available here: the terminal talks only to this cluster, as you.",
    ),
    (
        "kubectl get pods --password=b",
        "--password is not available here: the terminal talks only to this cluster, as you.",
    ),
    (
        "kubectl get pods --as-user-extra=a=b",
        "--as-user-extra is not available here: the terminal talks only to this cluster, as you.",
    ),
    (
        "kubectl get pods --proxy-url=http://example.com:3128",
        "--proxy-url is not available here: the terminal talks only to this cluster, as you.",
    ),
    (
        "kubectl --context other get pods",
        "--context is not available here: the terminal talks only to this cluster, as you.",
    ),
    (
        "kubectl get pods --kuberc /etc/passwd",
        "--kuberc is not available here: it reads or writes files on the lab's server; use the editor pane and -f -.",
    ),
    (
        "kubectl get pods --cache-dir=/tmp/x",
        "--cache-dir is not available here: the terminal talks only to this cluster, as you.",
    ),
    (
        "kubectl apply -k /etc",
        "-k (--kustomize) is not available here: it reads directories on the lab's server; use the editor pane and -f -.",
    ),
    (
        "kubectl apply --kustomize=/etc",
        "--kustomize is not available here: it reads or writes files on the lab's server; use the editor pane and -f -.",
    ),
    (
        "kubectl create secret generic s --from-file=/etc/passwd",
        "--from-file is not available here: it reads or writes files on the lab's server; use the editor pane and -f -.",
    ),
    (
        "kubectl get pods -o go-template-file=/etc/passwd",
        "-o go-template-file is not available here: it reads a file on the lab's server; give the template inline.",
    ),
    (
        "kubectl get pods --output=jsonpath-file=/etc/passwd",
        "-o jsonpath-file is not available here: it reads a file on the lab's server; give the template inline.",
    ),
    (
        "kubectl apply -f /etc/passwd",
        "-f /etc/passwd is not available here: the terminal cannot read files; put the manifest in the editor pane and use -f -.",
    ),
    (
        "kubectl apply --filename=https://example.com/x.yaml",
        "-f https://example.com/x.yaml is not available here: the terminal cannot read files; put the manifest in the editor pane and use -f -.",
    ),
    ("kubectl apply -f", "-f needs a value: -f - applies the editor pane's text."),
]


@pytest.mark.parametrize(("line", "message"), REFUSALS)
def test_every_refusal_says_why(line, message):
    with pytest.raises(Refused) as refused:
        parse(line)
    assert str(refused.value) == message


def test_refusals_speak_the_pages_language():
    with translation.override("ja"), pytest.raises(Refused) as refused:
        parse("kubectl get pods | grep web")
    assert str(refused.value) == (
        "ここにシェルはありません: |（パイプ）は使えません。kubectl コマンドは 1 つずつ実行してください。"
    )
