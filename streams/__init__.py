"""claimwatch: attributed claims from news streams, a running consensus, contradiction alerts.

The pure core (``extraction``, ``consensus``, ``contradiction``) has no Kafka in
it; ``app``, ``topics`` and ``agents`` are the thin Faust shell around it; the
offline commands in ``cli`` use the same core.
"""

__version__ = "0.1.0"
