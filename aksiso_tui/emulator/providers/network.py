"""The Microsoft.Network provider: VNets, edge resources and Azure Firewall, in one namespace.

The resource types live in ``network_vnet`` (VNets, subnets, peerings), ``network_edge`` (route
tables, public IPs, NSGs, NICs), ``network_endpoints`` (private endpoints) and
``network_firewall`` (firewalls, policies, rule collection groups); private DNS zones are
``privatedns``. Functions other providers call:

* ``network_common.use_subnet(store, subnet_id, user_id, count=..)`` / ``release_subnet(...)``:
  mark a subnet in use (AKS node pools, API server VNet integration) and take private IPs.
* ``network_edge.create_nic(store, rg_id, name, location=, subnet_id=, ip_configs=)`` /
  ``delete_nic(store, nic_id)``: side-effect NICs.
* ``network_endpoints.PRIVATE_LINK_TARGETS``: register a type that accepts private endpoints.
* ``network_firewall.firewall_private_ip(firewall)``.
"""

from __future__ import annotations

from aksiso_tui.emulator.providers import (
    network_edge,
    network_endpoints,
    network_firewall,
    network_vnet,
)
from aksiso_tui.emulator.routing import Provider

PROVIDER = Provider(
    "Microsoft.Network",
    types=[
        *network_vnet.TYPES,
        *network_edge.TYPES,
        *network_endpoints.TYPES,
        *network_firewall.TYPES,
    ],
)
