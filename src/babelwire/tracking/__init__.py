"""What a live store adds: the changes feed, alerts, trending stories and story timelines."""

from .alerts import evaluate, run_alerts
from .changes import changes_page, replay
from .reports import Report, placed, report_time
from .timeline import StoryTimeline, story_timeline
from .trending import Trending, TrendingStory

__all__ = ["changes_page", "replay", "evaluate", "run_alerts", "Report", "placed", "report_time", "StoryTimeline",
           "story_timeline", "Trending", "TrendingStory"]
