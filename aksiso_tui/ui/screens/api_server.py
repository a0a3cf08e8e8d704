"""Step 4: how the API server is reached privately — Private Link or API Server VNet Integration."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from aksiso_tui.spec import ApiServerMode
from aksiso_tui.ui.screens.choice_step import ChoiceStepScreen


class ApiServerScreen(ChoiceStepScreen):
    STEP = "api_server"
    TITLE = "API server: how it is reached"
    PREFIXES = ("api_server",)
    FIELD = "api_server"
    TITLES = {
        ApiServerMode.PRIVATE_LINK.value: "Private Link (private cluster)",
        ApiServerMode.VNET_INTEGRATION.value: "API Server VNet Integration",
    }

    def compose_details(self) -> ComposeResult:
        yield Static("", id="api-note", classes="intro")

    def show_details(self) -> None:
        note = ""
        if self.draft.spec.api_server is ApiServerMode.VNET_INTEGRATION:
            subnet = self.draft.spec.network.apiserver_subnet if self.draft.spec.network else None
            where = f" ({subnet.name}, {subnet.prefix})" if subnet else ""
            note = f"The API server subnet{where} is set on the Network step."
        self.query_one("#api-note", Static).update(Text(note, style="dim"))
