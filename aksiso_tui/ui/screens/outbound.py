"""Step 5: what AKS sets up for egress — none, or block (preview, AKS-managed VNet only)."""

from __future__ import annotations

from aksiso_tui.spec import ApiServerMode, OutboundType, RegistryMode
from aksiso_tui.ui.screens.choice_step import ChoiceStepScreen


class OutboundScreen(ChoiceStepScreen):
    STEP = "outbound"
    TITLE = "Outbound: what AKS does with egress"
    PREFIXES = ("outbound",)
    FIELD = "outbound"
    TITLES = {
        OutboundType.NONE.value: "None: no outbound path",
        OutboundType.BLOCK.value: "Block: AKS blocks all egress",
    }

    def unavailable(self, value: str) -> str:
        if value != OutboundType.BLOCK.value:
            return ""
        spec = self.draft.spec
        if spec.registry.mode is RegistryMode.BYO:
            return (
                "your own registry needs your own VNet, and block works only with an "
                "AKS-managed one"
            )
        if spec.api_server is ApiServerMode.VNET_INTEGRATION:
            return (
                "VNet Integration needs your own VNet, and block works only with an AKS-managed one"
            )
        if spec.network is not None:
            return "you chose your own VNet; block works only with an AKS-managed one"
        if spec.hub is not None:
            return "block drops all egress, so the hub firewall could never be used"
        return ""
