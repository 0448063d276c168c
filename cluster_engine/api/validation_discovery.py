"""EndpointSlice validation, as upstream's pkg/apis/discovery/validation words it."""

import ipaddress

from . import names
from .errors import FieldError, duplicate, invalid, not_supported, required, too_many
from .podspec import PROTOCOLS

ADDRESS_TYPES = ("FQDN", "IPv4", "IPv6")
# upstream: maxAddresses, maxPorts, maxEndpoints
MAX_ADDRESSES = 100
MAX_PORTS = 100
MAX_ENDPOINTS = 1000
# upstream ValidateNonSpecialIP
_SPECIAL = (
    (lambda ip: ip.is_unspecified, "may not be unspecified (0.0.0.0)"),
    (lambda ip: ip.is_loopback, "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
    (
        lambda ip: ip in ipaddress.ip_network("169.254.0.0/16"),
        "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
    ),
    (
        lambda ip: ip in ipaddress.ip_network("224.0.0.0/24"),
        "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
    ),
)


def endpoint_slice(obj: dict) -> list[FieldError]:
    problems = []
    address_type = obj.get("addressType")
    if not address_type:
        problems.append(required("addressType"))
    elif address_type not in ADDRESS_TYPES:
        problems.append(not_supported("addressType", address_type, ADDRESS_TYPES))
    problems += _endpoints(obj.get("endpoints") or [], address_type)
    return problems + _ports(obj.get("ports") or [])


def endpoint_slice_update(old: dict, new: dict) -> list[FieldError]:
    if old.get("addressType") != new.get("addressType"):
        return [invalid("addressType", new.get("addressType"), "field is immutable")]
    return []


def _endpoints(endpoints: list, address_type: str | None) -> list[FieldError]:
    if len(endpoints) > MAX_ENDPOINTS:
        return [too_many("endpoints", len(endpoints), MAX_ENDPOINTS)]
    problems = []
    for index, endpoint in enumerate(endpoints):
        path = f"endpoints[{index}]"
        addresses = endpoint.get("addresses") or []
        if not addresses:
            problems.append(required(f"{path}.addresses", "must contain at least 1 address"))
        elif len(addresses) > MAX_ADDRESSES:
            problems.append(too_many(f"{path}.addresses", len(addresses), MAX_ADDRESSES))
        for position, address in enumerate(addresses):
            problems += _address(address, address_type, f"{path}.addresses[{position}]")
        if endpoint.get("hostname") is not None:
            problems += names.dns1123_label(endpoint["hostname"], f"{path}.hostname")
    return problems


def _address(address: str, address_type: str | None, path: str) -> list[FieldError]:
    if address_type == "FQDN":
        return names.dns1123_subdomain(address, path)
    if address_type not in ("IPv4", "IPv6"):
        return []
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        ip = None
    if ip is None or ip.version != int(address_type[-1]):
        return [invalid(path, address, f"must be a valid {address_type} address")]
    return [invalid(path, address, message) for special, message in _SPECIAL if special(ip)]


def _ports(ports: list) -> list[FieldError]:
    if len(ports) > MAX_PORTS:
        return [too_many("ports", len(ports), MAX_PORTS)]
    problems, seen = [], set()
    for index, port in enumerate(ports):
        path = f"ports[{index}]"
        name = port.get("name") or ""
        if name:
            problems += names.dns1123_label(name, f"{path}.name")
        if name in seen:
            problems.append(duplicate(f"{path}.name", name))
        seen.add(name)
        protocol = port.get("protocol")
        if protocol is None:
            problems.append(required(f"{path}.protocol"))
        elif protocol not in PROTOCOLS:
            problems.append(not_supported(f"{path}.protocol", protocol, PROTOCOLS))
        if port.get("appProtocol") is not None:
            problems += [
                invalid(f"{path}.appProtocol", port["appProtocol"], message)
                for message in names.qualified_name_messages(port["appProtocol"])
            ]
    return problems


def default_endpoint_slice(obj: dict, server=None) -> None:
    """upstream SetDefaults_EndpointPort: a port's name defaults to "" and its protocol to TCP."""
    for port in obj.get("ports") or []:
        port.setdefault("name", "")
        port.setdefault("protocol", "TCP")
