"""Types of the compiled twin of :func:`streams.consensus.aggregate.consensus`."""

from collections.abc import Callable, Iterable

from streams.domain.settings import EngineSettings
from streams.domain.state import Obs, Sup

def consensus(
    observations: Iterable[Obs],
    weight_of: Callable[[str], float],
    settings: EngineSettings,
    presence_prior_weight: float,
) -> tuple[tuple[float, float, float] | None, bool, float | None, tuple[Sup, ...]]: ...
