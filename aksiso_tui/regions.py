"""Azure region names, for checking `location` offline and suggesting the one a typo meant.

ARM wants the short programmatic name (`swedencentral`), lowercase, no spaces, not the display
name ("Sweden Central"). The list is the public cloud's physical regions plus the sovereign clouds'
regions (aksiso can target them with `--arm-endpoint`). A region Microsoft opens after this list
was written is reported as unknown; add it here.
"""

from __future__ import annotations

import difflib

PUBLIC_REGIONS: frozenset[str] = frozenset(
    {
        # Americas
        "eastus",
        "eastus2",
        "centralus",
        "northcentralus",
        "southcentralus",
        "westcentralus",
        "westus",
        "westus2",
        "westus3",
        "canadacentral",
        "canadaeast",
        "brazilsouth",
        "brazilsoutheast",
        "mexicocentral",
        "chilecentral",
        # Europe
        "northeurope",
        "westeurope",
        "uksouth",
        "ukwest",
        "francecentral",
        "francesouth",
        "germanywestcentral",
        "germanynorth",
        "switzerlandnorth",
        "switzerlandwest",
        "norwayeast",
        "norwaywest",
        "swedencentral",
        "swedensouth",
        "polandcentral",
        "italynorth",
        "spaincentral",
        "austriaeast",
        "belgiumcentral",
        "denmarkeast",
        # Middle East and Africa
        "uaenorth",
        "uaecentral",
        "qatarcentral",
        "israelcentral",
        "southafricanorth",
        "southafricawest",
        # Asia Pacific
        "eastasia",
        "southeastasia",
        "japaneast",
        "japanwest",
        "koreacentral",
        "koreasouth",
        "centralindia",
        "southindia",
        "westindia",
        "jioindiawest",
        "jioindiacentral",
        "australiaeast",
        "australiasoutheast",
        "australiacentral",
        "australiacentral2",
        "newzealandnorth",
        "indonesiacentral",
        "malaysiawest",
        # Canary (EUAP) regions
        "eastus2euap",
        "centraluseuap",
    }
)
"""Physical regions of the Azure public cloud (programmatic names)."""

SOVEREIGN_REGIONS: frozenset[str] = frozenset(
    {
        "usgovvirginia",
        "usgovarizona",
        "usgovtexas",
        "usdodeast",
        "usdodcentral",
        "chinanorth",
        "chinanorth2",
        "chinanorth3",
        "chinaeast",
        "chinaeast2",
        "chinaeast3",
    }
)
"""Regions of Azure Government and Azure operated by 21Vianet (China)."""

KNOWN_REGIONS: frozenset[str] = PUBLIC_REGIONS | SOVEREIGN_REGIONS


def normalize_region(text: str) -> str:
    """ "Sweden Central" -> "swedencentral": ARM's programmatic form of a display name."""
    return "".join(text.split()).lower()


def suggest_region(text: str) -> str | None:
    """The known region `text` most likely meant, or None."""
    normal = normalize_region(text)
    if normal in KNOWN_REGIONS:
        return normal
    close = difflib.get_close_matches(normal, sorted(KNOWN_REGIONS), n=1, cutoff=0.7)
    return close[0] if close else None
