"""The kube API's TLS: a self-signed certificate kept in var/, and the Daphne endpoint that serves it.

kubectl sends a bearer token only over HTTPS (client-go applies a kubeconfig's credentials only when the transport
is TLS), so the kube API listens on its own TLS port (settings.KUBE_API_PORT), as kube-apiserver does (upstream:
--secure-port=6443). The kubeconfig carries the certificate as `certificate-authority-data`, so kubectl verifies the
server as it would a real cluster's.
"""

import datetime
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

VALID_DAYS = 3650


def directory() -> Path:
    return Path(settings.VAR_DIR) / "kubeapi-tls"


def certificate_path() -> Path:
    return directory() / "apiserver.crt"


def key_path() -> Path:
    return directory() / "apiserver.key"


def ensure_certificate() -> Path:
    """Create the self-signed serving certificate (for localhost and the loopback addresses) once."""
    if certificate_path().exists() and key_path().exists():
        return certificate_path()
    directory().mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kubelab-apiserver")])
    now = datetime.datetime.now(datetime.UTC)
    names = [x509.DNSName("localhost"), x509.DNSName("kubernetes"), x509.DNSName("kubernetes.default.svc")]
    names += [x509.IPAddress(ipaddress.ip_address(address)) for address in ("127.0.0.1", "::1")]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path().write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path().chmod(0o600)
    certificate_path().write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return certificate_path()


def endpoint(port: int, interface: str = "127.0.0.1") -> str:
    """A Twisted endpoint description for Daphne's `endpoints` list: HTTPS on `port` with our certificate."""
    ensure_certificate()
    escaped = interface.replace(":", r"\:")
    return f"ssl:port={port}:interface={escaped}:privateKey={key_path()}:certKey={certificate_path()}"
