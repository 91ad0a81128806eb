from ._base import Assignment, story_id_for
from .online import CentroidClusterer

__all__ = ['Assignment', 'CentroidClusterer', 'story_id_for']
