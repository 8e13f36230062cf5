"""Builds the compiled twin of the per-claim consensus, when it can.

Everything else is in pyproject.toml. ``streams/consensus/_kernel.pyx`` is
optional: without Cython or a C compiler the package installs as pure Python
and ``streams.consensus.aggregate`` uses its Python reference (same results,
slower replays).
"""

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # pure Python install
    extensions = []
else:
    extensions = cythonize(
        [Extension("streams.consensus._kernel", ["streams/consensus/_kernel.pyx"], optional=True)],
        language_level=3,
        quiet=True,
    )

setup(ext_modules=extensions)
