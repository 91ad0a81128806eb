"""What a live store adds: trending stories (``trending``) and story timelines (``timeline``)."""

from .reports import Report, placed, report_time
from .timeline import StoryTimeline, story_timeline
from .trending import Trending, TrendingStory

__all__ = ["Report", "placed", "report_time", "StoryTimeline", "story_timeline", "Trending", "TrendingStory"]
