"""Typical durations on Azure, in seconds, from AZURE_FACTS.md "Typical durations".

They feed `Step.estimate_s`, the review screen's time estimate and the emulator's latency model.
Premium ACR + private endpoint + private DNS zone add up to about four minutes; hub VNet + firewall
+ policy + public IP to about ten; an AKS cluster takes five to ten minutes to create.
"""

from __future__ import annotations

PROVIDER_REGISTER = 10.0
RESOURCE_GROUP = 3.0
VNET = 5.0
SUBNET = 5.0
PEERING = 5.0
IDENTITY = 3.0
ROLE_ASSIGNMENT = 3.0
ROUTE_TABLE = 5.0
ROUTE = 5.0
PUBLIC_IP = 5.0
REGISTRY = 60.0
CACHE_RULE = 20.0
PRIVATE_ENDPOINT = 90.0
DNS_ZONE = 30.0
DNS_LINK = 30.0
DNS_RECORD = 2.0
FIREWALL_POLICY = 60.0
RULE_COLLECTION_GROUP = 60.0
FIREWALL = 600.0
"""Seen at 25+ minutes; ten is typical."""
CLUSTER_CREATE = 420.0
CLUSTER_READ = 2.0
CLUSTER_UPDATE = 180.0
REIMAGE_PER_POOL = 300.0
"""Node-image upgrade: up to ten minutes per node in the worst case; five per pool is typical."""
VERIFY_SHOW = 2.0
RUN_COMMAND = 30.0
IMAGE_PULL_CHECK = 60.0
"""Start a pod and give the kubelet time to pull (or to give up with ImagePullBackOff)."""
