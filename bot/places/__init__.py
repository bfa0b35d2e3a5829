"""Places: the company's geofences matched by name as people type them, and where vehicles
were (location history), at a moment, over a window, or inside a place.

The wire is ``bot.motive``'s; what Slack shows of it is ``bot.slack``'s. Import from here.
"""

from bot.places.geometry import contains, distance_m, map_link
from bot.places.history import LocationHistory
from bot.places.names import PlaceAmbiguous, PlaceAnswer, PlaceMatch, PlaceUnknown, match_place
from bot.places.places import Inside, Occupancy, Places, Visitor, WindowPlace
from bot.places.where import Whereabouts, WhereUnknown

__all__ = [
    "Inside",
    "LocationHistory",
    "Occupancy",
    "PlaceAmbiguous",
    "PlaceAnswer",
    "PlaceMatch",
    "PlaceUnknown",
    "Places",
    "Visitor",
    "WhereUnknown",
    "Whereabouts",
    "WindowPlace",
    "contains",
    "distance_m",
    "map_link",
    "match_place",
]
