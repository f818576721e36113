"""The known harmless warnings that the demo's console leaves out (its own processes only)."""
import re
import warnings

# (start of the message, category, where it comes from)
KNOWN_HARMLESS = (
    # mmengine's package_utils imports pkg_resources whenever a config names an
    # ``mmpretrain::`` / ``mmseg::`` base; setuptools >= 67.5 deprecates that module
    ('pkg_resources is deprecated as an API', UserWarning),
)


def quiet_known_warnings() -> None:
    """Ignores :data:`KNOWN_HARMLESS` in this process (the demo tools and their workers).

    Only these messages are filtered; every other warning still shows, and the filters are
    never set by importing ``mfm_mm``.
    """
    for message, category in KNOWN_HARMLESS:
        warnings.filterwarnings('ignore', message=re.escape(message), category=category)
