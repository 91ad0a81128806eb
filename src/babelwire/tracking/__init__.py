"""What a live store adds: the changes feed and alerts."""

from .alerts import evaluate, run_alerts
from .changes import changes_page, replay

__all__ = ["changes_page", "replay", "evaluate", "run_alerts"]
