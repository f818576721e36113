"""Type and range checks of constructor options, with errors that name the option."""
import math
from numbers import Real
from typing import Any, Optional

INTERVAL_BRACKETS = {True: '[]', False: '()'}


def check_number(owner: str, name: str, value: Any, integer: bool = False,
                 low: Optional[float] = None, high: Optional[float] = None,
                 low_closed: bool = True, high_closed: bool = True) -> None:
    """Raises unless ``value`` is a number (or an int) inside the given interval.

    Args:
        owner: Class (or function) the option belongs to, e.g. ``'FrequencyMaskGenerator'``.
        name: The option's name.
        value: The value given.
        integer: Whether only ints are allowed (bools never are).
        low: Lower end of the interval; None for none.
        high: Upper end of the interval; None for none.
        low_closed: Whether ``low`` itself is allowed.
        high_closed: Whether ``high`` itself is allowed.

    Raises:
        TypeError: ``value`` is not a number (an int with ``integer``), or is a bool.
        ValueError: ``value`` is NaN or outside the interval.
    """
    left = INTERVAL_BRACKETS[low_closed][0] if low is not None else '('
    right = INTERVAL_BRACKETS[high_closed][1] if high is not None else ')'
    interval = f'{left}{"-inf" if low is None else low}, {"inf" if high is None else high}{right}'
    expected = f'{"an int" if integer else "a number"} in {interval}'
    kind = int if integer else Real
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f'{owner}: {name} must be {expected}, got {value!r} '
                        f'of type {type(value).__name__}')
    below = low is not None and (value < low if low_closed else value <= low)
    above = high is not None and (value > high if high_closed else value >= high)
    if math.isnan(value) or below or above:
        raise ValueError(f'{owner}: {name} must be {expected}, got {value!r}')


def check_choice(owner: str, name: str, value: Any, choices: tuple) -> None:
    """Raises ``ValueError`` unless ``value`` is one of ``choices``.

    Args:
        owner: Class the option belongs to.
        name: The option's name.
        value: The value given.
        choices: The allowed values.
    """
    if not isinstance(value, type(choices[0])) or value not in choices:
        raise ValueError(f'{owner}: {name} must be one of {choices}, got {value!r}')
